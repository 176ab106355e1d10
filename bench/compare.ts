// Two runs of `npm run bench` side by side, one operation at a time: what a change did, read from the
// result files only. `node dist/bench/compare.js BEFORE.json AFTER.json [op ...]` prints Markdown;
// `--readme` also puts it into README.md between `<!-- bench-compare:start -->` and `<!-- bench-compare:end -->`.
//
// Our own cost is memory − floor. Per key it is given two ways: divided by N (what the run cost per key)
// and as the slope between the smallest and largest N (what one more key costs, with the per-process
// start-up that does not grow with N taken out).
//
// `--pool A.json B.json ...` pools refresh's pairs from runs of the same code instead: one round's
// memory − floor varies by more than the target at N = 100, so one run cannot settle it, and several can.
import * as fs from "node:fs";
import * as path from "node:path";
import { Cell, cell, intoReadme, median, Op, OP_LABELS, PairedCost, pairedCost, REFRESH_COST_TARGET_MS_PER_KEY, Row, Sample, values, Variant } from "./report";

interface Point {
  n: number;
  floor?: number;
  memory?: number;
  ours?: number;
  calls?: number;
  /** CPU time of the floor's and memory's runs (runs from before the bench measured it have none). */
  floorCpu?: number;
  memoryCpu?: number;
  /** Our code as the median of each round's memory − floor (where the run has six rounds or more). */
  pairedOwn?: number;
}

function points(r: Row, op: Op): Point[] {
  const at = (n: number, v: Variant): Cell | undefined => cell(r.cells, n, op, v);
  // The median of a cell's samples by `f` (wall ms by default); undefined when none has it.
  const med = (c: Cell | undefined, f?: (s: Sample) => number | undefined) => {
    const xs = values(c, f);
    return xs.length ? median(xs) : undefined;
  };
  const sizes = [...new Set(r.cells.filter((c) => c.op === op && !c.note).map((c) => c.n))].sort((a, b) => a - b);
  return sizes.map((n) => {
    const [floor, memory, ours] = [at(n, "floor"), at(n, "memory"), at(n, "ours")];
    return {
      n,
      floor: med(floor),
      memory: med(memory),
      ours: med(ours),
      calls: med(ours, (s) => s.calls),
      floorCpu: med(floor, (s) => s.cpuMs),
      memoryCpu: med(memory, (s) => s.cpuMs),
      pairedOwn: pairedCost(values(memory), values(floor))?.median,
    };
  });
}

const s = (ms: number | undefined) => (ms === undefined ? "–" : (ms / 1000).toFixed(2));
const ownMs = (p: Point | undefined) => (p?.memory !== undefined && p.floor !== undefined ? p.memory - p.floor : undefined);
const perKey = (p: Point | undefined) => {
  const own = ownMs(p);
  return own === undefined || !p ? "–" : (own / p.n).toFixed(2);
};
const pairedPerKey = (p: Point | undefined) => (p?.pairedOwn !== undefined ? (p.pairedOwn / p.n).toFixed(2) : "–");
const cpuPerKey = (p: Point | undefined) => (p?.memoryCpu !== undefined && p.floorCpu !== undefined ? ((p.memoryCpu - p.floorCpu) / p.n).toFixed(2) : "–");
const ratioOf = (p: Point | undefined) => (p?.ours !== undefined && p.floor ? `${(p.ours / p.floor).toFixed(2)}x` : "–");

/** What one more key costs of our own (ms): the slope of memory − floor from the smallest N to the largest. */
export function marginalMs(ps: Point[]): number | undefined {
  const known = ps.filter((p) => ownMs(p) !== undefined);
  const a = known[0];
  const b = known[known.length - 1];
  if (!a || !b || a.n === b.n) return undefined;
  return (ownMs(b)! - ownMs(a)!) / (b.n - a.n);
}

export function compareMarkdown(before: Row, after: Row, ops: Op[], names = ["before", "after"]): string {
  const label = (name: string, r: Row) => (name === r.date.slice(0, 10) ? name : `${name} (${r.date.slice(0, 10)})`);
  const lines: string[] = [];
  for (const op of ops) {
    const b = points(before, op);
    const a = points(after, op);
    const sizes = [...new Set([...b, ...a].map((p) => p.n))].sort((x, y) => x - y);
    lines.push(
      `**${OP_LABELS[op]}**: ${label(names[0]!, before)} → ${label(names[1]!, after)}; seconds as medians; ratio = ours / floor; our code = memory − floor: of the medians in wall time, by the pairs (the median of each round's difference, where a run has six rounds or more), and of the medians in CPU time (where the run measured it).`,
      "",
      "| N | floor | memory | ours | ratio | our code (s) | our code per key (ms) | paired, per key (ms) | our code per key, CPU (ms) | calls |",
      "|---|---|---|---|---|---|---|---|---|---|",
    );
    for (const n of sizes) {
      const x = b.find((p) => p.n === n);
      const y = a.find((p) => p.n === n);
      const both = (f: (p: Point | undefined) => string) => `${f(x)} → ${f(y)}`;
      lines.push(
        `| ${n} | ${both((p) => s(p?.floor))} | ${both((p) => s(p?.memory))} | ${both((p) => s(p?.ours))} | ${both(ratioOf)} | ${both((p) => s(ownMs(p)))} | ${both(perKey)} | ${both(pairedPerKey)} | ${both(cpuPerKey)} | ${both((p) => String(p?.calls ?? "–"))} |`,
      );
    }
    const mb = marginalMs(b);
    const ma = marginalMs(a);
    if (mb !== undefined || ma !== undefined)
      lines.push(
        "",
        `One more key, of our own (slope of memory − floor, N = ${sizes[0]} to ${sizes[sizes.length - 1]}): ${mb?.toFixed(2) ?? "–"} → ${ma?.toFixed(2) ?? "–"} ms.`,
      );
    lines.push("");
  }
  return lines.join("\n");
}

