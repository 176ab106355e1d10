// Lays this package out in a node_modules folder as `npm install` would (package.json + dist/provider).
// Being under node_modules is what makes Pulumi serialize the provider as a `require` of the package
// instead of copying its code into state. Used by the demo and the end-to-end tests.
import * as fs from "node:fs";
import * as path from "node:path";

export function installPackageCopy(repoRoot: string, nodeModules: string): string {
  const pkg = path.join(nodeModules, "pulumi-api-keys");
  fs.rmSync(pkg, { recursive: true, force: true });
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(pkg, "package.json"));
  fs.cpSync(path.join(repoRoot, "dist", "provider"), path.join(pkg, "dist", "provider"), { recursive: true });
  return pkg;
}
