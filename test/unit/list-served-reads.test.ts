// Refreshing many Statsig keys in one provider process, in process against the real providers and the
// emulator: reads past the 10th come from one listing and still see edits and deletions, and a listing
// that fails is retried. What needs two processes of one CLI run (the real pass of a refresh serving
// what its preview read) stays in test/e2e/statsig.test.ts.
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorSettings } from "../support/harness";
import { Declared, ProviderEngine } from "../support/provider-engine";

jest.setTimeout(60_000);
let emulator: Emulator;
let admin: EmulatorAdmin;
beforeAll(async () => {
  emulator = createEmulator({ port: 0 });
  admin = await new EmulatorAdmin(await emulator.start()).remember();
});
afterAll(() => emulator.stop());

test("refreshing many keys: reads past the 10th come from one listing, and still see edits and deletions; a failing listing is retried", async () => {
  const s = emulatorSettings(admin.url);
  const engine = new ProviderEngine(() => ({ ...s.config, ...s.secrets }));
  const decl: Record<string, Declared> = Object.fromEntries(
    Array.from({ length: 25 }, (_, i) => [`k${i}`, { api: "statsig", args: { type: "CLIENT", description: `bulk ${i}`, environments: ["production"] } }]),
  );
  expect(await engine.up(decl)).toEqual({ code: 0 });
  const live = async () => ((await admin.made()).statsig as Array<{ key: string; description: string }>).filter((k) => k.description.startsWith("bulk "));
  const made = await live();
  expect(made).toHaveLength(25);

  // By hand: three edits and two deletions, spread so that some fall among the single reads and some after.
  const byDesc = (d: string) => made.find((k) => k.description === d)!;
  for (const i of [2, 13, 24]) await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(byDesc(`bulk ${i}`).key)}`, { description: `bulk ${i} edited` });
  for (const i of [5, 19]) await admin.call("DELETE", `/statsig/keys/${encodeURIComponent(byDesc(`bulk ${i}`).key)}`);

  await admin.clearRequests();
  expect(await engine.refresh()).toEqual({ code: 0 });
  const calls = (await admin.requests()).map((r) => `${r.method} ${r.route}`);
  expect(calls.filter((c) => c === "GET /console/v1/keys")).toHaveLength(1); // 23 keys and the project's own 3: one page
  // 10 single reads, plus one per deleted key the listing lacked (a deleted key among the first 10 was one of them).
  expect(calls.filter((c) => c === "GET /console/v1/keys/{id}").length).toBeGreaterThanOrEqual(10);
  expect(calls.filter((c) => c === "GET /console/v1/keys/{id}").length).toBeLessThanOrEqual(12);
  expect(calls.length).toBeLessThan(25);
  expect(engine.state).toHaveLength(23);
  expect(
    engine.state
      .map((r) => r.outputs.description as string)
      .filter((d) => d.endsWith("edited"))
      .sort(),
  ).toEqual(["bulk 13 edited", "bulk 2 edited", "bulk 24 edited"]);

  expect(await engine.up(decl)).toEqual({ code: 0 });
  expect((await live()).map((k) => k.description).sort()).toEqual(
    Object.values(decl)
      .map((d) => d.args.description as string)
      .sort(),
  );
  expect(await engine.pendingChanges(decl)).toEqual([]);

  // The listing behind those reads fails twice (a 500, then a garbled answer): retried, same result.
  const k7 = (await live()).find((k) => k.description === "bulk 7")!.key;
  await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(k7)}`, { description: "bulk 7 edited" });
  await admin.fault({ kind: "500", api: "statsig", method: "GET", route: "/console/v1/keys", times: 1 });
  await admin.fault({ kind: "malformed", api: "statsig", method: "GET", route: "/console/v1/keys", times: 1 });
  await admin.clearRequests();
  expect(await engine.refresh()).toEqual({ code: 0 });
  expect((await admin.requests()).filter((r) => r.route === "/console/v1/keys").map((r) => r.fault ?? r.status)).toEqual(["500", "malformed", 200]);
  expect(engine.state.map((r) => r.outputs.description).filter((d) => String(d).endsWith("edited"))).toEqual(["bulk 7 edited"]);
  expect(await engine.up({})).toEqual({ code: 0 });
  expect(await live()).toEqual([]);
  expect(await admin.violations()).toEqual([]);
});
