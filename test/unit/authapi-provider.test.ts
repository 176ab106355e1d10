// The Auth API dynamic provider against the emulator on a random port.
import { AUTHAPI_PROJECT, authApiCredentials } from "../../emulator/apis/authapi";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { apiKeyArgsCanonical } from "../../provider/authapi/schema";
import { checkInputs } from "../../provider/core/checks";
import { startNewRun } from "../../provider/core/reconcile";
import { withClock } from "../support/clock";
import provider = require("../../provider/authapi/provider");

// A short request timeout: a write that got no answer is looked for during a grace period of 5 s, not 60.
const FAST = { "pulumi-api-keys:requestTimeoutMs": "1000" };
// A lost write's key may be looked for through that whole grace period: past jest's default 5 s on a busy machine.
jest.setTimeout(60_000);
describe("authapi provider against the emulator", () => {
  let emulator: Emulator;
  const inputs = {
    projectId: AUTHAPI_PROJECT,
    name: "billing",
    customMetaData: { a: 1, b: { c: [1, 2] } },
    expiry: "2030-01-31T00:00:00.000Z",
    rateLimit: { limit: 100, ttlSeconds: 60 },
    active: true,
  };

  beforeAll(async () => {
    emulator = createEmulator({ port: 0, empty: true });
    const url = await emulator.start();
    await provider.configure({
      config: {
        get: (k: string) => ({ "pulumi-api-keys:theauthapiAccessKey": authApiCredentials().admin, "pulumi-api-keys:theauthapiApiUrl": url, ...FAST })[k],
      },
    });
  });
  afterAll(() => emulator.stop());
  beforeEach(() => (emulator.reset(), startNewRun())); // each test is a run of its own, against a fresh emulator

  test("create, read round trip, with metadata compared structurally", async () => {
    const { id, outs } = await provider.create(inputs);
    expect(id).toMatch(/^authapi-[0-9a-f]{16}$/);
    // In sync, a read gives no inputs: the engine keeps its own, which are these.
    const read = await provider.read(id, outs);
    expect(read.inputs).toBeUndefined();
    const { active: _on, ...stored } = inputs; // state leaves out an input at its default
    expect(read.props).toMatchObject(stored);
    expect(Object.keys(read.props!)).not.toEqual(expect.arrayContaining(["active"]));
    emulator.store.data.authapi[0]!.customMetaData = { b: { c: [1, 2] }, a: 1 };
    expect((await provider.read(id, outs)).inputs).toBeUndefined();
  });

  const active = () => emulator.store.data.authapi.filter((k) => k.isActive);

  test.each(["reset-after", "500-after", "malformed-after", "missing-fields"] as const)(
    "a create whose answer was lost (%s) adopts the key it made",
    async (kind) => {
      emulator.faults = [{ kind, api: "authapi", method: "POST", times: 1 }];
      const { outs } = await provider.create(inputs);
      expect(active().map((k) => k.key)).toEqual([outs.key]);
      expect(emulator.log.filter((r) => r.method === "POST")).toHaveLength(1);
    },
  );

  test("a revoked key that matches is never adopted in place of a lost create", async () => {
    const { outs: old } = await provider.create(inputs);
    await provider.delete("x", old as never); // revoked, still listed as inactive
    emulator.faults = [{ kind: "500", api: "authapi", method: "POST", times: 1 }];
    const { outs } = await provider.create(inputs);
    expect(outs.key).not.toBe(old.key);
    expect(active().map((k) => k.key)).toEqual([outs.key]);
  });

  test("a rotate and a custom key change whose answers were lost record the new value, each sent once", async () => {
    const { id, outs } = await provider.create(inputs);
    emulator.log.length = 0;
    emulator.faults = [{ kind: "reset-after", api: "authapi", method: "POST", route: "/api-keys/{key}/rotate", times: 1 }];
    const { outs: rotated } = await provider.update(id, outs, { ...inputs, rotation: "r2" });
    expect(active().map((k) => k.key)).toEqual([rotated.key]);
    expect(rotated.key).not.toBe(outs.key);
    emulator.faults = [{ kind: "500-after", api: "authapi", method: "PATCH", route: "/api-keys/{key}", times: 1 }];
    const custom = "custom-value-0123456789abcdef";
    const { rotation: _r, ...unrotated } = { ...inputs, rotation: "r2" };
    const { outs: renamed } = await provider.update(id, rotated, { ...unrotated, rotation: "r2", customKey: custom });
    expect(renamed.key).toBe(custom);
    expect(active().map((k) => k.key)).toEqual([custom]);
    expect(emulator.log.filter((r) => r.method === "PATCH")).toHaveLength(1);
    expect(emulator.log.filter((r) => r.route.endsWith("/rotate"))).toHaveLength(1);
  });

  test("a revoked key is drift on active, repaired by reactivate; a hard-deleted key is gone", async () => {
    const { id, outs } = await provider.create(inputs);
    emulator.store.data.authapi[0]!.isActive = false;
    const read = await provider.read(id, outs);
    expect(read.inputs).toMatchObject({ active: false });
    const { outs: repaired } = await provider.update(id, read.props as never, inputs);
    expect(repaired.isActive).toBe(true);
    expect(emulator.store.data.authapi[0]!.isActive).toBe(true);
    emulator.store.data.authapi = [];
    expect(await provider.read(id, outs)).toEqual({});
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });

  test("removing expiry and rate limit sends the clearing values in one PATCH with name", async () => {
    const { id, outs } = await provider.create(inputs);
    emulator.log.length = 0;
    const { expiry: _e, rateLimit: _r, ...rest } = inputs;
    await provider.update(id, outs, rest);
    expect(emulator.log.map((r) => [r.method, r.body])).toEqual([["PATCH", { name: "billing", expiry: null, rateLimitConfigs: null }]]);
  });

  test("input rules", () => {
    const f = (args: Record<string, unknown>) =>
      Object.fromEntries((checkInputs(apiKeyArgsCanonical(), args).failures ?? []).map((x) => [x.property, x.reason]));
    const base = { projectId: AUTHAPI_PROJECT, name: "n" };
    expect(f({ ...base, expiry: "next tuesday" }).expiry).toMatch(/ISO 8601/);
    expect(f({ ...base, expiry: "2027-02-30" }).expiry).toMatch(/real date/); // Date would roll Feb 30 over to March 2
    expect(f({ ...base, expiry: "2028-02-29" }).expiry).toBeUndefined(); // a leap day is real
    expect(f({ ...base, expiry: "2027-01-31T24:00:00Z" }).expiry).toMatch(/real date/);
    expect(f({ ...base, expiry: "2027-13-01" }).expiry).toMatch(/real date/);
    expect(f({ ...base, rateLimit: { limit: 0, ttlSeconds: 60 } })["rateLimit.limit"]).toMatch(/greater than 0/);
    expect(f({ ...base, rateLimit: { limit: 1.5, ttlSeconds: 60 } })["rateLimit.limit"]).toMatch(/whole number/);
    expect(f({ ...base, customMetaData: [1] }).customMetaData).toMatch(/object/);
    expect(f({ ...base, customKey: "k-1234567", rotation: "1" }).rotation).toMatch(/conflicts with customKey/);
    expect(f({ ...base, name: "" }).name).toBe("must not be empty");
    expect(checkInputs(apiKeyArgsCanonical(), { ...base, expiry: "2027-01-31" }).inputs).toMatchObject({ expiry: "2027-01-31T00:00:00.000Z" });
  });

  test("rotationOverlap: a rotation makes a new key and keeps the old one live until previousRetiresAt, then an update revokes it; destroy revokes both", async () => {
    const live = (key: string) => emulator.store.data.authapi.find((k) => k.key === key)?.isActive;
    const declared = { ...inputs, rotationOverlap: "1d" };
    await withClock(async (at) => {
      at("2026-12-01T10:00:00.000Z");
      const { id, outs } = await provider.create(declared);
      startNewRun();
      const { outs: rotated } = await provider.update(id, outs, { ...declared, rotation: "r1" });
      expect(rotated.key).not.toBe(outs.key);
      expect(rotated.previousKey).toBe(outs.key);
      expect(rotated.previousRetiresAt).toBe("2026-12-02T10:00:00.000Z");
      expect([live(outs.key), live(rotated.key)]).toEqual([true, true]);
      expect((await provider.read(id, rotated)).props?.previousKey).toBe(outs.key); // a refresh keeps it

      // Before the overlap ends, nothing to do; after, the update retires the previous key.
      at("2026-12-02T09:59:00.000Z");
      expect((await provider.diff(id, rotated, { ...declared, rotation: "r1" })).changes).toBe(false);
      at("2026-12-02T10:00:00.000Z");
      expect((await provider.diff(id, rotated, { ...declared, rotation: "r1" })).changes).toBe(true);
      startNewRun();
      const { outs: retired } = await provider.update(id, rotated, { ...declared, rotation: "r1" });
      expect(retired.previousKey).toBeUndefined();
      expect([live(outs.key), live(rotated.key)]).toEqual([false, true]);

      // A rotation while a previous key lives retires it first: never three live values.
      startNewRun();
      const { outs: second } = await provider.update(id, retired, { ...declared, rotation: "r2" });
      startNewRun();
      const { outs: third } = await provider.update(id, second, { ...declared, rotation: "r3" });
      expect([live(retired.key), live(second.key), live(third.key)]).toEqual([false, true, true]);

      await provider.delete(id, third);
      expect(emulator.store.data.authapi.filter((k) => k.isActive)).toEqual([]);
    });
  });
});
