// `npm run bench`: what each operation costs as the number of keys grows, against two floors measured in
// the same run, interleaved with ours, several samples each:
//   floor   a no-op dynamic provider over resources of the same shape (the engine's own cost);
//   memory  this package with undici answering from memory (bench/memory-transport.ts, put in by bench/memory-preload.ts): our code, no network;
//   ours    this package against the emulator over loopback, with Statsig's limits enforced up to
//           LIMITED_UP_TO keys (past it, 2,000 creates would need 40 min of Statsig's 900 per 15 min: the
//           emulator runs without limits and the client's budget is off, PULUMI_API_KEYS_RATE_LIMITS=off).
// Writes bench/results/<date>.json, latest.json, latest.md and latest.svg, and the table into README.md.
//   BENCH_N=100,500,1000,2000      sizes          BENCH_SAMPLES=3   samples per cell
//   BENCH_REFRESH_REPEATS=4        refresh (with its preview) runs per sample: a few seconds each, and 1.1x its floor is its target;
//                                  500 / N times that below N = 500 (refreshRepeats)
//   BENCH_STACKS=10x100            drift across several stacks on one vendor project ("0" to skip)
//   BENCH_PLUGIN_SAMPLES=20        plugin start-up samples (bench/plugin-startup.ts); BENCH_ONLY=plugin runs that part alone
//   BENCH_ONLY=phases              alone: our CPU in a refresh by provider process and phase (bench/refresh-phases.ts)
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STATSIG_CONSOLE_KEY } from "../emulator/apis/statsig";
import { createEmulator } from "../emulator/main";
import { Emulator } from "../emulator/server";
import { makeProject, PulumiProject, REPO_ROOT } from "../test/support/pulumi-project";
import { floorProgram, keysProgram, MEMORY_URL, memoryVendor } from "./floors";
import { benchPluginStartup, PluginBench, pluginMarkdown } from "./plugin-startup";
import { benchRefreshPhases, phasesMarkdown } from "./refresh-phases";
import { Cell, intoReadme as writeReadmeSection, median, Op, Row, rowsMarkdown, Sample, Variant, VARIANTS } from "./report";

export const LIMITED_UP_TO = 500;
/** Past this many keys, creates are not timed: they are the setup of the other operations there. */
const CREATE_SAMPLED_UP_TO = 500;

const TIMEOUT_MS = 1_800_000;
/** Refresh's cells are short and their floor's spread is a tenth of it: more samples cost a few minutes. */
const REFRESH_REPEATS = Math.max(1, parseInt(process.env.BENCH_REFRESH_REPEATS ?? "4", 10));

/**
 * Refresh runs per sample at N keys: more where a run is short. Our code's cost is held to 0.5 ms a key,
 * 50 ms at N = 100, where one round's memory − floor varies by about 150 ms, so twelve pairs leave its
 * median open by more than 100 ms. 60 pairs narrow that, though on a noisy machine not below 50 ms (the
 * report's refresh-cost table gives each run's interval). 500 / N times the base (20 at N = 100, about
 * 5 minutes more), never fewer than the base.
 */
export const refreshRepeats = (n: number, base = REFRESH_REPEATS): number => Math.max(base, Math.round((base * 500) / n));

