// `npm run release`: self-contained plugin archives, one per platform, that Pulumi downloads by itself.
// Each holds one executable: a Node runtime from the npm registry (node-<os>-<arch>) with a bundle of
// dist/provider injected as a single-executable application (Node's SEA, injected with postject).
// Writes, into --out (default release/): the archives, schema.json, the checksums file and release.json.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { DEFAULT_DOWNLOAD_URL } from "../provider/plugin/build-info";
import { archiveName, checksumsName, executableFormat, hostPlatform, isPlatform, Platform, PLATFORM_NAMES, PLATFORMS } from "../provider/plugin/platforms";
import { packageRoot, packageSchema, packageVersion } from "../provider/plugin/schema";

const run = promisify(execFile);

/** The runtime every binary carries: the newest Node 22 that npm has for linux-x64, linux-arm64, darwin-x64 and win-x64. */
export const PLUGIN_NODE_VERSION = "22.23.3";
/** The fuse Node's SEA support looks for (the same in every Node 22). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

const USAGE = `usage: npm run release -- [--out DIR] [--download-url URL] [--platform P[,P...]]

Builds self-contained pulumi-resource-apikeys archives (no Node needed to run them) into DIR (default release/).
  --download-url URL   where Pulumi downloads them: the schema's pluginDownloadURL, baked into the binaries
                       (default ${DEFAULT_DOWNLOAD_URL}; an http(s) URL for a company mirror)
  --platform LIST      which of ${PLATFORM_NAMES.join(", ")} (default all)
`;

export interface ReleaseOptions {
  out: string;
  downloadUrl: string;
  platforms: Platform[];
}

export interface BuiltPlatform {
  platform: Platform;
  built: boolean;
  /** Why it was not built, or what the binary still needs (signing). */
  note?: string;
  archive?: string;
  sha256?: string;
  binaryBytes?: number;
  archiveBytes?: number;
  /** Whether the binary was started here (the host's platform only). */
  ran?: boolean;
}

export interface ReleaseManifest {
  version: string;
  downloadUrl: string;
  node: string;
  bundleBytes: number;
  seconds: number;
  platforms: BuiltPlatform[];
}

export function parseReleaseArgs(argv: string[]): ReleaseOptions | string {
  const o: ReleaseOptions = { out: path.join(packageRoot(), "release"), downloadUrl: DEFAULT_DOWNLOAD_URL, platforms: [...PLATFORM_NAMES] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--help") return "";
    if (!["--out", "--download-url", "--platform"].includes(flag)) return `unknown option ${flag}`;
    const value = argv[++i];
    if (value === undefined) return `${flag} needs a value`;
    if (flag === "--out") o.out = path.resolve(value);
    else if (flag === "--download-url") {
      if (!/^(https?:\/\/[^\s]+|github:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+)$/.test(value))
        return `--download-url must be an http(s):// URL or github://<host>/<owner>/<repo>, not ${JSON.stringify(value)}`;
      o.downloadUrl = value;
    } else if (flag === "--platform") {
      const asked = value.split(",").map((p) => p.trim());
      const unknown = asked.filter((p) => !isPlatform(p));
      if (unknown.length) return `--platform: unknown platform ${unknown.join(", ")}; the platforms are ${PLATFORM_NAMES.join(", ")}`;
      o.platforms = asked as Platform[];
    }
  }
  return o;
}

/** The repo's cache folder, found as scripts/env.sh finds it (PULUMI_API_KEYS_CACHE, then XDG_CACHE_HOME, then ~/.cache). */
export function projectCache(): string {
  return process.env.PULUMI_API_KEYS_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-api-keys");
}

