// Lifecycle edges whose logic is the providers', in process against the real providers and the
// emulator, driven as the engine drives them: deactivating a key that has a rotation trigger, removing
// the trigger, rotating and deactivating in one run, an Auth API expiry that passes, how a set's change
// is told, and each class refusing the `import` option. The edges only the engine shows (inputs unknown
// at preview, the refusal reaching the user whole) run through the CLI in test/e2e/lifecycle-edges.test.ts.
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import type { Emulator } from "../../emulator/server";
import type { EmulatorAdmin } from "../support/emulator-admin";
import { InProcessStack, inProcessStack } from "../support/in-process-stack";
import type { Declared, ProviderEngine } from "../support/provider-engine";
import { ENTRIES } from "../../provider/registry";

jest.setTimeout(60_000);
let stack: InProcessStack;
let emulator: Emulator;
let admin: EmulatorAdmin;
let engine: ProviderEngine;
let calls: InProcessStack["calls"], up: InProcessStack["up"], expectNoChanges: InProcessStack["expectNoChanges"];
beforeAll(async () => {
  stack = await inProcessStack("edges");
  ({ emulator, admin, engine, calls, up, expectNoChanges } = stack);
});
afterAll(() => stack.close());
afterEach(async () => expect(await engine.up({})).toEqual({ code: 0 }));

const outputsOf = (name: string) => engine.state.find((r) => r.name === name)!.outputs;

test("a key with a rotation trigger can be deactivated; removing the trigger never rotates", async () => {
  const args = { type: "SERVER", description: "rotating server", rotation: "r1" };
  const k = (a: Record<string, unknown>) => ({ k: { api: "statsig", args: a } }) as Record<string, Declared>;
  await up(k(args));
  const value = emulator.store.data.statsig.find((x) => x.description === "rotating server")!.key;

  await admin.clearRequests();
  await up(k({ ...args, active: false }));
  expect(await calls()).toEqual(["PATCH /console/v1/keys/{id}/deactivate"]);
  expect(emulator.store.data.statsig.find((x) => x.key === value)?.status).toBe("deactivated");
  await expectNoChanges(k({ ...args, active: false }));

  // Removing the trigger records its removal and calls nothing.
  const untriggered = k({ type: "SERVER", description: "rotating server", active: false });
  await admin.clearRequests();
  await up(untriggered);
  expect(await calls()).toEqual([]);
  await expectNoChanges(untriggered);

  // A new trigger on a key that stays deactivated is refused at preview, naming the field.
  expect((await engine.plan(k({ ...args, rotation: "r2", active: false }))).k).toBe(
    "failed: rotation: cannot rotate a deactivated key: set active: true, or keep rotation as it was",
  );

  // Basic: removing the trigger keeps the key (no replacement).
  const b = (a: Record<string, unknown>) =>
    ({ b: { api: "basic", args: { projectId: BASIC_PROJECT, label: "b", roles: ["read"], ...a } } }) as Record<string, Declared>;
  await up(b({ rotation: "r1" }));
  const id = emulator.store.data.basic.find((x) => x.label === "b")!.id;
  expect((await engine.plan(b({}))).b).toBe("update");
  await admin.clearRequests();
  await up(b({}));
  expect(await calls()).toEqual([]);
  expect(emulator.store.data.basic.filter((x) => x.label === "b").map((x) => x.id)).toEqual([id]);
  await expectNoChanges(b({}));

  // Deactivating and rotating in one run works: rotate first, then deactivate.
  await up(k({ ...args, active: true })); // reactivating replaces the key (Statsig cannot reactivate)
  const fresh = emulator.store.data.statsig.find((x) => x.description === "rotating server" && x.status === "active")!.key;
  await admin.clearRequests();
  await up(k({ ...args, rotation: "r3", active: false }));
  // (the listing first: what existed before this run's first rotate, to recognise the new value if its answer is lost)
  expect(await calls()).toEqual(["GET /console/v1/keys", "PATCH /console/v1/keys/{id}/rotate", "PATCH /console/v1/keys/{id}/deactivate"]);
  expect(emulator.store.data.statsig.find((x) => x.key === fresh)).toBeUndefined();
  await expectNoChanges(k({ ...args, rotation: "r3", active: false }));
});

test("an Auth API key that expires on its declared date is in sync; up never reactivates it", async () => {
  const e = (expiry: string) => ({ e: { api: "authapi", args: { projectId: AUTHAPI_PROJECT, name: "expiring", expiry } } }) as Record<string, Declared>;
  const expiry = new Date(Date.now() + 3_000).toISOString();
  await up(e(expiry));
  expect(outputsOf("e")).toMatchObject({ status: "active", isActive: true });
  // Wait for the declared date to pass (real time, bounded: the key was created with 3 s to live).
  while (Date.now() <= Date.parse(expiry) + 500) await new Promise((r) => setTimeout(r, 200));

  expect(await engine.refresh()).toEqual({ code: 0 });
  expect(outputsOf("e")).toMatchObject({ status: "expired", isActive: false });
  // active is still the declared default (true), which state leaves out: an expired key is not drift on active.
  expect(outputsOf("e").active).toBeUndefined();
  await admin.clearRequests();
  await expectNoChanges(e(expiry));
  await up(e(expiry));
  expect((await calls()).filter((c) => !c.startsWith("GET"))).toEqual([]);
  expect(emulator.store.data.authapi.find((k) => k.name === "expiring")!.isActive).toBe(true); // the emulator's flag; expiry decides

  // A past date is refused when declared: changing to another past date fails at preview.
  expect((await engine.plan(e("2021-01-01"))).e).toMatch(/^failed: expiry: is in the past/);

  // Moving the expiry into the future brings the key back.
  const later = new Date(Date.now() + 86_400_000).toISOString();
  await up(e(later));
  expect(outputsOf("e")).toMatchObject({ status: "active", isActive: true });
  expect(emulator.store.data.authapi.find((k) => k.name === "expiring")!.expiresAt).toBe(later);
  await expectNoChanges(e(later));
});

test("a set's change is told as members added and removed, not as shifted positions", async () => {
  const s = (environments: string[]) => ({ s: { api: "statsig", args: { type: "SERVER", description: "sets", environments } } }) as Record<string, Declared>;
  await up(s(["alpha", "beta"]));
  // The engine draws the list by position; the provider says what the change is (a notice the preview prints).
  expect((await engine.plan(s(["beta", "gamma"]))).s).toBe("update");
  expect(engine.notices).toContainEqual(expect.stringMatching(/: environments is a set: 1 added, 1 removed \(the positions in the diff do not matter\)$/));
  await up(s(["beta", "gamma"]));
  await expectNoChanges(s(["beta", "gamma"]));
});

test.each(ENTRIES.map((e) => [`${e.module}.${e.typeName}`, e] as const))("%s refuses the import resource option with what to do instead", (type, e) => {
  const Resource = e.resource();
  let thrown: Error | undefined;
  try {
    new Resource("imported", {} as never, { import: "some-id" });
  } catch (err) {
    thrown = err as Error;
  }
  expect(thrown?.message).toMatch(new RegExp(`^${type.replace(".", "\\.")} "imported" cannot be imported`));
  expect(thrown?.message).toMatch(/declare the key without `import`/);
});