/** The provider processes' RSS now (KiB each), read from /proc without a child process (see childrenCpuMs). */
async function providerRssKiB(): Promise<number[]> {
  const out: number[] = [];
  for (const pid of await fs.promises.readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!/dynamic-provider|pulumi-resource-/.test(await fs.promises.readFile(`/proc/${pid}/cmdline`, "utf8"))) continue;
      const rss = /VmRSS:\s+(\d+)/.exec(await fs.promises.readFile(`/proc/${pid}/status`, "utf8"));
      if (rss) out.push(Number(rss[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/**
 * Peak RSS (MiB) of the provider processes while `fn` runs, sampled every 200 ms, asynchronously: this
 * process also serves the emulator, whose answers must not wait for it.
 */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; rssMiB: number }> {
  let peak = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void providerRssKiB().then((kib) => {
      busy = false;
      peak = Math.max(peak, ...kib);
    });
  }, 200);
  try {
    return { result: await fn(), rssMiB: Math.round(peak / 1024) };
  } finally {
    clearInterval(timer);
  }
}

const CLOCK_TICKS = (() => {
  try {
    return parseInt(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }), 10) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (ms) of this process's children that have ended and been waited for, on Linux: around one
 * `pulumi` run (the only child then), the CLI's and that of every process it ran and waited for (the
 * language host, the provider processes, which the engine kills and reaps). A busy machine stretches
 * wall time, not this.
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[13], f[14]: cutime, cstime
    return ((Number(f[13]) + Number(f[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Math.round(Number(process.hrtime.bigint() - t) / 1e6);
}

/** One variant's project and stack at one size, and how it is reached. */
class Subject {
  readonly project: PulumiProject;
  /** The floor's rate-limit run: its own stack, and the send times its provider processes share. */
  readonly limitedStack = "limited";
  private limitsFile?: string;
  private store?: string;

  constructor(
    readonly variant: Variant,
    readonly n: number,
    readonly tag: string,
    emulator: { url: string } | undefined,
  ) {
    let env: Record<string, string> = {};
    if (variant === "floor") this.limitsFile = path.join(os.tmpdir(), `pak-bench-limits-${tag}-${process.pid}`);
    if (variant === "memory") ({ store: this.store, env } = memoryVendor(tag));
    if (variant === "memory" || n > LIMITED_UP_TO) env.PULUMI_API_KEYS_RATE_LIMITS = "off";
    // The package as users install it (npm pack, whose prepack bundles the providers), not the checkout.
    this.project = makeProject(`bench-${variant}-${tag}`, { "index.js": variant === "floor" ? floorProgram : keysProgram }, env);
    this.url = variant === "memory" ? MEMORY_URL : (emulator?.url ?? "");
  }
  readonly url: string;

  async init(stack = this.project.stack): Promise<void> {
    const config: Record<string, string> = { n: String(this.n) };
    if (this.variant !== "floor") config["pulumi-api-keys:statsigApiUrl"] = this.url;
    await this.project.ok(["stack", "init", stack]);
    const args = ["config", "set-all", "--stack", stack];
    for (const [k, v] of Object.entries(config)) args.push("--plaintext", `${k}=${v}`);
    if (this.variant !== "floor") args.push("--secret", `pulumi-api-keys:statsigConsoleApiKey=${STATSIG_CONSOLE_KEY}`);
    await this.project.ok(args);
  }

  /** Runs a pulumi command, timed, with its CPU time and the provider's peak RSS. */
  async pulumi(args: string[]): Promise<{ ms: number; rssMiB: number; cpuMs?: number }> {
    const cpuBefore = childrenCpuMs();
    const { result: ms, rssMiB } = await withPeakRss(() => timed(() => this.project.ok(args, { timeoutMs: TIMEOUT_MS })));
    const cpuAfter = childrenCpuMs();
    return { ms, rssMiB, ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: Math.round(cpuAfter - cpuBefore) } : {}) };
  }

  /**
   * The floor's create under Statsig's limits, on its own stack: the rate-limit floor (bench/noop-provider.ts).
   * It checks that the no-op made the calls ours makes: one listing and one per key.
   */
  async limitedFloor(args: string[]): Promise<number> {
    fs.writeFileSync(this.limitsFile!, "");
    const ms = await timed(() =>
      this.project.ok([...args, "--stack", this.limitedStack], { timeoutMs: TIMEOUT_MS, env: { PAK_BENCH_FLOOR_LIMITS: this.limitsFile! } }),
    );
    const calls = fs.readFileSync(this.limitsFile!, "utf8").split("\n").filter(Boolean).length;
    if (calls !== this.n + 1) throw new Error(`the rate-limit floor made ${calls} calls, not ${this.n + 1}`);
    return ms;
  }

  async drift(extra: string[] = []): Promise<number> {
    return timed(
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn("node", [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", this.project.dir, "--format", "json", ...extra], {
            env: this.project.env(),
            stdio: ["ignore", "ignore", "pipe"],
          });
          let err = "";
          child.stderr.on("data", (d) => (err += d));
          // 2 is "drift found": the project's own default keys are unmanaged, as in a real one.
          child.on("close", (c) => (c === 0 || c === 2 ? resolve() : reject(new Error(`drift exited ${c}: ${err.slice(-2000)}`))));
        }),
    );
  }

  remove(): void {
    fs.rmSync(this.project.dir, { recursive: true, force: true });
    if (this.limitsFile) fs.rmSync(this.limitsFile, { force: true });
    if (this.store) fs.rmSync(this.store, { force: true });
  }
}

