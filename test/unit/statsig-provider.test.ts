// The Statsig dynamic provider's lifecycle methods against the emulator on a random port.
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { startNewRun } from "../../provider/core/reconcile";
import { withClock } from "../support/clock";
import provider = require("../../provider/statsig/provider");

// A short request timeout: a write that got no answer is looked for during a grace period of 5 s, not 60.
const FAST = { "pulumi-api-keys:requestTimeoutMs": "1000" };
// A lost write's key may be looked for through that whole grace period: past jest's default 5 s on a busy machine.
jest.setTimeout(60_000);
describe("statsig provider against the emulator", () => {
  let emulator: Emulator;
  const inputs = {
    type: "SERVER" as const,
    description: "svc",
    scopes: ["omni_read_only"],
    environments: ["production"],
    secondaryTargetApps: [],
    active: true,
  };

  beforeAll(async () => {
    emulator = createEmulator({ port: 0, empty: true });
    const url = await emulator.start();
    await provider.configure({
      config: {
        get: (k: string) => ({ "pulumi-api-keys:statsigConsoleApiKey": STATSIG_CONSOLE_KEY, "pulumi-api-keys:statsigApiUrl": url, ...FAST })[k],
      },
    });
  });
  afterAll(() => emulator.stop());
  /** The keys these tests made: an empty project still lists its console credential. */
  const made = () => emulator.store.data.statsig.filter((k) => k.type !== "CONSOLE");
  beforeEach(() => (emulator.reset(), startNewRun())); // each test is a run of its own, against a fresh emulator

  test("create returns a non-secret id and the key as an output; read projects live values onto inputs", async () => {
    const { id, outs } = await provider.create(inputs);
    expect(id).toMatch(/^statsig-server-[0-9a-f]{16}$/);
    expect(id).not.toContain(outs.key);
    // State leaves out the inputs at their default (active, no secondary target apps).
    const { active: _on, secondaryTargetApps: _none, ...stored } = inputs;
    expect(outs).toMatchObject({ ...stored, status: "active" });
    expect(Object.keys(outs)).not.toEqual(expect.arrayContaining(["active"]));
    expect(Object.keys(outs)).not.toEqual(expect.arrayContaining(["secondaryTargetApps"]));
    const read = await provider.read(id, outs);
    expect(read.inputs).toBeUndefined(); // in sync: the engine keeps its inputs, which are these
    expect(read.props).toEqual(outs);
    // A state from before 0.3.0 holds the defaults: it reads the same, in sync, and is given back without them.
    expect(await provider.read(id, { ...outs, active: true, secondaryTargetApps: [] })).toEqual(read);
    expect((await provider.diff(id, { ...outs, active: true, secondaryTargetApps: [] }, stored)).changes).toBe(false);

    // Edited by hand: the live inputs go back, and the declaration is kept beside them.
    emulator.store.data.statsig.find((k) => k.key === outs.key)!.description = "edited";
    const drifted = await provider.read(id, outs);
    expect(drifted.inputs).toEqual({ ...stored, description: "edited" });
    expect(drifted.props).toMatchObject({ description: "edited", declared: { description: "svc" } });
  });

  test("a key deleted out of band reads as gone; deleting it again is done", async () => {
    const { id, outs } = await provider.create(inputs);
    emulator.store.data.statsig = emulator.store.data.statsig.filter((k) => k.type === "CONSOLE");
    expect(await provider.read(id, outs)).toEqual({});
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });

  test("a create whose connection dropped before it landed is sent again once nothing appeared, leaving exactly one key", async () => {
    emulator.faults = [{ kind: "reset", api: "statsig", method: "POST", times: 1 }];
    const { outs } = await provider.create(inputs);
    expect(made().map((k) => k.key)).toEqual([outs.key]);
  }, 30_000); // the grace period for a late write

  test.each(["reset-after", "500-after", "malformed-after", "missing-fields"] as const)(
    "a create that landed but whose answer was lost (%s) adopts the key it made: one key, recorded",
    async (kind) => {
      emulator.faults = [{ kind, api: "statsig", method: "POST", times: 1 }];
      const { id, outs } = await provider.create(inputs);
      expect(made().map((k) => k.key)).toEqual([outs.key]);
      expect(id).toMatch(/^statsig-server-/);
      expect(emulator.log.filter((r) => r.method === "POST")).toHaveLength(1); // never sent again
    },
  );

  test("an identical key made by hand before the run is never adopted in place of the lost one", async () => {
    emulator.faults = [{ kind: "reset", api: "statsig", method: "POST", times: 1 }];
    await fetch(`${emulator.url}/_admin/statsig/keys`, {
      method: "POST",
      body: JSON.stringify({ ...inputs, description: "svc" }),
      headers: { "content-type": "application/json" },
    });
    const byHand = made()[0]!.key;
    const { outs } = await provider.create(inputs);
    expect(outs.key).not.toBe(byHand);
    expect(made()).toHaveLength(2);
  }, 30_000);

  test("a rotate whose answer was lost records the new value; one rotate only", async () => {
    const { id, outs } = await provider.create(inputs);
    emulator.log.length = 0;
    emulator.faults = [{ kind: "500-after", api: "statsig", method: "PATCH", route: "/console/v1/keys/{id}/rotate", times: 1 }];
    const { outs: rotated } = await provider.update(id, outs, { ...inputs, rotation: "r2" });
    expect(rotated.key).not.toBe(outs.key);
    expect(made().map((k) => k.key)).toEqual([rotated.key]);
    expect(emulator.log.filter((r) => r.route.endsWith("/rotate"))).toHaveLength(1);
  });

  test("a rotate that failed before acting is sent again: the old value worked until then", async () => {
    const { id, outs } = await provider.create(inputs);
    emulator.faults = [{ kind: "503", api: "statsig", method: "PATCH", route: "/console/v1/keys/{id}/rotate", times: 1 }];
    const { outs: rotated } = await provider.update(id, outs, { ...inputs, rotation: "r2" });
    expect(made().map((k) => k.key)).toEqual([rotated.key]);
    expect(rotated.key).not.toBe(outs.key);
  });

  test("a deactivate that fails after the create hands Pulumi the created key; the next update finishes it", async () => {
    emulator.faults = [{ kind: "503", api: "statsig", method: "PATCH", route: "/console/v1/keys/{id}/deactivate", times: 6 }];
    const err = await provider.create({ ...inputs, active: false }).catch((e) => e);
    expect(err.message).toMatch(/PAK_SERVER_ERROR/);
    const live = made()[0]!;
    expect(err.id).toMatch(/^statsig-server-/);
    expect(err.properties).toMatchObject({ key: live.key, status: "active", active: false }); // recorded, not lost
    expect(err.reasons).toEqual([err.message]);
    const { outs } = await provider.update(err.id, err.properties, { ...inputs, active: false });
    expect(outs.status).toBe("deactivated");
    expect(live.status).toBe("deactivated");
  }, 60_000); // six attempts with backoff

  test("a PATCH followed by a failed deactivate records the patched key", async () => {
    const { id, outs } = await provider.create(inputs);
    emulator.faults = [{ kind: "503", api: "statsig", method: "PATCH", route: "/console/v1/keys/{id}/deactivate", times: 6 }];
    const err = await provider.update(id, outs, { ...inputs, description: "renamed", active: false }).catch((e) => e);
    expect(made()[0]!.description).toBe("renamed");
    expect(err.properties).toMatchObject({ key: outs.key, description: "renamed", active: true, status: "active" });
  }, 60_000);

  test("missing credentials are a clear error naming both ways to set them", async () => {
    const bare = new (provider.constructor as new () => typeof provider)(); // never configured
    const saved = process.env.STATSIG_CONSOLE_API_KEY;
    delete process.env.STATSIG_CONSOLE_API_KEY;
    const err = (await bare.create(inputs).catch((e: Error) => e)) as Error;
    if (saved !== undefined) process.env.STATSIG_CONSOLE_API_KEY = saved;
    expect(err.message).toMatch(/PAK_MISSING_CREDENTIALS/);
    expect(err.message).toMatch(/pulumi-api-keys:statsigConsoleApiKey/);
    expect(err.message).toMatch(/STATSIG_CONSOLE_API_KEY/);
  });

  test("rotationOverlap: a rotation makes a new key and keeps the old one live until previousRetiresAt, then an update deactivates and deletes it; destroy removes both", async () => {
    const status = (key: string) => made().find((k) => k.key === key)?.status ?? "gone";
    const declared = { ...inputs, rotationOverlap: "7d" };
    await withClock(async (at) => {
      at("2026-12-01T10:00:00.000Z");
      const { id, outs } = await provider.create(declared);
      startNewRun();
      const { outs: rotated } = await provider.update(id, outs, { ...declared, rotation: "r1" });
      expect(rotated.key).not.toBe(outs.key);
      expect(rotated.previousKey).toBe(outs.key);
      expect(rotated.previousRetiresAt).toBe("2026-12-08T10:00:00.000Z");
      expect([status(outs.key), status(rotated.key)]).toEqual(["active", "active"]);
      expect((await provider.read(id, rotated)).props?.previousKey).toBe(outs.key); // a refresh keeps it

      at("2026-12-08T09:00:00.000Z");
      expect((await provider.diff(id, rotated, { ...declared, rotation: "r1" })).changes).toBe(false);
      at("2026-12-08T10:00:00.000Z");
      expect((await provider.diff(id, rotated, { ...declared, rotation: "r1" })).changes).toBe(true);
      startNewRun();
      const { outs: retired } = await provider.update(id, rotated, { ...declared, rotation: "r1" });
      expect(retired.previousKey).toBeUndefined();
      expect([status(outs.key), status(rotated.key)]).toEqual(["gone", "active"]);

      startNewRun();
      const { outs: second } = await provider.update(id, retired, { ...declared, rotation: "r2" });
      await provider.delete(id, second);
      expect(made()).toEqual([]);
    });
  });
});
