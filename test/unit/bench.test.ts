// The benchmark's arithmetic: the rate-limit floor and the report's medians and ratios. The numbers the
// README shows come from these functions, so they are checked against cases worked out by hand.
import { rateLimitedFloorMs } from "../../bench/floors";
import { median, ratio, spread } from "../../bench/report";

describe("rate-limit floor", () => {
  const w = { limit: 2, windowMs: 1000 };

  test("calls the engine asked for at once: the window alone sets the time", () => {
    // 5 calls at t = 0: pairs at 0, 1000, 2000; the run ended 100 ms after its last call.
    expect(rateLimitedFloorMs([0, 0, 0, 0, 0], 0, 100, { window: w })).toBe(2100);
  });

  test("a call is never earlier than the engine asked for it", () => {
    expect(rateLimitedFloorMs([0, 3000, 6000], 0, 6050, { window: w })).toBe(6050);
  });

  test("paced: the engine's own gap between calls is kept after a wait; strict lets it catch up", () => {
    // Asked at 0, 100 (first window), then 200 and 900: the window holds call 3 to 1000 and call 4 to 1100;
    // paced, call 4 also keeps its 700 ms after call 3.
    const times = [0, 100, 200, 900];
    expect(rateLimitedFloorMs(times, 0, 950, { window: w })).toBe(1100 + 50);
    expect(rateLimitedFloorMs(times, 0, 950, { window: w, paced: true })).toBe(1700 + 50);
  });

  test("times are taken from the run's start, whatever their order in the file", () => {
    expect(rateLimitedFloorMs([10_000, 10_000], 10_000, 500, { window: w })).toBe(500);
    expect(rateLimitedFloorMs([10_200, 10_000, 10_100], 10_000, 300, { window: w })).toBe(1000 + 100);
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
});
