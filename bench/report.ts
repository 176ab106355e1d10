// The benchmark's results as data, and the Markdown table README.md shows. Every figure is computed from
// the samples in the result file; nothing here is a constant about the run.

import * as fs from "node:fs";
import { windowMinimumMs } from "./noop-provider";

export const VARIANTS = ["floor", "memory", "ours"] as const;
export type Variant = (typeof VARIANTS)[number];
export type Op = "create" | "preview" | "refresh" | "refreshSkipPreview" | "update" | "drift" | "driftAllStacks";

export const OP_LABELS: Record<Op, string> = {
  create: "up (with preview), creating every key",
  preview: "preview, no changes",
  refresh: "refresh (with its preview)",
  refreshSkipPreview: "refresh --skip-preview",
  update: "up, changing 10%",
  drift: "drift command",
  driftAllStacks: "drift --all-stacks",
};

export interface Sample {
  ms: number;
  /** Calls the emulator answered (ours only). */
  calls?: number;
  /** Of those, answered 429. */
  throttled?: number;
  /** Peak RSS of the provider processes during this run. */
  rssMiB?: number;
  /** CPU time of the `pulumi` run and every process it ran (engine, language host, providers), ms. */
  cpuMs?: number;
  /**
   * Floor creates only: the same no-op run under Statsig's limits, making the calls ours makes (one
   * listing, one call per key) as soon as the windows allow (bench/noop-provider.ts).
   */
  rateFloorMs?: number;
}

export interface Cell {
  n: number;
  op: Op;
  variant: Variant;
  /** Whether the emulator enforced Statsig's limits (and the client kept its budget). */
  limited: boolean;
  samples: Sample[];
  stateBytesPerKey?: number;
  note?: string;
}