export interface PooledRefresh {
  n: number;
  /** Runs that had both memory and floor at this N, in the same rounds. */
  runs: number;
  /** Our code (memory − floor), ms, over every run's pairs. */
  cost: PairedCost;
  /** ours / floor, the median of each round's ratio, over every run's rounds with both. */
  ratio?: number;
}

/** Refresh's pairs at each N, pooled over runs (of the same code: nothing here checks that). */
export function pooledRefresh(rows: Row[]): PooledRefresh[] {
  const at = (r: Row, n: number, v: Variant) => values(cell(r.cells, n, "refresh", v));
  const sizes = [...new Set(rows.flatMap((r) => r.cells.filter((c) => c.op === "refresh" && !c.note).map((c) => c.n)))].sort((a, b) => a - b);
  const out: PooledRefresh[] = [];
  for (const n of sizes) {
    const memory: number[] = [];
    const floor: number[] = [];
    const ratios: number[] = [];
    let runs = 0;
    for (const r of rows) {
      const [f, m, o] = [at(r, n, "floor"), at(r, n, "memory"), at(r, n, "ours")];
      if (m.length && m.length === f.length) {
        runs++;
        memory.push(...m);
        floor.push(...f);
      }
      if (o.length && o.length === f.length) ratios.push(...o.map((x, i) => x / f[i]!));
    }
    const cost = pairedCost(memory, floor);
    if (cost) out.push({ n, runs, cost, ...(ratios.length ? { ratio: median(ratios) } : {}) });
  }
  return out;
}

export function pooledMarkdown(rows: Row[], names: string[]): string {
  const k = (ms: number, n: number) => (ms / n).toFixed(2);
  return [
    `**Refresh (with its preview), pooled** over ${rows.length} runs (${names.join(", ")}): our code per key, ms (memory − floor), the median of every round's difference with its 95% interval; the ratio ours / floor, the median of every round's. Target: at most ${REFRESH_COST_TARGET_MS_PER_KEY} ms a key and 1.1x.`,
    "",
    "| N | runs | pairs | our code per key (95% interval) | ratio | target met |",
    "|---|---|---|---|---|---|",
    ...pooledRefresh(rows).map((p) => {
      const met = p.cost.median / p.n <= REFRESH_COST_TARGET_MS_PER_KEY && (p.ratio === undefined || p.ratio <= 1.1);
      return `| ${p.n} | ${p.runs} | ${p.cost.n} | ${k(p.cost.median, p.n)} (${k(p.cost.low, p.n)} to ${k(p.cost.high, p.n)}) | ${p.ratio === undefined ? "–" : `${p.ratio.toFixed(2)}x`} | ${met ? "yes" : "no"} |`;
    }),
    "",
  ].join("\n");
}

function main(argv: string[]): void {
  const readme = argv.includes("--readme");
  const load = (f: string) => JSON.parse(fs.readFileSync(f, "utf8")) as Row;
  const file = path.join(__dirname, "..", "..", "README.md");
  if (argv.includes("--pool")) {
    const files = argv.filter((a) => !a.startsWith("--"));
    if (files.length < 2) throw new Error("usage: node dist/bench/compare.js --pool RUN.json RUN.json [...] [--readme]");
    const md = pooledMarkdown(
      files.map(load),
      files.map((f) => path.basename(f, ".json")),
    );
    process.stdout.write(md);
    if (readme && !intoReadme(file, "bench-pooled", md)) throw new Error("README.md has no <!-- bench-pooled:start --> … <!-- bench-pooled:end --> section");
    return;
  }
  const [beforeFile, afterFile, ...rest] = argv.filter((a) => a !== "--readme");
  if (!beforeFile || !afterFile) {
    process.stderr.write("usage: node dist/bench/compare.js BEFORE.json AFTER.json [op ...] [--readme]\n");
    process.exit(1);
  }
  const ops = (rest.length ? rest : ["refresh"]) as Op[];
  for (const op of ops) if (!(op in OP_LABELS)) throw new Error(`unknown operation ${op}: one of ${Object.keys(OP_LABELS).join(", ")}`);
  const md = compareMarkdown(load(beforeFile), load(afterFile), ops, [path.basename(beforeFile, ".json"), path.basename(afterFile, ".json")]);
  process.stdout.write(md);
  if (readme && !intoReadme(file, "bench-compare", md)) throw new Error("README.md has no <!-- bench-compare:start --> … <!-- bench-compare:end --> section");
}

if (require.main === module) main(process.argv.slice(2));
