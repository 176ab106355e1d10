// `npm run bench`: how cost grows with the number of keys, against two floors measured in the same run:
// a no-op dynamic provider (same resources, no HTTP) and, for refresh, Statsig's rate limit.
// Writes bench/results/<date>.json and latest.json, and the table into README.md.
//   BENCH_N=10,100,500 (default)   which sizes to run
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STATSIG_CONSOLE_KEY } from "../emulator/apis/statsig";
import { createEmulator } from "../emulator/main";
import { makeProject, PulumiProject, REPO_ROOT } from "./pulumi-project";

const floorProgram = `
const pulumi = require("@pulumi/pulumi");
const cfg = new pulumi.Config();
const n = cfg.requireNumber("n"), changed = cfg.getNumber("changed") || 0;
// The floor: a dynamic provider that makes no HTTP call, over resources of the same shape.
const provider = {
  async create(inputs) { return { id: "noop-" + inputs.description, outs: { ...inputs, key: "x", keyFingerprint: "f", status: "active" } }; },
  async diff(id, olds, news) { return { changes: olds.description !== news.description }; },
  async update(id, olds, news) { return { outs: { ...olds, ...news } }; },
  async read(id, props) { return { id, props }; },
  async delete() {},
};
class Noop extends pulumi.dynamic.Resource { constructor(name, args) { super(provider, name, { ...args, key: undefined }, { additionalSecretOutputs: ["key"] }); } }
for (let i = 0; i < n; i++) new Noop("k" + i, { type: "SERVER", description: "key " + i + (i < changed ? " v2" : ""), scopes: ["omni_read_only"], environments: ["production"] });
`;

const keysProgram = `
const pulumi = require("@pulumi/pulumi");
const { statsig } = require("pulumi-api-keys");
const cfg = new pulumi.Config();
const n = cfg.requireNumber("n"), changed = cfg.getNumber("changed") || 0;
for (let i = 0; i < n; i++) new statsig.Key("k" + i, { type: "SERVER", description: "key " + i + (i < changed ? " v2" : ""), scopes: ["omni_read_only"], environments: ["production"] });
`;

interface Measure {
  ms: number;
  calls?: number;
}

