// The benchmark's arithmetic: the rate-limit floor's windows and the report's medians and ratios. The
// numbers the README shows come from these, so they are checked against cases worked out by hand.
import { IdealWindows } from "../../bench/noop-provider";
import { compareMarkdown, pooledMarkdown, pooledRefresh } from "../../bench/compare";
import { inTurn, refreshRepeats } from "../../bench/run";
import { phasesMarkdown, summarizePhases } from "../../bench/refresh-phases";
import { floorProgram, STATSIG_SHAPE } from "../../bench/floors";
import { dynamicOptions, dynamicProperties } from "../../provider/core/dynamic-resource";
import { dynamicTypeOf } from "../../provider/core/vendor";
import { STATSIG } from "../../provider/statsig/definition";
import { Cell, median, pairedCost, pairedRatio, ratio, Row, rowsMarkdown, spread, Variant } from "../../bench/report";

describe("the rate-limit floor's windows", () => {
  const clock = () => {
    const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
    return c;
  };

  test("calls asked for at once go in batches a window apart", async () => {
    const c = clock();
    const w = new IdealWindows([{ limit: 2, windowMs: 1000 }], [], c.now, c.sleep);
    const at = await Promise.all([0, 1, 2, 3, 4].map(() => w.take()));
    expect(at).toEqual([0, 0, 1000, 1000, 2000]);
  });

  test("every window holds at once: the longer one sets the time once it is full", async () => {
    const c = clock();
    const w = new IdealWindows(
      [
        { limit: 2, windowMs: 1000 },
        { limit: 3, windowMs: 5000 },
      ],
      [],
      c.now,
      c.sleep,
    );
    const at: number[] = [];
    for (let i = 0; i < 6; i++) at.push(await w.take());
    expect(at).toEqual([0, 0, 1000, 5000, 5000, 6000]);
  });

  test("calls made by an earlier process of the run count (the preview's listing)", async () => {
    const c = clock();
    c.t = 500;
    const w = new IdealWindows([{ limit: 2, windowMs: 1000 }], [0], c.now, c.sleep);
    expect(await w.take()).toBe(500);
    expect(await w.take()).toBe(1000);
  });

  test("a call long after the window needs no wait", async () => {
    const c = clock();
    const w = new IdealWindows([{ limit: 1, windowMs: 1000 }], [0], c.now, c.sleep);
    c.t = 5000;
    expect(w.delayNow()).toBe(0);
    expect(await w.take()).toBe(5000);
  });
});

