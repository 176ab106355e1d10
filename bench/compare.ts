// Two runs of `npm run bench` side by side, one operation at a time: what a change did, read from the
// result files only. `node dist/bench/compare.js BEFORE.json AFTER.json [op ...]` prints Markdown;
// `--readme` also puts it into README.md between `<!-- bench-compare:start -->` and `<!-- bench-compare:end -->`.
//
// Our own cost is memory − floor. Per key it is given two ways: divided by N (what the run cost per key)
// and as the slope between the smallest and largest N (what one more key costs, with the per-process
// start-up that does not grow with N taken out).
import * as fs from "node:fs";
import * as path from "node:path";
import { Cell, intoReadme, median, Op, OP_LABELS, Row, Sample, values, Variant } from "./report";

interface Point {
  n: number;
  floor?: number;
  memory?: number;
  ours?: number;
  calls?: number;
  /** CPU time of the floor's and memory's runs (runs from before the bench measured it have none). */
  floorCpu?: number;
  memoryCpu?: number;
}

function points(r: Row, op: Op): Point[] {
  const at = (n: number, v: Variant): Cell | undefined => r.cells.find((c) => c.n === n && c.op === op && c.variant === v && !c.note);
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
    };
  });
}

const s = (ms: number | undefined) => (ms === undefined ? "–" : (ms / 1000).toFixed(2));
const ownMs = (p: Point | undefined) => (p?.memory !== undefined && p.floor !== undefined ? p.memory - p.floor : undefined);
const perKey = (p: Point | undefined) => {
  const own = ownMs(p);
  return own === undefined || !p ? "–" : (own / p.n).toFixed(2);
};
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
      `**${OP_LABELS[op]}**: ${label(names[0]!, before)} → ${label(names[1]!, after)}; seconds as medians; ratio = ours / floor; our code = memory − floor, in wall time and in CPU time (where the run measured it).`,
      "",
      "| N | floor | memory | ours | ratio | our code (s) | our code per key (ms) | our code per key, CPU (ms) | calls |",
      "|---|---|---|---|---|---|---|---|---|",
    );
    for (const n of sizes) {
      const x = b.find((p) => p.n === n);
      const y = a.find((p) => p.n === n);
      const both = (f: (p: Point | undefined) => string) => `${f(x)} → ${f(y)}`;
      lines.push(
        `| ${n} | ${both((p) => s(p?.floor))} | ${both((p) => s(p?.memory))} | ${both((p) => s(p?.ours))} | ${both(ratioOf)} | ${both((p) => s(ownMs(p)))} | ${both(perKey)} | ${both(cpuPerKey)} | ${both((p) => String(p?.calls ?? "–"))} |`,
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

function main(argv: string[]): void {
  const readme = argv.includes("--readme");
  const [beforeFile, afterFile, ...rest] = argv.filter((a) => a !== "--readme");
  if (!beforeFile || !afterFile) {
    process.stderr.write("usage: node dist/bench/compare.js BEFORE.json AFTER.json [op ...] [--readme]\n");
    process.exit(1);
  }
  const ops = (rest.length ? rest : ["refresh"]) as Op[];
  for (const op of ops) if (!(op in OP_LABELS)) throw new Error(`unknown operation ${op}: one of ${Object.keys(OP_LABELS).join(", ")}`);
  const load = (f: string) => JSON.parse(fs.readFileSync(f, "utf8")) as Row;
  const md = compareMarkdown(load(beforeFile), load(afterFile), ops, [path.basename(beforeFile, ".json"), path.basename(afterFile, ".json")]);
  process.stdout.write(md);
  const file = path.join(__dirname, "..", "..", "README.md");
  if (readme && !intoReadme(file, "bench-compare", md)) throw new Error("README.md has no <!-- bench-compare:start --> … <!-- bench-compare:end --> section");
}

if (require.main === module) main(process.argv.slice(2));
