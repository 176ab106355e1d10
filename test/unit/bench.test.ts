// The benchmark's arithmetic: the rate-limit floor's windows and the report's medians and ratios. The
// numbers the README shows come from these, so they are checked against cases worked out by hand.
import { IdealWindows } from "../../bench/noop-provider";
import { median, ratio, rowsMarkdown, spread } from "../../bench/report";

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

  test("the creates table: ours against the higher of each sample's two floors", () => {
    const md = rowsMarkdown({
      schema: 3,
      date: "2026-12-02T00:00:00.000Z",
      minutes: 1,
      machine: { cpus: "2 x cpu", memoryGiB: 4, node: "v22", pulumi: "v3", os: "linux" },
      samples: 2,
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
  });
});
