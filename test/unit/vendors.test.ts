// Every registered vendor, from its registry entry alone: its example key's whole lifecycle, the drift
// report on it, and its place in the plugin's schema. Nothing here names a vendor, so a vendor added as
// one folder and one registry line is covered with nothing more to write; test/unit/fourth-vendor.test.ts
// proves that with a test-only vendor. The per-vendor files (lifecycle.test.ts, …) test what is particular.
import type { ApiEntry } from "../../provider/registry";
import { ENTRIES, nativeTypeOf } from "../../provider/registry";
import { secretFieldNames } from "../../provider/core/vendor";
import { packageSchema } from "../../provider/plugin/schema";
import { InProcessStack, inProcessStack } from "../support/in-process-stack";

jest.setTimeout(120_000);
let stack: InProcessStack;
beforeAll(async () => {
  stack = await inProcessStack("vendors");
  await stack.admin.remember(); // the vendors' own keys and those made by hand are not ours
});
afterAll(() => stack.close());

/** The example's first string input that changes in place: the edit the lifecycle makes. */
function inPlaceEdit(e: ApiEntry): Record<string, unknown> {
  const f = e.fields.find((x) => x.input && x.type === "string" && e.policy[x.name] === "update" && typeof e.example[x.name] === "string");
  if (!f) throw new Error(`${e.api}: its example sets no string input that changes in place`);
  return { [f.name]: `${String(e.example[f.name])} v2` };
}

describe.each(ENTRIES.map((e) => [e.api, e] as const))("%s", (api, e) => {
  const declare = (args: Record<string, unknown>) => ({ key: { api, args } });
  const made = async () => ((await stack.admin.made())[api] as unknown[]).length;
  const live = async () => (await stack.admin.liveCounts())[api];
  /** Removes this test's keys from the emulator, as a person deleting them in the console would. */
  const deleteOursByHand = async () => {
    const ours = new Set(((await stack.admin.made())[api] as unknown[]).map((k) => JSON.stringify(k)));
    const data: Record<string, unknown[]> = stack.emulator.store.data;
    data[api] = data[api]!.filter((k) => !ours.has(JSON.stringify(k)));
  };
  const secrets = () => {
    const outputs = stack.engine.state.find((r) => r.api === api)!.outputs;
    return secretFieldNames(e.fields).map((f) => outputs[f]);
  };

  test("its example passes its own rules", () => {
    expect(e.argsProblems(e.example)).toEqual([]);
  });

  test("create, no-op, one write per change, deletion by hand repaired, rotation, destroy: each stage ends with refresh showing no changes", async () => {
    const { admin, engine, calls, up, expectNoChanges } = stack;
    const liveBefore = await live();
    await up(declare(e.example));
    expect(await made()).toBe(1);
    await expectNoChanges(declare(e.example));

    // Nothing to do: the next up calls nothing but reads.
    await admin.clearRequests();
    await up(declare(e.example));
    expect((await calls()).filter((c) => !c.startsWith("GET "))).toEqual([]);

    // A change in place is one write, and no new key.
    const edited = { ...e.example, ...inPlaceEdit(e) };
    await admin.clearRequests();
    await up(declare(edited));
    expect((await calls()).filter((c) => !c.startsWith("GET "))).toEqual([expect.stringMatching(/^PATCH /)]);
    expect(await made()).toBe(1);
    await expectNoChanges(declare(edited));

    // Deleted by hand: refresh drops it, and the next up makes it again.
    await deleteOursByHand();
    expect(await engine.refresh()).toEqual({ code: 0 });
    expect(engine.state.filter((r) => r.api === api)).toEqual([]);
    await up(declare(edited));
    expect(await made()).toBe(1);
    await expectNoChanges(declare(edited));

    // A new rotation value gives a new secret value; the old key no longer works.
    const before = secrets();
    await up(declare({ ...edited, rotation: "r1" }));
    expect(secrets()).not.toEqual(before);
    expect(await live()).toBe(liveBefore! + 1);
    await expectNoChanges(declare({ ...edited, rotation: "r1" }));

    await up({});
    expect(engine.state).toEqual([]);
    expect(await live()).toBe(liveBefore);
    expect(await admin.violations()).toEqual([]); // every request and answer as the vendor's OpenAPI document says
  });

  test("drift: in sync after create, a key the stack no longer manages listed as unmanaged, a key deleted by hand reported deleted", async () => {
    const { engine, up } = stack;
    await up({ ...declare(e.example), other: { api, args: { ...e.example, ...inPlaceEdit(e) } } });
    let report = await engine.drift();
    expect(report.errors).toEqual([]);
    expect(report.resources.filter((r) => r.api === api).map((r) => r.status)).toEqual(["in-sync", "in-sync"]);
    const before = report.unmanaged.filter((u) => u.api === api); // the vendor's own keys, and those made by hand

    engine.state = engine.state.filter((r) => r.name !== "other"); // `pulumi state delete`: the key stays live
    report = await engine.drift();
    expect(report.unmanaged.filter((u) => u.api === api)).toHaveLength(before.length + 1);

    await deleteOursByHand();
    report = await engine.drift();
    expect(report.resources.filter((r) => r.api === api).map((r) => r.status)).toEqual(["deleted"]);
    expect(report.unmanaged.filter((u) => u.api === api)).toEqual(before);

    expect(await engine.refresh()).toEqual({ code: 0 });
    await up({});
  });

  test("the plugin's schema has its resource: every field described, its secrets secret, its replacing inputs marked", () => {
    const r = (
      packageSchema() as {
        resources: Record<
          string,
          { properties: Record<string, { secret?: boolean; description?: string }>; inputProperties: Record<string, { willReplaceOnChanges?: boolean }> }
        >;
      }
    ).resources[nativeTypeOf(e)]!;
    expect(Object.keys(r.properties).sort()).toEqual(e.fields.map((f) => f.name).sort());
    for (const f of secretFieldNames(e.fields)) expect([f, r.properties[f]?.secret]).toEqual([f, true]);
    for (const f of e.fields.filter((x) => x.replaces)) expect([f.name, r.inputProperties[f.name]?.willReplaceOnChanges]).toEqual([f.name, true]);
  });
});
