// Rotation with an overlap, as the engine drives it, for every API: after a rotation both values are
// live, the drift report counts the previous key as part of its managed key (never unmanaged), and
// destroy leaves nothing live. Then, per API, a service that holds the old value: it keeps working through
// the overlap, its use shows in the drift report and preview, and the up after the overlap retires it.
import { fingerprint } from "../../provider/core/redact";
import { exitCodeOf } from "../../provider/drift/report";
import { renderText } from "../../provider/drift/render";
import { ENTRIES } from "../../provider/registry";
import { useKey } from "../support/harness";
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

/** The outputs holding a key's value and its previous value (the secret outputs a rotation sets). */
const valueFields = (e: (typeof ENTRIES)[number]) => ({
  current: e.fields.find((f) => f.secret && f.computed && !f.input)!.name,
  previous: e.fields.find((f) => f.secret && f.name.startsWith("previous"))!.name,
});
/** Whether the vendor reports a key's last use (Statsig's lastUsed, Basic's last_used; The Auth API does not). */
const REPORTS_USE: Record<string, boolean> = { statsig: true, basic: true, authapi: false };

describe.each(ENTRIES.filter((e) => e.api in REPORTS_USE).map((e) => [e.api, e] as const))("%s, with a service holding the old value", (api, e) => {
  test("it keeps working through the overlap; its use is reported; the up after the overlap retires the old value", async () => {
    const { engine, up } = stack;
    const use = (value: string) => useKey(stack.admin.url, api, value);
    const fields = valueFields(e);
    const declared = { svc: { api, args: { ...e.example, rotationOverlap: "7d", rotation: "r1" } } };
    const svc = () => engine.state.find((r) => r.name === "svc")!;
    await up({ svc: { api, args: { ...e.example, rotationOverlap: "7d" } } });
    const old = svc().outputs[fields.current] as string;
    expect(await use(old)).toBe(200);

    await up(declared); // the rotation: a new value, the old one kept
    const current = svc().outputs[fields.current] as string;
    expect(current).not.toBe(old);
    expect(svc().outputs[fields.previous]).toBe(old);
    expect(Date.parse(svc().outputs.previousRetiresAt as string) - Date.parse(svc().outputs.rotatedAt as string)).toBe(7 * 86_400_000);
    expect(await use(old)).toBe(200); // the service has not moved yet
    expect(await use(current)).toBe(200);

    // The drift report: the previous key with its retirement, and its use where the vendor reports it.
    let report = await engine.drift();
    const previous = report.resources.find((r) => r.name === "svc")!.previous!;
    expect(previous).toMatchObject({ fingerprint: fingerprint(old), retiresAt: svc().outputs.previousRetiresAt, retirementDue: false });
    if (REPORTS_USE[api]) {
      expect(previous.inUse).toBe(true);
      expect(Date.parse(previous.lastUsed!)).toBeGreaterThanOrEqual(Date.parse(svc().outputs.rotatedAt as string));
      expect(report.summary.previousInUse).toBe(1);
      expect(exitCodeOf({ ...report, failOn: ["previous-in-use"] })).toBe(2);
      expect(renderText(report)).toMatch(
        new RegExp(`previous-in-use ${api} svc: previous: \\{fingerprint ${fingerprint(old)}, retiresAt .*, lastUsed .*\\}: STILL IN USE`),
      );
    } else {
      expect(previous).not.toHaveProperty("lastUsed");
      expect(report.summary.previousInUse).toBe(0);
    }
    // Not a failure unless asked for (the projects' own keys, unmanaged here, left out).
    expect(exitCodeOf({ ...report, summary: { ...report.summary, unmanaged: 0 } })).toBe(0);

    // Preview: nothing to do before the overlap ends, and a note where the old value is still used.
    expect(await engine.plan(declared)).toEqual({ svc: "same" });
    expect(engine.notices.some((n) => n.includes("previous key still in use"))).toBe(REPORTS_USE[api]);

    // The overlap ends (its end written into state, as time would bring it): preview says so, up retires.
    svc().outputs.previousRetiresAt = new Date(Date.now() - 60_000).toISOString();
    expect(await engine.plan(declared)).toEqual({ svc: "update" });
    expect(engine.notices.join("\n")).toMatch(/retires previous key: overlap ended/);
    report = await engine.drift();
    expect(report.resources.find((r) => r.name === "svc")!.previous).toMatchObject({ retirementDue: true });
    await up(declared);
    expect(await use(old)).toBe(401);
    expect(await use(current)).toBe(200);
    expect(svc().outputs[fields.previous]).toBeUndefined();
    expect(svc().outputs.previousRetiresAt).toBeUndefined();
    report = await engine.drift();
    expect(report.resources.find((r) => r.name === "svc")!.previous).toBeUndefined();
    await stack.expectNoChanges(declared);
    await up({});
    expect(await use(current)).toBe(401);
  });
});
