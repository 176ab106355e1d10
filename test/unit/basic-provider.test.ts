// The Basic dynamic provider's lifecycle methods against the emulator on a random port.
import { BASIC_PROJECT, BASIC_TOKEN } from "../../emulator/apis/basic";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { checkInputs } from "../../provider/core/checks";
import { projectKeyArgsCanonical } from "../../provider/basic/schema";
import { startNewRun } from "../../provider/core/reconcile";
import { withClock } from "../support/clock";
import provider = require("../../provider/basic/provider");

// A short request timeout: a write that got no answer is looked for during a grace period of 5 s, not 60.
const FAST = { "pulumi-api-keys:requestTimeoutMs": "1000" };
// A lost create's key may be looked for through that whole grace period: past jest's default 5 s on a busy machine.
jest.setTimeout(60_000);
describe("basic provider against the emulator", () => {
  let emulator: Emulator;
  const inputs = { projectId: BASIC_PROJECT, label: "ci deploys", roles: ["read", "write"] };

  beforeAll(async () => {
    emulator = createEmulator({ port: 0, empty: true });
    const url = await emulator.start();
    await provider.configure({
      config: { get: (k: string) => ({ "pulumi-api-keys:basicApiToken": BASIC_TOKEN, "pulumi-api-keys:basicApiUrl": url, ...FAST })[k] },
    });
  });
  afterAll(() => emulator.stop());
  afterEach(() => jest.restoreAllMocks()); // a console spy ends with its test, passed or failed
  beforeEach(() => (emulator.reset(), startNewRun())); // each test is a run of its own, against a fresh emulator

  test("the create-only value survives read and update", async () => {
    const { id, outs } = await provider.create(inputs);
    expect(id).toBe(`${BASIC_PROJECT}/${outs.keyId}`);
    expect(emulator.store.data.basic[0]!.roles).toBe("read,write");
    const read = await provider.read(id, outs);
    expect(read.props?.value).toBe(outs.value);
    expect(read.inputs).toBeUndefined(); // in sync: the engine keeps its inputs
    const { outs: updated } = await provider.update(id, outs, { ...inputs, label: "renamed" });
    expect(updated.value).toBe(outs.value);
    expect((await provider.read(id, updated)).props?.value).toBe(outs.value);
  });

  test.each(["reset-after", "500-after", "malformed-after"] as const)(
    "a create whose answer was lost (%s): the key it made has no value anyone can read, so it is deleted and another made",
    async (kind) => {
      emulator.faults = [{ kind, api: "basic", method: "POST", times: 1 }];
      const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined); // the SDK's log outside an engine
      const { outs } = await provider.create(inputs);
      expect(emulator.store.data.basic.map((k) => k.id)).toEqual([outs.keyId]);
      expect(outs.value).toBe(emulator.store.data.basic[0]!.value);
      expect(emulator.log.filter((r) => r.method === "DELETE")).toHaveLength(1);
      // The user is told which key was replaced, by id, never by value.
      const told = warn.mock.calls.map((c) => c.join(" ")).join("\n");
      expect(told).toMatch(/Basic key "ci deploys": the answer to its create was lost.*\(id [0-9a-f-]{36}\) was deleted and another created/);
      expect(told).not.toContain(outs.value);
    },
  );

  test("roles are matched as the API's one definition does: trimmed, in any order", async () => {
    emulator.faults = [{ kind: "500-after", api: "basic", method: "POST", times: 1 }];
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const { outs } = await provider.create({ ...inputs, roles: ["write", "read"] });
    expect(emulator.store.data.basic.map((k) => k.id)).toEqual([outs.keyId]);
    expect(warn).toHaveBeenCalledTimes(1); // the lost answer's key was found by its roles, and replaced
  });

  test("roles the server reorders are not drift", async () => {
    const { id, outs } = await provider.create(inputs);
    emulator.store.data.basic[0]!.roles = "write, read";
    expect((await provider.read(id, outs)).inputs).toBeUndefined(); // in sync: the engine keeps its inputs
  });

  test("gone reads as gone; deleting it again is done", async () => {
    const { id, outs } = await provider.create(inputs);
    emulator.store.data.basic = [];
    expect(await provider.read(id, outs)).toEqual({});
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });

  test("rotation and a project change replace, creating the new key before deleting the old", async () => {
    const d = await provider.diff("id", { ...inputs, keyId: "k", value: "v", valueFingerprint: "f" }, { ...inputs, rotation: "2026-11" });
    expect(d).toEqual({ changes: true, replaces: ["rotation"], deleteBeforeReplace: false, changed: ["rotation"] });
    const p = await provider.diff("id", { ...inputs, keyId: "k", value: "v", valueFingerprint: "f" }, { ...inputs, roles: ["write", "read"] });
    expect(p.changes).toBe(false);
  });

  test("input rules", () => {
    const f = (args: Record<string, unknown>) =>
      Object.fromEntries((checkInputs(projectKeyArgsCanonical(), args).failures ?? []).map((x) => [x.property, x.reason]));
    expect(f({ ...inputs, projectId: "proj-1" }).projectId).toMatch(/UUID/);
    expect(f({ ...inputs, roles: [] }).roles).toMatch(/at least one/);
    expect(f({ ...inputs, roles: ["read,write"] })["roles[0]"]).toMatch(/no commas/);
    expect(f({ ...inputs, roles: ["read", "read"] })["roles[1]"]).toMatch(/duplicate/);
    expect(f({ ...inputs, label: "" }).label).toBe("must not be empty");
    expect(f({ projectId: BASIC_PROJECT, roles: ["read"] }).label).toBe("is required");
  });

  test("rotationOverlap: a rotation is an update, not a replacement: a new key takes over and the old one lives until previousRetiresAt; then it is deleted; destroy deletes both", async () => {
    const ids = () => emulator.store.data.basic.map((k) => k.id).sort();
    const declared = { ...inputs, rotationOverlap: "24h" };
    await withClock(async (at) => {
      at("2026-12-01T10:00:00.000Z");
      const { id, outs } = await provider.create(declared);
      const plan = await provider.diff(id, outs, { ...declared, rotation: "r1" });
      expect([plan.changes, plan.replaces]).toEqual([true, []]);
      startNewRun();
      const { outs: rotated } = await provider.update(id, outs, { ...declared, rotation: "r1" });
      expect([rotated.value === outs.value, rotated.previousValue === outs.value, rotated.previousKeyId]).toEqual([false, true, outs.keyId]);
      expect(rotated.previousRetiresAt).toBe("2026-12-02T10:00:00.000Z");
      expect(ids()).toEqual([outs.keyId, rotated.keyId].sort());
      expect((await provider.read(id, rotated)).props?.previousValue).toBe(outs.value); // a refresh keeps it

      at("2026-12-02T10:00:00.000Z");
      expect((await provider.diff(id, rotated, { ...declared, rotation: "r1" })).changes).toBe(true);
      startNewRun();
      const { outs: retired } = await provider.update(id, rotated, { ...declared, rotation: "r1" });
      expect([retired.previousValue, ids()]).toEqual([undefined, [rotated.keyId]]);

      startNewRun();
      const { outs: second } = await provider.update(id, retired, { ...declared, rotation: "r2" });
      await provider.delete(id, second);
      expect(ids()).toEqual([]);
    });
  });
});
