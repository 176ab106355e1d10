// `pulumi-api-keys install-plugin`: packs the native plugin from this installed package and hands it to
// `pulumi plugin install resource apikeys <version> --file <tarball>`. The tarball holds a launcher,
// this package's built code and the runtime dependencies it needs, so it runs without this project.
// With --from, it installs a release's self-contained archive instead, checked against its checksums.
import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PluginInstallError } from "../core/errors";
import { PACKAGE } from "../registry";
import { archiveName, checksumsName, hostPlatform, isPlatform, Platform, PLATFORM_NAMES, parseChecksums } from "./platforms";
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
    // Pulumi's archive name for this machine (the launcher runs wherever Node does; the name is only a label).
    const tarball = path.join(path.resolve(outDir), archiveName(version, hostPlatform() ?? "linux-amd64"));
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

/** Where a release's file is: a folder, an http(s) base URL (Pulumi's ${VERSION}, ${OS}, ${ARCH} filled in), or github://<host>/<owner>/<repo>. */
export function releaseFileLocation(from: string, version: string, platform: Platform, file: string): string {
  const gh = /^github:\/\/([^/]+)\/([^/]+)\/([^/]+?)\/?$/.exec(from);
  if (gh) return `https://${gh[1] === "api.github.com" ? "github.com" : gh[1]}/${gh[2]}/${gh[3]}/releases/download/v${version}/${file}`;
  if (/^https?:\/\//.test(from)) {
    const [os, arch] = platform.split("-") as [string, string];
    const base = from
      .replace(/\$\{VERSION\}/g, version)
      .replace(/\$\{OS\}/g, os)
      .replace(/\$\{ARCH\}/g, arch)
      .replace(/\$\{NAME\}/g, PACKAGE);
    return `${base.replace(/\/+$/, "")}/${file}`;
  }
  return path.join(path.resolve(from), file);
}

/** A release's file, or undefined when the release has none by that name. */
async function readReleaseFile(location: string): Promise<Buffer | undefined> {
  if (!/^https?:\/\//.test(location)) return fs.existsSync(location) ? fs.readFileSync(location) : undefined;
  let res: Response;
  try {
    res = await fetch(location, { redirect: "follow" });
  } catch (e) {
    throw new PluginInstallError("PAK_PLUGIN_ARCHIVE", `cannot reach ${location}: ${(e as Error).message}`);
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw new PluginInstallError("PAK_PLUGIN_ARCHIVE", `${location} answered HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/**
 * Fetches one platform's archive of a release and checks it against the release's checksums file;
 * writes it into `outDir` and returns its path. Nothing is written when any check fails.
 */
export async function fetchReleaseArchive(opts: { from: string; platform?: string; version?: string; outDir: string }): Promise<string> {
  const version = opts.version ?? packageVersion();
  const platform = opts.platform ?? hostPlatform();
  if (platform === undefined)
    throw new PluginInstallError(
      "PAK_PLUGIN_PLATFORM",
      `no release is built for this machine (${process.platform}-${process.arch}); the platforms are ${PLATFORM_NAMES.join(", ")}`,
    );
  if (!isPlatform(platform))
    throw new PluginInstallError("PAK_PLUGIN_PLATFORM", `unknown platform ${JSON.stringify(platform)}: the platforms are ${PLATFORM_NAMES.join(", ")}`);
  const name = archiveName(version, platform);
  const sumsAt = releaseFileLocation(opts.from, version, platform, checksumsName(version));
  const sumsText = await readReleaseFile(sumsAt);
  if (!sumsText) throw new PluginInstallError("PAK_PLUGIN_ARCHIVE", `the release at ${opts.from} has no checksums file (${sumsAt})`);
  let expected: string | undefined;
  try {
    expected = parseChecksums(sumsText.toString("utf8"), sumsAt).get(name);
  } catch (e) {
    throw new PluginInstallError("PAK_PLUGIN_CHECKSUM", (e as Error).message);
  }
  const at = releaseFileLocation(opts.from, version, platform, name);
  const archive = expected === undefined ? undefined : await readReleaseFile(at);
  if (expected === undefined || archive === undefined)
    throw new PluginInstallError(
      "PAK_PLUGIN_ARCHIVE",
      `the release at ${opts.from} has no ${name}${expected === undefined ? ` (its checksums file lists none; release v${version} may not be built for ${platform})` : ` (${at})`}`,
    );
  const actual = createHash("sha256").update(archive).digest("hex");
  if (actual !== expected) throw new PluginInstallError("PAK_PLUGIN_CHECKSUM", `${name} has sha256 ${actual}, but ${sumsAt} says ${expected}`);
  fs.mkdirSync(opts.outDir, { recursive: true });
  const dest = path.join(path.resolve(opts.outDir), name);
  fs.writeFileSync(dest, archive);
  return dest;
}

function pulumiPluginInstall(pulumiBin: string | undefined, env: NodeJS.ProcessEnv | undefined, version: string, tarball: string): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    execFile(
      pulumiBin ?? "pulumi",
      ["plugin", "install", "resource", PACKAGE, version, "--file", tarball, "--reinstall", "--non-interactive"],
      { env: env ?? process.env },
      (err, stdout, stderr) => (err ? reject(new Error(`pulumi plugin install failed: ${(stderr || err.message).trim()}`)) : resolve(`${stdout}${stderr}`)),
    ),
  );
}

/**
 * Installs the plugin with `pulumi plugin install`; returns what it installed. Without `from`, the Node
 * launcher packed from this package; with it, that release's self-contained archive for this machine.
 */
export async function installPlugin(
  opts: { pulumiBin?: string; env?: NodeJS.ProcessEnv; from?: string; platform?: string } = {},
): Promise<{ version: string; tarball: string; output: string }> {
  const version = packageVersion();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pak-plugin-out-"));
  try {
    let tarball: string;
    if (opts.from !== undefined) {
      const host = hostPlatform();
      if (opts.platform !== undefined && opts.platform !== host && isPlatform(opts.platform))
        throw new PluginInstallError(
          "PAK_PLUGIN_PLATFORM",
          `the ${opts.platform} plugin cannot run on this machine (${host ?? `${process.platform}-${process.arch}`}); add --pack-only DIR to fetch it for another machine`,
        );
      tarball = await fetchReleaseArchive({ from: opts.from, platform: opts.platform, version, outDir: dir });
    } else tarball = packPlugin(dir);
    const output = await pulumiPluginInstall(opts.pulumiBin, opts.env, version, tarball);
    return { version, tarball: path.basename(tarball), output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
