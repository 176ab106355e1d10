// Rotation with an overlap, as the engine drives it, for every API: after a rotation both values are
// live, the drift report counts the previous key as part of its managed key (never unmanaged), and
// destroy leaves nothing live. (Retirement by time is in each provider's unit test, which moves the clock.)
import { ENTRIES } from "../../provider/registry";
import { InProcessStack, inProcessStack } from "../support/in-process-stack";

jest.setTimeout(120_000);
let stack: InProcessStack;
beforeAll(async () => {
  stack = await inProcessStack("rotation-overlap");
  await stack.admin.remember();
});
afterAll(() => stack.close());

describe.each(ENTRIES.map((e) => [e.api, e] as const))("%s", (api, e) => {
  test("a rotation keeps the previous key live and managed; destroy retires both", async () => {
    const { engine, up } = stack;
    const liveBefore = (await stack.admin.liveCounts())[api]!;
    const declare = (rotation?: string) => ({ key: { api, args: { ...e.example, rotationOverlap: "1d", ...(rotation ? { rotation } : {}) } } });
    await up(declare());
    const before = (await engine.drift()).unmanaged.filter((u) => u.api === api);
    await up(declare("r1"));
    expect((await stack.admin.liveCounts())[api]).toBe(liveBefore + 2);
    const report = await engine.drift();
    expect(report.errors).toEqual([]);
    expect(report.resources.filter((r) => r.api === api).map((r) => r.status)).toEqual(["in-sync"]);
    expect(report.unmanaged.filter((u) => u.api === api)).toEqual(before);
    await stack.expectNoChanges(declare("r1"));
    await up({});
    expect((await stack.admin.liveCounts())[api]).toBe(liveBefore);
  });
});
