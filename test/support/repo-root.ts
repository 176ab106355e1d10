// The repo root, found from here whether this runs from source or from dist/.
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = (() => {
  for (let d = __dirname; d !== path.dirname(d); d = path.dirname(d)) {
    const pj = path.join(d, "package.json");
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, "utf8")).name === "pulumi-api-keys") return d;
  }
  throw new Error("cannot find the pulumi-api-keys repo root");
})();