/** Samples the RSS of every dynamic-provider process while `fn` runs; returns the peak in MiB. */
async function peakProviderRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const out = execFileSync("ps", ["-eo", "rss,args"], { encoding: "utf8" });
      for (const line of out.split("\n")) if (line.includes("dynamic-provider")) peak = Math.max(peak, parseInt(line.trim(), 10) || 0);
    } catch {
      /* ps may race with exiting processes */
    }
  }, 200);
  try {
    return { result: await fn(), peakMiB: Math.round(peak / 1024) };
  } finally {
    clearInterval(timer);
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_N ?? "10,100,500").split(",").map((s) => parseInt(s, 10));
  const rows: Record<string, unknown>[] = [];
  for (const n of sizes) {
    console.error(`\n== N = ${n}`);
    const emulator = createEmulator({ port: 0, rateLimits: false });
    const url = await emulator.start();
    const floor = makeProject(`bench-floor-${n}`, { "index.js": floorProgram });
    const ours = makeProject(`bench-statsig-${n}`, { "index.js": keysProgram });
    await floor.init({ n: String(n) });
    await ours.init({ n: String(n), "pulumi-api-keys:statsigApiUrl": url }, { "pulumi-api-keys:statsigConsoleApiKey": STATSIG_CONSOLE_KEY });
    const calls = () => emulator.log.length;
    const step = async (p: PulumiProject, args: string[]): Promise<Measure> => {
      const before = calls();
      const ms = await timed(() => p.ok(args, { timeoutMs: 1_800_000 }));
      return { ms: Math.round(ms), calls: calls() - before };
    };
    const both = async (label: string, args: string[], setup?: (p: PulumiProject) => Promise<unknown>) => {
      if (setup) {
        await setup(floor);
        await setup(ours);
      }
      const f = await step(floor, args);
      const o = await step(ours, args);
      console.error(`   ${label}: floor ${f.ms} ms, ours ${o.ms} ms (${(o.ms / f.ms).toFixed(2)}x), ${o.calls} calls`);
      return { floorMs: f.ms, ms: o.ms, ratio: +(o.ms / f.ms).toFixed(2), calls: o.calls };
    };

    const { result: create, peakMiB } = await peakProviderRss(() => both("up (create)", ["up", "--yes", "--skip-preview"]));
    const preview = await both("preview (no changes)", ["preview", "--expect-no-changes"]);
    const refresh = await both("refresh", ["refresh", "--yes", "--skip-preview"]);
    const changed = Math.max(1, Math.round(n / 10));
    const update = await both(`up (change ${changed})`, ["up", "--yes", "--skip-preview"], (p) => p.ok(["config", "set", "changed", String(changed)]));
    // Per key: the compact JSON of each key's own state entry (what grows with N), and the pretty-printed export / N.
    const perKey = async (p: PulumiProject) => {
      const st = await p.exportState();
      const own = st.resources.filter((r) => String(r.type).startsWith("pulumi-nodejs:dynamic"));
      return { compact: Math.round(own.reduce((a, r) => a + JSON.stringify(r).length, 0) / n), exported: Math.round(st.raw.length / n) };
    };
    const floorState = await perKey(floor);
    const ourState = await perKey(ours);
    const before = calls();
    const driftMs = await timed(
      () =>
        new Promise<void>((resolve, reject) =>
          spawn("node", [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", ours.dir, "--stack", ours.stack, "--format", "json"], {
            env: ours.env(),
            stdio: "ignore",
          }).on("close", (c) => (c === 0 ? resolve() : reject(new Error(`drift exited ${c}`)))),
        ),
    );
    const drift = { ms: Math.round(driftMs), calls: calls() - before };
    console.error(`   drift: ${drift.ms} ms, ${drift.calls} calls`);

    let rateLimited: Record<string, unknown> | undefined;
    if (n >= 500) {
      // Statsig's documented budget, enforced by the emulator: 500 reads cannot beat 10 per second.
      emulator.rateLimits = true;
      const floorMs = (n / 10) * 1000; // N requests at 10 per second
      const windowMinMs = ((n - 100) / 100) * 10_000; // strictly: the first 100 fit at once, then 100 per 10 s
      const r = await step(ours, ["refresh", "--yes", "--skip-preview"]);
      const throttled = emulator.log.slice(-r.calls!).filter((x) => x.status === 429).length;
      rateLimited = { ms: r.ms, floorMs, windowMinMs, ratio: +(r.ms / floorMs).toFixed(2), calls: r.calls, throttled429: throttled, failures: 0 };
      console.error(`   refresh under the rate limit: ${r.ms} ms vs floor ${floorMs} ms, ${throttled} answered 429`);
      emulator.rateLimits = false;
    }

    await floor.destroyAndRemove();
    await ours.destroyAndRemove();
    await emulator.stop();
    fs.rmSync(floor.dir, { recursive: true, force: true });
    fs.rmSync(ours.dir, { recursive: true, force: true });
    rows.push({
      n,
      create,
      preview,
      refresh,
      update,
      drift,
      rateLimited,
      stateBytesPerKey: ourState.compact,
      exportedBytesPerKey: ourState.exported,
      floorStateBytesPerKey: floorState.compact,
      providerPeakRssMiB: peakMiB,
    });
  }

  const pulumiVersion = execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim();
  const machine = {
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    pulumi: pulumiVersion,
    os: `${os.type()} ${os.release()}`,
  };
  const result = { date: new Date().toISOString(), machine, rows };
  const dir = path.join(REPO_ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(result, null, 2) + "\n";
  fs.writeFileSync(path.join(dir, `${result.date.slice(0, 10)}.json`), json);
  fs.writeFileSync(path.join(dir, "latest.json"), json);
  const table = renderTable(result);
  fs.writeFileSync(path.join(dir, "latest.md"), table);
  const readme = path.join(REPO_ROOT, "README.md");
  const text = fs.readFileSync(readme, "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  if (text.includes(start) && text.includes(end))
    fs.writeFileSync(readme, text.slice(0, text.indexOf(start) + start.length) + "\n" + table + text.slice(text.indexOf(end)));
  process.stdout.write(table);
}

function renderTable(r: { date: string; machine: Record<string, unknown>; rows: Record<string, any>[] }): string {
  const m = r.machine;
  const lines = [
    `Run ${r.date.slice(0, 16).replace("T", " ")} UTC on ${m.cpus}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, Pulumi ${m.pulumi}; emulator on loopback. Times in seconds; ratio = ours / no-op dynamic provider at the same N.`,
    "",
    "| N | up (create): s, ratio, calls | preview, no changes: s, ratio, calls | refresh: s, ratio, calls | up changing 10%: s, ratio, calls | drift: s, calls | state bytes/key, compact (floor; pretty export) | provider peak RSS |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const c = (x: any) => `${(x.ms / 1000).toFixed(1)}, ${x.ratio}x, ${x.calls}`;
  for (const row of r.rows) {
    lines.push(
      `| ${row.n} | ${c(row.create)} | ${c(row.preview)} | ${c(row.refresh)} | ${c(row.update)} | ${(row.drift.ms / 1000).toFixed(1)}, ${row.drift.calls} | ${row.stateBytesPerKey} (${row.floorStateBytesPerKey}; ${row.exportedBytesPerKey}) | ${row.providerPeakRssMiB} MiB |`,
    );
  }
  for (const row of r.rows.filter((x) => x.rateLimited)) {
    const rl = row.rateLimited;
    lines.push(
      "",
      `Refresh of ${row.n} keys with Statsig's limits enforced (100 / 10 s): ${(rl.ms / 1000).toFixed(1)} s against a rate-limit floor of ${(rl.floorMs / 1000).toFixed(1)} s at 10 requests/s (${rl.ratio}x; the sliding window's strict minimum is ${(rl.windowMinMs / 1000).toFixed(1)} s), ${rl.calls} calls, ${rl.throttled429} answered 429, ${rl.failures} failures.`,
    );
  }
  return lines.join("\n") + "\n";
}

main().catch((e) => {
  console.error(`bench failed: ${(e as Error).message}`);
  process.exit(1);
});
