// `pulumi-api-keys install-plugin`: packs the native plugin from this installed package and hands it to
// `pulumi plugin install resource apikeys <version> --file <tarball>`. The tarball holds a launcher,
// this package's built code and the runtime dependencies it needs, so it runs without this project.
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE } from "../registry";
import { packageRoot, packageVersion } from "./schema";

/** Runtime dependencies of the plugin; of @pulumi/pulumi only its gRPC stubs (proto/) are used. */
const DEPENDENCIES = ["undici", "yaml", "zod", "@grpc/grpc-js", "google-protobuf"];

/** Where Node would find package `name` from `fromDir` (node_modules upwards). */
function findPackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return fs.realpathSync(candidate);
    if (dir === path.dirname(dir)) return undefined;
  }
}

/**
 * Copies `name` (found from `fromDir`) and its dependency closure into `parentDest/node_modules`, flat at
 * the stage's top where possible; a second version of a name nests under the package that needs it.
 */
function copyClosure(name: string, fromDir: string, stage: string, parentDest: string, placed: Map<string, string>): void {
  const src = findPackage(name, fromDir);
  if (!src) throw new Error(`cannot find the package ${name} (needed by the plugin) from ${fromDir}`);
  const seen = placed.get(name);
  if (seen === src) return;
  const dest = seen === undefined ? path.join(stage, "node_modules", name) : path.join(parentDest, "node_modules", name);
  if (seen === undefined) placed.set(name, src);
  if (fs.existsSync(dest)) return;
  const own = path.join(src, "node_modules");
  fs.cpSync(src, dest, { recursive: true, dereference: true, filter: (f) => f !== own && !f.startsWith(own + path.sep) });
  const pkg = JSON.parse(fs.readFileSync(path.join(src, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies ?? {})) copyClosure(dep, src, stage, dest, placed);
}

/** Builds the plugin tarball into `outDir`; returns its path. */
export function packPlugin(outDir: string): string {
  const root = packageRoot();
  const version = packageVersion();
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), "pak-plugin-"));
  try {
    const self = path.join(stage, "node_modules", "pulumi-api-keys");
    fs.mkdirSync(self, { recursive: true });
    fs.copyFileSync(path.join(root, "package.json"), path.join(self, "package.json"));
    fs.cpSync(path.join(root, "dist", "provider"), path.join(self, "dist", "provider"), { recursive: true });
    const placed = new Map<string, string>();
    for (const dep of DEPENDENCIES) copyClosure(dep, root, stage, stage, placed);
    const sdk = findPackage("@pulumi/pulumi", root);
    if (!sdk) throw new Error("cannot find @pulumi/pulumi (a peer dependency of pulumi-api-keys)");
    const sdkDest = path.join(stage, "node_modules", "@pulumi", "pulumi");
    fs.mkdirSync(sdkDest, { recursive: true });
    fs.copyFileSync(path.join(sdk, "package.json"), path.join(sdkDest, "package.json"));
    fs.cpSync(path.join(sdk, "proto"), path.join(sdkDest, "proto"), { recursive: true });
    const launcher = path.join(stage, `pulumi-resource-${PACKAGE}`);
    fs.writeFileSync(
      launcher,
      '#!/bin/sh\n# The apikeys plugin of pulumi-api-keys; needs Node.js 22 or later on PATH.\nexec node "$(dirname "$0")/node_modules/pulumi-api-keys/dist/provider/plugin/main.js" "$@"\n',
      { mode: 0o755 },
    );
    fs.mkdirSync(outDir, { recursive: true });
    const tarball = path.join(
      path.resolve(outDir),
      `pulumi-resource-${PACKAGE}-v${version}-${process.platform === "darwin" ? "darwin" : "linux"}-${os.arch() === "arm64" ? "arm64" : "amd64"}.tar.gz`,
    );
    return runSync("tar", ["-czf", tarball, "-C", stage, "."], tarball);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function runSync(cmd: string, args: string[], result: string): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return result;
}

/** Packs the plugin and installs it with `pulumi plugin install`; returns what it installed. */
export async function installPlugin(opts: { pulumiBin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ version: string; tarball: string; output: string }> {
  const version = packageVersion();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pak-plugin-out-"));
  const tarball = packPlugin(dir);
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      opts.pulumiBin ?? "pulumi",
      ["plugin", "install", "resource", PACKAGE, version, "--file", tarball, "--reinstall", "--non-interactive"],
      { env: opts.env ?? process.env },
      (err, stdout, stderr) => (err ? reject(new Error(`pulumi plugin install failed: ${(stderr || err.message).trim()}`)) : resolve(`${stdout}${stderr}`)),
    ),
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return { version, tarball: path.basename(tarball), output };
}