/** Counts the emulator's calls and 429s during `fn`. */
async function counting<T>(emulator: Emulator | undefined, fn: () => Promise<T>): Promise<{ result: T; calls?: number; throttled?: number }> {
  const before = emulator?.log.length ?? 0;
  const result = await fn();
  if (!emulator) return { result };
  const entries = emulator.log.slice(before);
  return { result, calls: entries.length, throttled: entries.filter((e) => e.status === 429).length };
}

/** A fresh rate budget (as after a quiet quarter-hour): each operation is measured from the same start. */
async function freshBudget(url: string, enabled: boolean): Promise<void> {
  const r = await fetch(`${url}/_admin/rate-limits`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ enabled }) });
  if (!r.ok) throw new Error(`emulator refused /_admin/rate-limits: ${r.status}`);
}

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** The variants in the order of an operation's `turn`-th run: as declared, then reversed, alternately. */
export function inTurn<T>(variants: readonly T[], turn: number): T[] {
  return turn % 2 ? [...variants].reverse() : [...variants];
}

async function benchSize(n: number, samples: number): Promise<Cell[]> {
  const limited = n <= LIMITED_UP_TO;
  const cells = new Map<string, Cell>();
  const record = (op: Op, variant: Variant, s: Sample) => {
    const k = `${op}/${variant}`;
    if (!cells.has(k)) cells.set(k, { n, op, variant, limited: variant === "ours" && limited, samples: [] });
    cells.get(k)!.samples.push(s);
    const extra = [
      s.calls !== undefined ? `${s.calls} calls` : "",
      s.throttled ? `${s.throttled} x 429` : "",
      s.rateFloorMs ? `rate-limit floor ${s.rateFloorMs} ms` : "",
    ];
    log(`N=${n} ${op} ${variant}: ${s.ms} ms ${extra.filter(Boolean).join(", ")}`);
  };

  let emulator: Emulator | undefined;
  let subjects: Subject[] = [];
  const fresh = async (sample: number) => {
    for (const s of subjects) s.remove();
    await emulator?.stop();
    emulator = createEmulator({ port: 0, rateLimits: limited });
    const url = await emulator.start();
    subjects = VARIANTS.map((v) => new Subject(v, n, `${n}-${sample}`, { url }));
    for (const s of subjects) await s.init();
    const floor = subjects.find((s) => s.variant === "floor")!;
    if (limited && n <= CREATE_SAMPLED_UP_TO) {
      await floor.init(floor.limitedStack);
      await floor.project.ok(["stack", "select", floor.project.stack]);
    }
  };
  // Each operation is run for every variant before the next operation: floor, memory and ours interleaved,
  // in the reverse order every other time: floor and ours, the ratio's two sides, swap places.
  const runs = new Map<Op, number>();
  const each = async (op: Op, args: string[] | "drift", only?: Variant[]) => {
    const turn = runs.get(op) ?? 0;
    runs.set(op, turn + 1);
    for (const s of inTurn(subjects, turn).filter((x) => !only || only.includes(x.variant))) {
      if (args === "drift" && s.variant === "floor") continue; // the no-op provider's stack has nothing to check
      if (limited && s.variant === "ours") await freshBudget(s.url, true);
      const target = s.variant === "ours" ? emulator : undefined;
      if (args === "drift") {
        const { result: ms, calls, throttled } = await counting(target, () => s.drift());
        record(op, s.variant, { ms, calls, throttled });
      } else {
        const { result, calls, throttled } = await counting(target, () => s.pulumi(args));
        // The creates' floors, one after the other: the engine alone, then under the limits.
        const rateFloorMs = op === "create" && limited && s.variant === "floor" ? await s.limitedFloor(args) : undefined;
        record(op, s.variant, { ...result, calls, throttled, rateFloorMs });
      }
    }
  };

  for (let sample = 1; sample <= samples; sample++) {
    log(`N=${n}: sample ${sample} of ${samples}`);
    if (n <= CREATE_SAMPLED_UP_TO) {
      await fresh(sample);
      // As users run it: `up --yes` previews, then applies (the preview also takes the listing that
      // recognises a lost create, so the real pass spends its budget on creates).
      await each("create", ["up", "--yes"]);
    } else if (sample === 1) {
      // Past CREATE_SAMPLED_UP_TO the creates are only the setup of what is measured there: not timed, and
      // made without the engine's per-step checkpoints (which make N creates cost O(N^2) in state writes).
      await fresh(sample);
      for (const s of subjects) await s.project.ok(["up", "--yes", "--skip-preview"], { timeoutMs: TIMEOUT_MS, env: { PULUMI_SKIP_CHECKPOINTS: "true" } });
      log(`N=${n}: set up (untimed)`);
    }
    await each("preview", ["preview", "--expect-no-changes"]);
    for (let r = 0; r < refreshRepeats(n); r++) await each("refresh", ["refresh", "--yes"]);
    await each("refreshSkipPreview", ["refresh", "--yes", "--skip-preview"], ["ours"]); // for its calls: a refresh with preview costs no more
    const changed = Math.max(1, Math.round(n / 10));
    for (const s of subjects) await s.project.ok(["config", "set-all", "--plaintext", `changed=${changed}`, "--plaintext", `round=${sample}`]);
    await each("update", ["up", "--yes", "--skip-preview"]);
    await each("drift", "drift");
  }
  const state = await stateBytes(subjects, n);
  for (const s of subjects) s.remove();
  await emulator?.stop();
  const list = [...cells.values()];
  for (const c of list) if (c.op === "create" && state[c.variant]) c.stateBytesPerKey = state[c.variant];
  return list;
}