const sha256 = (file: string): string => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Runs `task` over `items`, `limit` at a time (each mostly waits on a child process). */
async function pool<T, R>(items: T[], limit: number, task: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The Node runtime for `platform`, from npm into the cache (once); a string says why there is none. */
async function runtime(platform: Platform, cache: string): Promise<string | { missing: string }> {
  const spec = PLATFORMS[platform];
  const exe = spec.format === "PE" ? "node.exe" : "node";
  const dir = path.join(cache, `node-${spec.npm}-${PLUGIN_NODE_VERSION}`);
  const bin = path.join(dir, exe);
  if (fs.existsSync(bin)) return bin;
  const pkg = `node-${spec.npm}@${PLUGIN_NODE_VERSION}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pak-runtime-"));
  try {
    try {
      await run("npm", ["pack", pkg, "--pack-destination", work, "--loglevel=error"], { maxBuffer: 1 << 24 });
    } catch (e) {
      const err = `${(e as { stderr?: string }).stderr ?? ""}${(e as Error).message}`;
      if (!/E404|ETARGET/.test(err)) throw new Error(`could not fetch ${pkg} from the npm registry: ${err.trim().split("\n")[0]}`);
      const newest = await run("npm", ["view", `node-${spec.npm}`, "version"]).then(
        (r) => r.stdout.trim(),
        () => "none",
      );
      return { missing: `the npm registry has no ${pkg} (newest node-${spec.npm}: ${newest}), and the bundle needs Node 22` };
    }
    const tgz = fs.readdirSync(work).find((f) => f.endsWith(".tgz"))!;
    await run("tar", ["-xzf", path.join(work, tgz), "-C", work, `package/bin/${exe}`]);
    fs.mkdirSync(dir, { recursive: true });
    fs.renameSync(path.join(work, "package", "bin", exe), bin);
    return bin;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Bundles the plugin (and the drift command) into one CommonJS file with the release's facts baked in. */
async function bundle(file: string, version: string, downloadUrl: string): Promise<void> {
  const esbuild = (await import("esbuild")) as typeof import("esbuild");
  await esbuild.build({
    entryPoints: [path.join(packageRoot(), "dist", "provider", "plugin", "main.js")],
    outfile: file,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    logLevel: "error",
    define: { PAK_RELEASE: JSON.stringify({ version, downloadUrl }) },
    plugins: [
      {
        name: "plugin-only",
        setup(b) {
          // The SDK's runtime serves the classes for Node programs, which the plugin never loads (its gRPC
          // stubs under @pulumi/pulumi/proto are bundled).
          b.onResolve({ filter: /^@pulumi\/pulumi$/ }, (a) => ({ path: a.path, external: true }));
          b.onResolve({ filter: /^\.\/resource$/ }, () => ({ path: "resource", namespace: "not-in-plugin" }));
          b.onLoad({ filter: /.*/, namespace: "not-in-plugin" }, () => ({
            contents: 'throw new Error("the resource classes are for Node.js programs; the plugin binary does not carry them");',
          }));
        },
      },
    ],
  });
}

/** Checks a built binary: its format and machine are the platform's, the SEA fuse is set, the bundle is inside. */
export function checkBinary(file: string, platform: Platform, bundleText: Buffer): void {
  const bytes = fs.readFileSync(file);
  const spec = PLATFORMS[platform];
  const found = executableFormat(bytes.subarray(0, 4096));
  if (!found || found.format !== spec.format || found.machine !== spec.machine)
    throw new Error(
      `${file} is not a ${spec.format} executable for ${platform} (found ${found ? `${found.format}, machine 0x${found.machine.toString(16)}` : "no known header"})`,
    );
  if (bytes.indexOf(`${SEA_FUSE}:1`) < 0) throw new Error(`${file}: the SEA fuse is not set, so Node would not run the bundle`);
  if (bytes.indexOf(bundleText) < 0) throw new Error(`${file} does not hold the bundle`);
}

export async function release(o: ReleaseOptions, cache: string, log: (line: string) => void = () => undefined): Promise<ReleaseManifest> {
  const started = Date.now();
  const version = packageVersion();
  const host = hostPlatform();
  if (!host) throw new Error(`the release is built on ${PLATFORM_NAMES.join(", ")}; this machine is ${process.platform}-${process.arch}`);
  fs.mkdirSync(o.out, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pak-release-"));
  try {
    const bundleFile = path.join(work, "bundle.js");
    await bundle(bundleFile, version, o.downloadUrl);
    const bundleText = fs.readFileSync(bundleFile);
    log(`bundled dist/provider into ${(bundleText.length / 1e6).toFixed(1)} MB`);

    // The blob is made by the host's runtime, the same Node version as every binary's. Only the host's own
    // binary carries V8's code cache: it is specific to the machine that made it.
    const hostNode = await runtime(host, cache);
    if (typeof hostNode !== "string") throw new Error(`no runtime for this machine: ${hostNode.missing}`);
    const blob = async (codeCache: boolean): Promise<string> => {
      const out = path.join(work, codeCache ? "host.blob" : "portable.blob");
      const config = path.join(work, `${path.basename(out)}.json`);
      fs.writeFileSync(
        config,
        JSON.stringify({ main: bundleFile, output: out, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: codeCache }),
      );
      await run(hostNode, ["--experimental-sea-config", config]);
      return out;
    };
    const blobs = { host: await blob(true), portable: await blob(false) };
    const postject = require.resolve("postject/dist/cli.js");
    const signer = await run("osslsigncode", ["--version"]).then(
      () => true,
      () => false,
    );

    const built = await pool(o.platforms, Math.max(1, os.availableParallelism()), async (platform): Promise<BuiltPlatform> => {
      const spec = PLATFORMS[platform];
      const node = await runtime(platform, cache);
      if (typeof node !== "string") {
        log(`${platform}: not built: ${node.missing}`);
        return { platform, built: false, note: `not built: ${node.missing}` };
      }
      const stage = path.join(work, platform);
      fs.mkdirSync(stage);
      const binary = path.join(stage, spec.binary);
      let note: string | undefined;
      if (spec.format === "PE" && signer) {
        // Node's Authenticode signature would no longer match after injection: take it off first.
        await run("osslsigncode", ["remove-signature", "-in", node, "-out", binary]);
        note = "unsigned (its Node signature removed before injection); sign it with your own certificate";
      } else fs.copyFileSync(node, binary);
      if (spec.format === "Mach-O")
        note = "its Node signature no longer matches after injection: re-sign on a Mac (codesign --sign -, or your Developer ID) before it runs";
      fs.chmodSync(binary, 0o755);
      const args = [postject, binary, "NODE_SEA_BLOB", platform === host ? blobs.host : blobs.portable, "--sentinel-fuse", SEA_FUSE, "--overwrite"];
      if (spec.format === "Mach-O") args.push("--macho-segment-name", "NODE_SEA");
      await run(hostNode, args, { maxBuffer: 1 << 24 });
      checkBinary(binary, platform, bundleText);
      let ran = false;
      if (platform === host) {
        const { stdout } = await run(binary, ["--version"], { env: { PATH: "" } });
        if (!stdout.includes(`v${version}`) || !stdout.includes(o.downloadUrl)) throw new Error(`${binary} --version printed ${JSON.stringify(stdout)}`);
        ran = true;
      }
      const archive = path.join(o.out, archiveName(version, platform));
      await run("tar", ["-czf", archive, "--owner=0", "--group=0", "--numeric-owner", "-C", stage, spec.binary]);
      const r: BuiltPlatform = {
        platform,
        built: true,
        ...(note ? { note } : {}),
        archive: path.basename(archive),
        sha256: sha256(archive),
        binaryBytes: fs.statSync(binary).size,
        archiveBytes: fs.statSync(archive).size,
        ran,
      };
      fs.rmSync(stage, { recursive: true, force: true });
      log(
        `${platform}: ${r.archive} (binary ${(r.binaryBytes! / 1e6).toFixed(1)} MB, archive ${(r.archiveBytes! / 1e6).toFixed(1)} MB)${ran ? ", ran here" : ", built, not run here"}`,
      );
      return r;
    });

    const schemaFile = path.join(o.out, "schema.json");
    fs.writeFileSync(schemaFile, `${JSON.stringify(packageSchema(version, o.downloadUrl), null, 2)}\n`);
    const sums = [...built.filter((b) => b.built).map((b) => `${b.sha256}  ${b.archive}`), `${sha256(schemaFile)}  schema.json`];
    fs.writeFileSync(path.join(o.out, checksumsName(version)), `${sums.join("\n")}\n`);
    const manifest: ReleaseManifest = {
      version,
      downloadUrl: o.downloadUrl,
      node: PLUGIN_NODE_VERSION,
      bundleBytes: bundleText.length,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      platforms: built,
    };
    fs.writeFileSync(path.join(o.out, "release.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const o = parseReleaseArgs(process.argv.slice(2));
  if (typeof o === "string") {
    process.stderr.write(o ? `npm run release: ${o}\n\n${USAGE}` : USAGE);
    process.exit(o ? 1 : 0);
  }
  const cache = path.join(projectCache(), "plugin-runtimes");
  release(o, cache, (line) => process.stderr.write(`[release] ${line}\n`)).then(
    (m) => {
      process.stdout.write(`pulumi-resource-apikeys v${m.version} (Node ${m.node}), pluginDownloadURL ${m.downloadUrl}, in ${m.seconds} s -> ${o.out}\n`);
      for (const p of m.platforms)
        process.stdout.write(
          `  ${p.platform.padEnd(14)} ${p.built ? `${p.archive}  ${p.ran ? "ran here" : "built, not run here"}` : ""}${p.note ? `  (${p.note})` : ""}\n`,
        );
    },
    (e: unknown) => {
      process.stderr.write(`npm run release: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
