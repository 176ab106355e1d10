// The Statsig dynamic provider's lifecycle methods against the emulator on a random port.
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import provider = require("../../provider/statsig/provider");

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
        get: (k: string) => ({ "pulumi-api-keys:statsigConsoleApiKey": STATSIG_CONSOLE_KEY, "pulumi-api-keys:statsigApiUrl": url })[k],
        require: () => "",
      },
    });
  });
  afterAll(() => emulator.stop());
  /** The keys these tests made: an empty project still lists its console credential. */
  const made = () => emulator.store.data.statsig.filter((k) => k.type !== "CONSOLE");
  beforeEach(() => emulator.reset());

  test("create returns a non-secret id and the key as an output; read projects live values onto inputs", async () => {
    const { id, outs } = await provider.create(inputs);
    expect(id).toMatch(/^statsig-server-[0-9a-f]{16}$/);
    expect(id).not.toContain(outs.key);
    expect(outs).toMatchObject({ ...inputs, status: "active" });
    const read = await provider.read(id, outs);
    expect(read.inputs).toEqual(inputs);
    expect(read.props).toEqual(outs);
  });

  test("a key deleted out of band reads as gone; deleting it again is done", async () => {
    const { id, outs } = await provider.create(inputs);
    emulator.store.data.statsig = emulator.store.data.statsig.filter((k) => k.type === "CONSOLE");
    expect(await provider.read(id, outs)).toEqual({});
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });

  test("a create whose connection dropped before it landed is retried once, leaving exactly one key", async () => {
    emulator.faults = [{ kind: "reset", api: "statsig", method: "POST", times: 1 }];
    await provider.create(inputs);
    expect(made()).toHaveLength(1);
  });

  test("a create that landed but whose answer was lost is reported, never duplicated", async () => {
    emulator.faults = [{ kind: "reset-after", api: "statsig", method: "POST", times: 1 }];
    const err = await provider.create(inputs).catch((e) => e);
    expect(err.code).toBe("PAK_AMBIGUOUS_CREATE");
    expect(err.message).toMatch(/unmanaged/);
    expect(made()).toHaveLength(1);
    expect(err.message).not.toContain(made()[0]!.key);
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
    const bare = Object.create(Object.getPrototypeOf(provider));
    const saved = process.env.STATSIG_CONSOLE_API_KEY;
    delete process.env.STATSIG_CONSOLE_API_KEY;
    const err = await bare.create(inputs).catch((e: Error) => e);
    if (saved !== undefined) process.env.STATSIG_CONSOLE_API_KEY = saved;
    expect(err.message).toMatch(/PAK_MISSING_CREDENTIALS/);
    expect(err.message).toMatch(/pulumi-api-keys:statsigConsoleApiKey/);
    expect(err.message).toMatch(/STATSIG_CONSOLE_API_KEY/);
  });
});