/** Compact JSON bytes of each key's own state entry (what grows with N). */
async function stateBytes(subjects: Subject[], n: number): Promise<Partial<Record<Variant, number>>> {
  const out: Partial<Record<Variant, number>> = {};
  for (const s of subjects) {
    const st = await s.project.exportState();
    const own = st.resources.filter((r) => String(r.type).startsWith("pulumi-nodejs:dynamic") || String(r.type).startsWith("pulumi-api-keys"));
    out[s.variant] = Math.round(own.reduce((a, r) => a + JSON.stringify(r).length, 0) / n);
  }
  return out;
}

/** Drift across `stacks` stacks of `perStack` keys each, all in one vendor project, read by one `--all-stacks` run. */
async function benchStacks(stacks: number, perStack: number, samples: number): Promise<Cell[]> {
  const emulator = createEmulator({ port: 0, rateLimits: false });
  const url = await emulator.start();
  const s = new Subject("ours", perStack, `stacks-${stacks}x${perStack}`, { url });
  // 1,000 creates in one project exceed Statsig's 900 per 15 min: set up without limits (see the header).
  s.project.extraEnv.PULUMI_API_KEYS_RATE_LIMITS = "off";
  const names = Array.from({ length: stacks }, (_, i) => `s${i}`);
  const stacksProgram = `const pulumi = require("@pulumi/pulumi");
const { statsig } = require("pulumi-api-keys");
const stack = pulumi.getStack();
for (let i = 0; i < ${perStack}; i++) new statsig.Key("k" + i, { type: "SERVER", description: stack + " key " + i, scopes: ["omni_read_only"], environments: ["production"] });
`;
  fs.writeFileSync(path.join(s.project.dir, "index.js"), stacksProgram);
  for (const name of names) {
    await s.init(name);
    await s.project.ok(["up", "--yes", "--skip-preview", "--stack", name], { timeoutMs: TIMEOUT_MS });
  }
  log(`${stacks} stacks x ${perStack} keys created`);
  const cell: Cell = { n: stacks * perStack, op: "driftAllStacks", variant: "ours", limited: false, samples: [] };
  for (let i = 0; i < samples; i++) {
    const { result: ms, calls, throttled } = await counting(emulator, () => s.drift(["--all-stacks"]));
    cell.samples.push({ ms, calls, throttled });
    log(`drift --all-stacks over ${stacks} x ${perStack}: ${ms} ms, ${calls} calls`);
  }
  const single: Cell = { n: perStack, op: "drift", variant: "ours", limited: false, samples: [], note: `one stack of ${stacks} in the project` };
  for (let i = 0; i < samples; i++) {
    const { result: ms, calls } = await counting(emulator, () => s.drift(["--stack", "s0"]));
    single.samples.push({ ms, calls });
  }
  s.remove();
  await emulator.stop();
  return [cell, single];
}