export interface Row {
  schema: 3;
  date: string;
  minutes: number;
  machine: Record<string, unknown>;
  samples: number;
  cells: Cell[];
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(xs: number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

const sec = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const fmt = (s: Spread) => `${sec(s.median)} (${sec(s.min)}–${sec(s.max)})`;

/**
 * Ours against a floor: the ratio of medians, and whether the samples' ranges overlap (then a ratio
 * below 1 is within the noise, and says "~").
 */
export function ratio(ours: number[], floor: number[]): string {
  const o = spread(ours);
  const f = spread(floor);
  const r = o.median / f.median;
  const overlap = o.min <= f.max && f.min <= o.max;
  return `${r.toFixed(2)}x${overlap ? "~" : ""}`;
}

/**
 * The median of each round's ours / floor, where both have a sample from every round: the two ran side by
 * side, so a slow spell of the machine weighs on both. Beside the ratio of medians, it tells a lucky or
 * unlucky median from a real difference.
 */
export function pairedRatio(ours: number[], floor: number[]): string {
  if (ours.length !== floor.length || ours.length < 2) return "";
  return ` (paired ${median(ours.map((o, i) => o / floor[i]!)).toFixed(2)}x)`;
}

/** Refresh's target: our code (memory − floor) per key, ms, at every N (issue 32). */
export const REFRESH_COST_TARGET_MS_PER_KEY = 0.5;

export interface PairedCost {
  /** Pairs (rounds with both samples). */
  n: number;
  /** The median of each round's memory − floor, ms. */
  median: number;
  /** A 95% interval for that median, from the order statistics of the differences (no distribution assumed). */
  low: number;
  high: number;
}

/**
 * Our code's cost as the median of each round's memory − floor, with a 95% interval for it: the k-th
 * smallest and k-th largest difference, k from the binomial (normal approximation, n ≥ 6). A slow spell of
 * the machine weighs on both sides of a pair; the interval says how far the noise left the median open.
 */
export function pairedCost(memory: number[], floor: number[]): PairedCost | undefined {
  if (memory.length !== floor.length || memory.length < 6) return undefined;
  const d = memory.map((m, i) => m - floor[i]!).sort((a, b) => a - b);
  const n = d.length;
  const k = Math.max(1, Math.round(n / 2 - (1.96 * Math.sqrt(n)) / 2)); // 1-based rank of the lower bound (3 of 12, 22 of 60)
  return { n, median: median(d), low: d[k - 1]!, high: d[n - k]! };
}

/**
 * Refresh's cost to our code per key, where memory and floor ran in the same rounds: by the medians, by
 * the pairs (with the interval), and in CPU time by the pairs; against the target.
 */
function refreshCostMarkdown(r: Row, sizes: number[]): string[] {
  const rows: string[] = [];
  const perKey = (ms: number, n: number) => (ms / n).toFixed(2);
  for (const n of sizes) {
    const f = cell(r.cells, n, "refresh", "floor");
    const mem = cell(r.cells, n, "refresh", "memory");
    const wall = pairedCost(values(mem), values(f));
    if (!wall) continue;
    const cpu = pairedCost(
      values(mem, (s) => s.cpuMs),
      values(f, (s) => s.cpuMs),
    );
    const medians = median(values(mem)) - median(values(f));
    const met = wall.median / n <= REFRESH_COST_TARGET_MS_PER_KEY;
    rows.push(
      `| ${n} | ${wall.n} | ${perKey(medians, n)} | ${perKey(wall.median, n)} (${perKey(wall.low, n)} to ${perKey(wall.high, n)}) | ${cpu ? `${perKey(cpu.median, n)} (${perKey(cpu.low, n)} to ${perKey(cpu.high, n)})` : "–"} | ${met ? "yes" : "no"} |`,
    );
  }
  if (!rows.length) return [];
  return [
    "",
    `Refresh (with its preview): our code per key, ms (memory − floor). By the medians; by the pairs (the median of each round's difference, with its 95% interval: the noise a run of this length leaves); the same in CPU time. Target: at most ${REFRESH_COST_TARGET_MS_PER_KEY} by the pairs.`,
    "",
    "| N | pairs | by the medians | paired (95% interval) | paired CPU (95% interval) | target met |",
    "|---|---|---|---|---|---|",
    ...rows,
  ];
}

/** A run's cell for one N, operation and variant (not a note's). */
export function cell(cells: Cell[], n: number, op: Op, variant: Variant): Cell | undefined {
  return cells.find((c) => c.n === n && c.op === op && c.variant === variant && !c.note);
}

/** A cell's samples' values by `f` (wall ms by default), leaving out samples that lack it. */
export const values = (c: Cell | undefined, f: (s: Sample) => number | undefined = (s) => s.ms) =>
  c?.samples.map(f).filter((x): x is number => x !== undefined) ?? [];

/**
 * Our code in CPU time, where the samples have it: memory − floor of the medians, per operation and N.
 * A noisy machine stretches seconds of wall time by tens of percent; it barely moves CPU time.
 */
function cpuMarkdown(r: Row, sizes: number[]): string[] {
  const rows: string[] = [];
  for (const n of sizes) {
    for (const op of Object.keys(OP_LABELS) as Op[]) {
      const f = values(cell(r.cells, n, op, "floor"), (s) => s.cpuMs);
      const mem = values(cell(r.cells, n, op, "memory"), (s) => s.cpuMs);
      if (!f.length || !mem.length) continue;
      const own = median(mem) - median(f);
      rows.push(`| ${n} | ${OP_LABELS[op]} | ${fmt(spread(f))} | ${fmt(spread(mem))} | ${sec(own)} | ${(own / n).toFixed(2)} |`);
    }
  }
  if (!rows.length) return [];
  return [
    "",
    "Our code in CPU time: the CPU of the `pulumi` run and every process it ran (engine, language host, providers), seconds as median (min–max); our code = memory − floor, of the medians.",
    "",
    "| N | operation | floor CPU | memory CPU | our code CPU | per key (ms) |",
    "|---|---|---|---|---|---|",
    ...rows,
  ];
}

export function rowsMarkdown(r: Row): string {
  const m = r.machine;
  const sizes = [...new Set(r.cells.filter((c) => c.op !== "driftAllStacks" && !c.note).map((c) => c.n))].sort((a, b) => a - b);
  const limitedUpTo = Math.max(0, ...r.cells.filter((c) => c.limited).map((c) => c.n));
  const refreshCounts = r.cells.filter((c) => c.op === "refresh").map((c) => c.samples.length);
  const refreshSamples = refreshCounts.length ? Math.min(...refreshCounts) : r.samples;
  const refreshMost = refreshCounts.length ? Math.max(...refreshCounts) : r.samples;
  const refreshNote =
    refreshMost === refreshSamples
      ? `${refreshSamples} for refresh with its preview`
      : `refresh with its preview: ${refreshSamples} to ${refreshMost}, the most at the smallest N`;
  const lines = [
    `Run ${r.date.slice(0, 16).replace("T", " ")} UTC, ${r.minutes} min, on ${m.cpus}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, Pulumi ${m.pulumi}. ` +
      `${r.samples} samples per cell${refreshMost > r.samples ? ` (${refreshNote})` : ""}, floor, memory and ours interleaved, in reverse order every other run; seconds as median (min–max). ` +
      `**floor**: a no-op dynamic provider over resources of ours' shape, the same properties and state per key (the engine and SDK); **memory**: this package with HTTP answered in memory (our code); **ours**: against the emulator over loopback` +
      (limitedUpTo
        ? `, with Statsig's limits enforced up to N = ${limitedUpTo} (each operation from a fresh budget); past it without limits (client budget off: 2,000 creates need 40 min of Statsig's 900 per 15 min), where the creates are untimed setup`
        : "") +
      `. ratio = ours / floor of the medians, "~" where their ranges overlap (a ratio below 1 is then noise); paired = the median of each round's ours / floor. Split: engine = floor, our code = memory − floor, HTTP and budget = ours − memory.`,
    "",
    "| N | operation | floor | memory | ours | ratio | split: engine / our code / HTTP+budget | calls (429) | provider RSS MiB |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const n of sizes) {
    for (const op of (Object.keys(OP_LABELS) as Op[]).filter((o) => o !== "driftAllStacks")) {
      const o = cell(r.cells, n, op, "ours");
      if (!o) continue;
      const f = cell(r.cells, n, op, "floor");
      const mem = cell(r.cells, n, op, "memory");
      const om = median(values(o));
      const fm = f ? median(values(f)) : undefined;
      const mm = mem ? median(values(mem)) : undefined;
      const split =
        fm !== undefined && mm !== undefined ? `${sec(fm)} / ${sec(mm - fm)} / ${sec(om - mm)}` : mm !== undefined ? `– / ${sec(mm)} / ${sec(om - mm)}` : "";
      const calls = spread(values(o, (s) => s.calls));
      const throttled = values(o, (s) => s.throttled).reduce((a, b) => a + b, 0);
      const rss = values(o, (s) => s.rssMiB);
      lines.push(
        `| ${n} | ${OP_LABELS[op]}${o.limited ? " (limits on)" : ""} | ${f ? fmt(spread(values(f))) : "–"} | ${mem ? fmt(spread(values(mem))) : "–"} | ${fmt(spread(values(o)))} | ${f ? ratio(values(o), values(f)) + pairedRatio(values(o), values(f)) : "–"} | ${split} | ${calls.min === calls.max ? calls.median : `${calls.min}–${calls.max}`} (${throttled}) | ${rss.length ? (Math.min(...rss) === Math.max(...rss) ? rss[0] : `${Math.min(...rss)}–${Math.max(...rss)}`) : "–"} |`,
      );
    }
  }

  lines.push(...refreshCostMarkdown(r, sizes));
  lines.push(...cpuMarkdown(r, sizes));

  const creates = sizes.map((n) => ({ n, f: cell(r.cells, n, "create", "floor"), o: cell(r.cells, n, "create", "ours") })).filter((x) => x.o?.limited && x.f);
  if (creates.length) {
    lines.push(
      "",
      "Creates under Statsig's limits (100 / 10 s, 900 / 15 min), `pulumi up --yes` (its preview, then the update). Ours makes N + 1 calls: one listing " +
        "(to recognise a create whose answer is lost), then one per key. The *window minimum* is what those calls need if each batch of 100 went at once. " +
        "The **rate-limit floor** is measured: the no-op provider making the same N + 1 calls, each as soon as the windows allow, through the same engine. " +
        "Target: ours ≤ 1.1 × max(engine floor, rate-limit floor), no 429.",
      "",
      "| N | engine floor | window minimum | rate-limit floor | ours | ours / max(engine, rate-limit) | 429 |",
      "|---|---|---|---|---|---|---|",
    );
    for (const { n, f, o } of creates) {
      const engine = values(f);
      const rate = values(f, (s) => s.rateFloorMs);
      // Per sample: the higher of its two floors (they were measured one after the other).
      const floorMax = rate.map((r, i) => Math.max(r, engine[i] ?? 0));
      const windowMin = windowMinimumMs(n + 1);
      const throttled = values(o, (s) => s.throttled).reduce((a, b) => a + b, 0);
      lines.push(
        `| ${n} | ${fmt(spread(engine))} | ${sec(windowMin)} | ${rate.length ? fmt(spread(rate)) : "–"} | ${fmt(spread(values(o)))} | ${floorMax.length ? ratio(values(o), floorMax) : "–"} | ${throttled} |`,
      );
    }
  }

  const state = sizes.map((n) => ({ n, o: cell(r.cells, n, "create", "ours"), f: cell(r.cells, n, "create", "floor") })).filter((x) => x.o?.stateBytesPerKey);
  if (state.length)
    lines.push(
      "",
      `State per key, compact JSON (floor): ${state.map((x) => `N = ${x.n}: ${x.o!.stateBytesPerKey} (${x.f?.stateBytesPerKey ?? "–"})`).join("; ")}.`,
    );

  const all = r.cells.find((c) => c.op === "driftAllStacks");
  const one = r.cells.find((c) => c.op === "drift" && c.note);
  if (all)
    lines.push(
      "",
      `Drift across several stacks on one Statsig project (${all.n} keys; ${one?.note ?? ""}): \`drift --all-stacks\` ${fmt(spread(values(all)))} s, ${median(values(all, (s) => s.calls))} calls` +
        (one ? `; one stack alone (\`--stack s0\`) ${fmt(spread(values(one)))} s, ${median(values(one, (s) => s.calls))} calls` : "") +
        ". Set up without limits (1,000 creates in one project).",
    );
  lines.push("", "![Seconds against N per operation: ours, the in-memory floor and the no-op floor](bench/results/latest.svg)");
  return lines.join("\n") + "\n";
}

/** Writes `text` between `<!-- NAME:start -->` and `<!-- NAME:end -->` in the README at `file`; false when it has no such section. */
export function intoReadme(file: string, name: string, text: string): boolean {
  const all = fs.readFileSync(file, "utf8");
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  if (!all.includes(start) || !all.includes(end)) return false;
  fs.writeFileSync(file, all.slice(0, all.indexOf(start) + start.length) + "\n" + text + all.slice(all.indexOf(end)));
  return true;
}