describe("report arithmetic", () => {
  test("median, spread, and a ratio marked '~' when the samples' ranges overlap", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(spread([5, 1, 9])).toEqual({ median: 5, min: 1, max: 9 });
    expect(ratio([90, 100, 110], [100, 105, 120])).toBe("0.95x~");
    expect(ratio([130, 140, 150], [100, 105, 120])).toBe("1.33x");
  });

  test("paired: the median of each round's ours / floor, beside the ratio of the medians", () => {
    const ours = [2200, 2300, 2150, 2250];
    const floor = [2000, 2150, 2050, 1900];
    // Each round's ratio: 1.10, 1.07, 1.05 and 1.18, whose median is 1.08; the medians' ratio, 2225 / 2025, is 1.10.
    expect(pairedRatio(ours, floor)).toBe(" (paired 1.08x)");
    expect(ratio(ours, floor)).toBe("1.10x~");
    // Without a sample from every round on both sides there is nothing to pair.
    expect(pairedRatio([1, 2, 3], [1, 2])).toBe("");
    expect(pairedRatio([1], [1])).toBe("");
  });

  const runOf2Samples = {
    schema: 3,
    date: "2026-12-02T00:00:00.000Z",
    minutes: 1,
    machine: { cpus: "2 x cpu", memoryGiB: 4, node: "v22", pulumi: "v3", os: "linux" },
    samples: 2,
  } as const;

  test("the creates table: ours against the higher of each sample's two floors", () => {
    const md = rowsMarkdown({
      ...runOf2Samples,
      cells: [
        {
          n: 500,
          op: "create",
          variant: "floor",
          limited: false,
          samples: [
            { ms: 30_000, rateFloorMs: 50_000 },
            { ms: 60_000, rateFloorMs: 55_000 },
          ],
        },
        {
          n: 500,
          op: "create",
          variant: "ours",
          limited: true,
          samples: [
            { ms: 57_500, calls: 501, throttled: 0 },
            { ms: 66_000, calls: 501, throttled: 0 },
          ],
        },
      ],
    });
    // Floors per sample: max(30, 50) = 50 and max(60, 55) = 60, median 55; ours' median 61.75: 1.12x, ranges overlap.
    expect(md).toContain("| 500 | 45.0 (30.0–60.0) | 50.0 | 52.5 (50.0–55.0) | 61.8 (57.5–66.0) | 1.12x~ | 0 |");
    expect(md).toContain("2 samples per cell, floor");
  });

  test("refresh's repeated runs are counted in the table's header", () => {
    const refresh = (variant: "floor" | "memory" | "ours", ms: number[]): Cell => ({
      n: 100,
      op: "refresh",
      variant,
      limited: false,
      samples: ms.map((x) => ({ ms: x })),
    });
    const md = rowsMarkdown({
      ...runOf2Samples,
      cells: [refresh("floor", [2000, 2100, 2200, 2300]), refresh("memory", [2100, 2200, 2300, 2400]), refresh("ours", [2150, 2250, 2350, 2450])],
    });
    expect(md).toContain("2 samples per cell (4 for refresh with its preview), floor");
    // Medians of 4: floor 2.15 s, ours 2.30 s.
    expect(md).toContain("| 100 | refresh (with its preview) | 2.15 (2.00–2.30) |");
  });

  test("refresh's cost to our code by the pairs, with the interval the noise leaves, against 0.5 ms a key", () => {
    // Twelve rounds: memory − floor is 10, 20, … 120 ms, in shuffled order; median 65, ranks 3 and 10 bound it.
    const diffs = [70, 10, 120, 40, 90, 30, 110, 20, 60, 100, 50, 80];
    const floor = diffs.map((_, i) => 2000 + 37 * ((i * 5) % 12));
    const memory = floor.map((f, i) => f + diffs[i]!);
    expect(pairedCost(memory, floor)).toEqual({ n: 12, median: 65, low: 30, high: 100 });
    expect(pairedCost(memory.slice(0, 5), floor.slice(0, 5))).toBeUndefined(); // too few pairs for an interval
    expect(pairedCost(memory, floor.slice(1))).toBeUndefined();
    const refresh = (n: number, variant: "floor" | "memory" | "ours", ms: number[]): Cell => ({
      n,
      op: "refresh",
      variant,
      limited: false,
      samples: ms.map((x) => ({ ms: x, cpuMs: x + 400 })),
    });
    const md = rowsMarkdown({
      ...runOf2Samples,
      cells: [
        refresh(100, "floor", floor),
        refresh(100, "memory", memory),
        refresh(100, "ours", memory),
        // At 1,000 keys, three times those differences: 0.195 ms a key.
        refresh(1000, "floor", floor),
        refresh(
          1000,
          "memory",
          floor.map((f, i) => f + 3 * diffs[i]!),
        ),
        refresh(1000, "ours", floor),
      ],
    });
    // By the medians: 2270 − 2203.5 at N = 100, 2397.5 − 2203.5 at N = 1,000.
    expect(md).toContain("| 100 | 12 | 0.67 | 0.65 (0.30 to 1.00) | 0.65 (0.30 to 1.00) | no |");
    expect(md).toContain("| 1000 | 12 | 0.19 | 0.20 (0.09 to 0.30) | 0.20 (0.09 to 0.30) | yes |");
  });

  test("the header gives the range of refresh's samples where the smallest N has more", () => {
    const refresh = (n: number, variant: "floor" | "ours", count: number): Cell => ({
      n,
      op: "refresh",
      variant,
      limited: false,
      samples: Array.from({ length: count }, () => ({ ms: 2000 })),
    });
    const md = rowsMarkdown({
      ...runOf2Samples,
      cells: [refresh(100, "floor", 60), refresh(100, "ours", 60), refresh(500, "floor", 12), refresh(500, "ours", 12)],
    });
    expect(md).toContain("2 samples per cell (refresh with its preview: 12 to 60, the most at the smallest N), floor");
  });

  test("refresh runs more often where a run is short: 500 / N times the base, never fewer", () => {
    expect([100, 250, 500, 1000, 2000].map((n) => refreshRepeats(n, 4))).toEqual([20, 8, 4, 4, 4]);
    expect(refreshRepeats(100, 1)).toBe(5);
  });
});

