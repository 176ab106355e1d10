// The plugin's size and start-up, the self-contained binary (`npm run release`) against the Node launcher
// (`install-plugin`). The engine starts the plugin at every preview, up, refresh and destroy, and waits until
// it prints the port it serves on: start-up here is from spawn to that line, the same wait.
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { packPlugin } from "../provider/plugin/install";
import { REPO_ROOT } from "../test/support/pulumi-project";
import { median } from "./report";

const run = promisify(execFile);

export interface PluginVariant {
  name: "binary" | "node launcher";
  /** What a user downloads (the archive) and what lands in their Pulumi home (unpacked). */
  archiveBytes: number;
  installedBytes: number;
  /** Spawn to port, in ms, each sample; and their median and slowest. */
  startupMs: number[];
  medianMs: number;
  maxMs: number;
}

export interface PluginBench {
  samples: number;
  node: string;
  variants: PluginVariant[];
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  return total;
}

/** Starts the plugin as the engine does and resolves with the ms until it printed its port; then stops it. */
function startup(command: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(command, ["127.0.0.1:1"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (/^\d+\n/.test(out)) {
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        child.kill("SIGKILL");
        resolve(Math.round(ms * 10) / 10);
      }
    });
    child.on("exit", (code) => {
      if (!/^\d+\n/.test(out)) reject(new Error(`${command} exited ${code} before printing its port: ${err.trim()}`));
    });
  });
}

export async function benchPluginStartup(samples: number, log: (m: string) => void): Promise<PluginBench> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pak-bench-plugin-"));
  try {
    // The binary, as a release builds it for this machine.
    const releaseDir = path.join(work, "release");
    await run("node", [path.join(REPO_ROOT, "dist/scripts/release.js"), "--platform", "linux-amd64", "--out", releaseDir], {
      maxBuffer: 1 << 24,
    });
    const archive = fs.readdirSync(releaseDir).find((f) => f.endsWith(".tar.gz"))!;
    const binaryDir = path.join(work, "binary");
    fs.mkdirSync(binaryDir);
    await run("tar", ["-xzf", path.join(releaseDir, archive), "-C", binaryDir]);
    // The launcher, as install-plugin packs it; it runs on the node on PATH.
    const launcherTarball = packPlugin(path.join(work, "launcher-out"));
    const launcherDir = path.join(work, "launcher");
    fs.mkdirSync(launcherDir);
    await run("tar", ["-xzf", launcherTarball, "-C", launcherDir]);

    // No code cache of the repo's own (NODE_COMPILE_CACHE): a user's machine has none.
    const env = { ...process.env };
    delete env.NODE_COMPILE_CACHE;
    const variants: Array<{ v: Omit<PluginVariant, "startupMs" | "medianMs" | "maxMs">; command: string; env: NodeJS.ProcessEnv }> = [
      {
        v: { name: "binary", archiveBytes: fs.statSync(path.join(releaseDir, archive)).size, installedBytes: bytesUnder(binaryDir) },
        command: path.join(binaryDir, "pulumi-resource-apikeys"),
        env: { ...env, PATH: "" },
      },
      {
        v: { name: "node launcher", archiveBytes: fs.statSync(launcherTarball).size, installedBytes: bytesUnder(launcherDir) },
        command: path.join(launcherDir, "pulumi-resource-apikeys"),
        env,
      },
    ];
    const times = variants.map(() => [] as number[]);
    for (const x of variants) await startup(x.command, x.env); // one unmeasured start each: the page cache
    for (let s = 0; s < samples; s++) for (const [i, x] of variants.entries()) times[i]!.push(await startup(x.command, x.env)); // interleaved
    const out = variants.map((x, i) => ({ ...x.v, startupMs: times[i]!, medianMs: median(times[i]!), maxMs: Math.max(...times[i]!) }));
    for (const v of out)
      log(
        `plugin ${v.name}: start-up median ${v.medianMs} ms (max ${v.maxMs}), archive ${(v.archiveBytes / 1e6).toFixed(1)} MB, installed ${(v.installedBytes / 1e6).toFixed(1)} MB`,
      );
    return { samples, node: process.version, variants: out };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export function pluginMarkdown(b: PluginBench): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const ms = (n: number) => `${+n.toFixed(1)} ms`; // a median of an even count is a mean of two
  const rows = b.variants.map((v) => `| ${v.name} | ${mb(v.archiveBytes)} | ${mb(v.installedBytes)} | ${ms(v.medianMs)} | ${ms(v.maxMs)} |`);
  return [
    `| plugin | download (archive) | installed | start-up, median of ${b.samples} | slowest |`,
    "|---|---|---|---|---|",
    ...rows,
    "",
    `Start-up: from spawn until the plugin prints its port, which the engine waits for at every preview and update (launcher on ${b.node}, no compile cache).`,
    "",
  ].join("\n");
}
