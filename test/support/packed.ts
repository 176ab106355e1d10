// The package as users get it: `npm pack` of the built repo, made once per test run by the global
// setup (test/support/global-setup.ts) and shared by every test that installs or lays out the package.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./repo-root";

export interface Packed {
  /** The tarball, as `npm pack` wrote it. */
  tarball: string;
  /** The tarball unpacked (its `package/` folder): what `npm install` of it puts in node_modules/pulumi-api-keys. */
  unpacked: string;
  /** The files it holds, by path inside the package. */
  files: string[];
}

/** Where this checkout's run keeps the pack: outside every test project, ignored by git. */
const PACK_DIR = path.join(REPO_ROOT, ".test-run", "pack");
const RECORD = path.join(PACK_DIR, "packed.json");

/** Packs the built repo (dist/ must be current: scripts/test.sh builds first) and unpacks it beside. */
export function packOnce(): Packed {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist/provider/index.js"))) throw new Error("dist/ is missing: build first (npm run build)");
  fs.rmSync(PACK_DIR, { recursive: true, force: true });
  fs.mkdirSync(PACK_DIR, { recursive: true });
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", PACK_DIR], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const info = JSON.parse(out)[0];
  const tarball = path.join(PACK_DIR, info.filename);
  execFileSync("tar", ["-xzf", tarball, "-C", PACK_DIR]);
  const packed: Packed = {
    tarball,
    unpacked: path.join(PACK_DIR, "package"),
    files: info.files.map((f: { path: string }) => f.path),
  };
  fs.writeFileSync(RECORD, JSON.stringify(packed));
  return packed;
}

/** This run's pack (made by the global setup; made here if a test runs without it, or after a rebuild). */
export function packed(): Packed {
  const built = fs.statSync(path.join(REPO_ROOT, "dist/provider/index.js")).mtimeMs;
  if (fs.existsSync(RECORD) && fs.statSync(RECORD).mtimeMs >= built) return JSON.parse(fs.readFileSync(RECORD, "utf8")) as Packed;
  return packOnce();
}