describe("two runs side by side (bench/compare.ts)", () => {
  const run = (date: string, ms: Record<number, [floor: number, memory: number, ours: number]>): Row => ({
    schema: 3,
    date,
    minutes: 1,
    machine: {},
    samples: 1,
    cells: Object.entries(ms).flatMap(([n, [floor, memory, ours]]): Cell[] => [
      { n: +n, op: "refresh", variant: "floor", limited: false, samples: [{ ms: floor }] },
      { n: +n, op: "refresh", variant: "memory", limited: false, samples: [{ ms: memory }] },
      { n: +n, op: "refresh", variant: "ours", limited: false, samples: [{ ms: ours, calls: n === "100" ? 12 : 31 }] },
    ]),
  });

  test("per N: ratio, our code in seconds and per key; and what one more key costs", () => {
    const before = run("2026-12-04T00:00:00.000Z", { 100: [4000, 4700, 4600], 2000: [8700, 11_900, 13_000] });
    const after = run("2026-12-06T00:00:00.000Z", { 100: [4000, 4300, 4300], 2000: [8700, 9_500, 9_400] });
    const md = compareMarkdown(before, after, ["refresh"], ["2026-12-04", "mine"]);
    expect(md).toContain("2026-12-04 → mine (2026-12-06)");
    // N = 2000: our code 3.2 s (1.6 ms a key) before, 0.8 s (0.4 ms) after; ours / floor 13.0 / 8.7 = 1.49x, 9.4 / 8.7 = 1.08x.
    // Neither run measured CPU time: that column says so.
    expect(md).toContain("| 2000 | 8.70 → 8.70 | 11.90 → 9.50 | 13.00 → 9.40 | 1.49x → 1.08x | 3.20 → 0.80 | 1.60 → 0.40 | – → – | – → – | 31 → 31 |");
    expect(md).toContain("| 100 | 4.00 → 4.00 | 4.70 → 4.30 | 4.60 → 4.30 | 1.15x → 1.07x | 0.70 → 0.30 | 7.00 → 3.00 | – → – | – → – | 12 → 12 |");
    // Slope: (3200 − 700) / 1900 = 1.32 ms before; (800 − 300) / 1900 = 0.26 ms after.
    expect(md).toContain("N = 100 to 2000): 1.32 → 0.26 ms.");
  });

  test("our code in CPU time, where the later run measured it", () => {
    const before = run("2026-12-04T00:00:00.000Z", { 1000: [5000, 5500, 5600] });
    const after = run("2026-12-06T00:00:00.000Z", { 1000: [6000, 5800, 5700] });
    // CPU medians: floor 7.6 s, memory 7.75 s (of 7.7 and 7.8): 0.15 ms a key, though the wall clock says −0.2 s.
    const cpu: Record<string, number[]> = { floor: [7500, 7600, 7700], memory: [7700, 7800] };
    for (const c of after.cells) if (cpu[c.variant]) c.samples = cpu[c.variant]!.map((cpuMs) => ({ ms: c.samples[0]!.ms, cpuMs }));
    const md = compareMarkdown(before, after, ["refresh"], ["before", "after"]);
    expect(md).toContain("| 1000 | 5.00 → 6.00 | 5.50 → 5.80 | 5.60 → 5.70 | 1.12x → 0.95x | 0.50 → -0.20 | 0.50 → -0.20 | – → – | – → 0.15 | 31 → 31 |");
  });
});

describe("runs of the same code pooled (bench/compare.ts --pool)", () => {
  // Six rounds at N = 100 in each run; memory − floor 10..60 ms in one run and 70..120 in the other.
  const run = (from: number, oursOverFloor: number): Row => {
    const floor = [2000, 2100, 2050, 2200, 2150, 2250];
    const cell = (variant: Variant, ms: number[]): Cell => ({ n: 100, op: "refresh", variant, limited: false, samples: ms.map((x) => ({ ms: x })) });
    return {
      schema: 3,
      date: "2026-12-07T00:00:00.000Z",
      minutes: 1,
      machine: {},
      samples: 6,
      cells: [
        cell("floor", floor),
        cell(
          "memory",
          floor.map((f, i) => f + from + 10 * i),
        ),
        cell(
          "ours",
          floor.map((f) => f * oursOverFloor),
        ),
      ],
    };
  };

  test("every run's pairs count: the median and interval of all twelve differences, and of the ratios", () => {
    const [p] = pooledRefresh([run(10, 1.05), run(70, 1.15)]);
    // Differences 10..120 by tens: median 65, ranks 3 and 10 bound it; ratios six of 1.05 and six of 1.15.
    expect(p).toMatchObject({ n: 100, runs: 2, cost: { n: 12, median: 65, low: 30, high: 100 } });
    expect(p!.ratio).toBeCloseTo(1.1, 10);
    const md = pooledMarkdown([run(10, 1.05), run(70, 1.15)], ["a", "b"]);
    expect(md).toContain("pooled** over 2 runs (a, b)");
    expect(md).toContain("| 100 | 2 | 12 | 0.65 (0.30 to 1.00) | 1.10x | no |");
    // One run alone: its own six pairs (ranks 1 and 6 bound the median).
    expect(pooledRefresh([run(10, 1.05)])).toEqual([{ n: 100, runs: 1, cost: { n: 6, median: 35, low: 10, high: 60 }, ratio: 1.05 }]);
  });

  test("one run's compare gives the paired figure where it has six rounds", () => {
    const md = compareMarkdown(run(10, 1.05), run(70, 1.15), ["refresh"], ["a", "b"]);
    // Paired: 35 ms (10..60) → 95 ms (70..120) over 100 keys.
    expect(md).toContain("| 0.35 → 0.95 |");
  });
});