/** Writes the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in README.md. */
const intoReadme = (name: string, text: string) => void writeReadmeSection(path.join(REPO_ROOT, "README.md"), name, text);

/** The plugin's size and start-up: bench/results/plugin-<date>.json, plugin-latest.json, and its table in README.md. */
async function pluginPart(): Promise<PluginBench> {
  const b = await benchPluginStartup(parseInt(process.env.BENCH_PLUGIN_SAMPLES ?? "20", 10), log);
  const dir = path.join(REPO_ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify({ date: new Date().toISOString(), ...b }, null, 2) + "\n";
  fs.writeFileSync(path.join(dir, `plugin-${new Date().toISOString().slice(0, 10)}.json`), json);
  fs.writeFileSync(path.join(dir, "plugin-latest.json"), json);
  intoReadme("bench-plugin", pluginMarkdown(b));
  process.stdout.write(pluginMarkdown(b));
  return b;
}

/** Our CPU in a refresh by process and phase: bench/results/phases-<date>.json and phases-latest.json (not README: a diagnostic). */
async function phasesPart(): Promise<void> {
  const n = parseInt(process.env.BENCH_PHASES_N ?? "100", 10);
  const rounds = parseInt(process.env.BENCH_PHASES_ROUNDS ?? "20", 10);
  const rows = await benchRefreshPhases(n, rounds, log);
  const dir = path.join(REPO_ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify({ date: new Date().toISOString(), n, rounds, rows }, null, 2) + "\n";
  fs.writeFileSync(path.join(dir, `phases-${new Date().toISOString().slice(0, 10)}.json`), json);
  fs.writeFileSync(path.join(dir, "phases-latest.json"), json);
  process.stdout.write(phasesMarkdown(n, rounds, rows));
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === "plugin") {
    await pluginPart();
    return;
  }
  if (process.env.BENCH_ONLY === "phases") {
    await phasesPart();
    return;
  }
  const sizes = (process.env.BENCH_N ?? "100,500,1000,2000").split(",").map((x) => parseInt(x, 10));
  const samples = parseInt(process.env.BENCH_SAMPLES ?? "3", 10);
  const stacksSpec = process.env.BENCH_STACKS ?? "10x100";
  const started = Date.now();
  const cells: Cell[] = [];
  for (const n of sizes) cells.push(...(await benchSize(n, samples)));
  const [stacks, perStack] = stacksSpec.split("x").map((x) => parseInt(x, 10));
  if (stacks && perStack) cells.push(...(await benchStacks(stacks, perStack, samples)));

  const machine = {
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    pulumi: execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim(),
    os: `${os.type()} ${os.release()}`,
  };
  const result: Row = { schema: 3, date: new Date().toISOString(), minutes: +((Date.now() - started) / 60_000).toFixed(1), machine, samples, cells };
  const dir = path.join(REPO_ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(result, null, 2) + "\n";
  fs.writeFileSync(path.join(dir, `${result.date.slice(0, 10)}.json`), json);
  fs.writeFileSync(path.join(dir, "latest.json"), json);
  const table = rowsMarkdown(result);
  fs.writeFileSync(path.join(dir, "latest.md"), table);
  intoReadme("bench", table);
  process.stdout.write(table);
  await pluginPart();
  log(
    `done in ${result.minutes} min; median create of the largest limited N: ${median(
      cells
        .filter((c) => c.op === "create" && c.variant === "ours")
        .sort((a, b) => b.n - a.n)[0]
        ?.samples.map((s) => s.ms) ?? [],
    )} ms`,
  );
}

if (require.main === module)
  main().catch((e) => {
    console.error(`bench failed: ${(e as Error).stack ?? e}`);
    process.exit(1);
  });