describe("the report's CPU table", () => {
  test("our code as memory − floor of the CPU medians, per key; absent where no sample has CPU time", () => {
    const refresh = (variant: "floor" | "memory" | "ours", cpuMs: number[] | undefined): Cell => ({
      n: 2000,
      op: "refresh",
      variant,
      limited: false,
      samples: [9000, 9500, 10_000].map((ms, i) => ({ ms, ...(cpuMs ? { cpuMs: cpuMs[i] } : {}) })),
    });
    const base = { schema: 3, date: "2026-12-06T00:00:00.000Z", minutes: 1, machine: {}, samples: 3 } as const;
    const md = rowsMarkdown({
      ...base,
      cells: [refresh("floor", [14_000, 15_000, 16_000]), refresh("memory", [15_000, 15_400, 17_000]), refresh("ours", undefined)],
    });
    expect(md).toContain("| N | operation | floor CPU | memory CPU | our code CPU | per key (ms) |");
    // Medians 15.0 and 15.4 s: 0.40 s of our own, 0.20 ms a key.
    expect(md).toContain("| 2000 | refresh (with its preview) | 15.0 (14.0–16.0) | 15.4 (15.0–17.0) | 0.40 | 0.20 |");
    expect(rowsMarkdown({ ...base, cells: [refresh("floor", undefined), refresh("memory", undefined), refresh("ours", undefined)] })).not.toContain("CPU");
  });
});

describe("a refresh's CPU by process and phase (bench/refresh-phases.ts)", () => {
  // Three rounds, worked by hand: each pass's median per phase, its total's median, and the two passes' total per round.
  const rows = [
    { pass: "preview" as const, entry: 7, firstRead: 16, rest: 7 },
    { pass: "real" as const, entry: 7, firstRead: 5, rest: 2 },
    { pass: "preview" as const, entry: 9, firstRead: 14, rest: 6 },
    { pass: "real" as const, entry: 6, firstRead: 4, rest: 1 },
    { pass: "preview" as const, entry: 8, firstRead: 20, rest: 9 },
    { pass: "real" as const, entry: 8, firstRead: 6, rest: 2 },
  ];
  test("medians per pass and phase; the refresh's total is the median of the rounds' sums", () => {
    expect(summarizePhases(rows).map((r) => [r.pass, r.entry, r.firstRead, r.rest, r.total])).toEqual([
      ["preview", 8, 16, 7, 30], // totals 30, 29, 37
      ["real", 7, 5, 2, 14], // totals 14, 11, 16
      ["both", NaN, NaN, NaN, 44], // 44, 40, 53
    ]);
    expect(phasesMarkdown(100, 3, rows)).toContain("| both |  |  |  | 44.0 |");
  });
});

describe("the order the variants run in", () => {
  test("as declared, then reversed, alternately: floor and ours (whose ratio is the target) swap places every other run", () => {
    const v = ["floor", "memory", "ours"] as const;
    expect([0, 1, 2, 3].map((turn) => inTurn(v, turn).join(" "))).toEqual(["floor memory ours", "ours memory floor", "floor memory ours", "ours memory floor"]);
    expect(v).toEqual(["floor", "memory", "ours"]); // the declared order is left as it is
  });
});

describe("the no-op floor's program", () => {
  test("gives its resources the type, placeholders and secret outputs a statsig.Key gets", () => {
    const ours = dynamicProperties(STATSIG.fields, {}, "provider");
    expect(STATSIG_SHAPE.placeholders).toEqual(Object.keys(ours).filter((k) => k !== "__provider"));
    expect(STATSIG_SHAPE.secretOutputs).toEqual(dynamicOptions(STATSIG.fields, undefined).additionalSecretOutputs);
    expect(STATSIG_SHAPE.type).toBe(dynamicTypeOf(STATSIG));
    expect(floorProgram).toContain(`for (const k of ${JSON.stringify(STATSIG_SHAPE.placeholders)}) outputs[k] = undefined;`);
    expect(floorProgram).toContain(`additionalSecretOutputs: ${JSON.stringify(STATSIG_SHAPE.secretOutputs)}`);
    expect(floorProgram).toContain(`super(${JSON.stringify(STATSIG_SHAPE.type)}, name`);
  });
});
