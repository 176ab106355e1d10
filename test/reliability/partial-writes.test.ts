// A write of several calls that fails part-way (the key is created, then deactivating or revoking it
// keeps failing): the run fails with a clear error, the key is recorded in state rather than lost, and
// the next `up` finishes the job. Through the real Pulumi CLI against the emulator.
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { fingerprint } from "../../provider/core/redact";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { PulumiProject } from "../support/harness";

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, authapi } = require("pulumi-api-keys");
const cfg = new pulumi.Config();
new statsig.Key("dormant", { type: "SERVER", description: "dormant", active: false });
new authapi.ApiKey("revoked", { projectId: "${AUTHAPI_PROJECT}", name: "revoked", active: false });
if (cfg.get("name")) new authapi.ApiKey("renamed", { projectId: "${AUTHAPI_PROJECT}", name: cfg.get("name"), rotation: cfg.get("rotation") });
`;

describe("partial writes through the Pulumi CLI", () => {
  jest.setTimeout(10 * 60_000);
  let admin: EmulatorAdmin;
  let project: PulumiProject;

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("partial-writes", { "index.js": program }, { emulator: { rateLimits: false } });
    ({ project } = stack);
    admin = await stack.admin.remember();
  });
  afterAll(() => stack?.close());

  const recorded = async () => {
    const { resources } = await project.exportState();
    return Object.fromEntries(resources.filter((r) => r.custom && r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => [r.urn.split("::").pop(), r]));
  };

  test("create then deactivate/revoke failing: the keys are in state, marked unfinished, and the next up finishes them", async () => {
    // Every attempt of the second call fails (the client makes six).
    await admin.fault({ kind: "503", api: "statsig", method: "PATCH", route: "/console/v1/keys/{id}/deactivate", times: 6 });
    await admin.fault({ kind: "503", api: "authapi", method: "DELETE", times: 6 });
    const first = await project.run(["up", "--yes", "--skip-preview"]);
    expect(first.code).not.toBe(0);
    expect(first.stdout + first.stderr).toMatch(/\[PAK_SERVER_ERROR\] creating a Statsig key/);
    expect(first.stdout + first.stderr).toMatch(/\[PAK_SERVER_ERROR\] creating a key in The Auth API/);

    const live = await admin.made();
    expect(live.statsig).toHaveLength(1);
    expect(live.statsig[0].status).toBe("active"); // the deactivate never happened
    expect(live.authapi.filter((k: any) => k.isActive)).toHaveLength(1);
    const state = await recorded();
    expect(state.dormant?.outputs.keyFingerprint).toBe(fingerprint(live.statsig[0].key)); // recorded, not lost
    expect(state.revoked?.outputs.keyFingerprint).toBe(fingerprint(live.authapi[0].key));
    expect(state.dormant?.initErrors?.[0]).toMatch(/PAK_SERVER_ERROR/);
    // Still secret in state, even on this path.
    const raw = (await project.exportState()).raw;
    expect(raw).not.toContain(live.statsig[0].key);
    expect(raw).not.toContain(live.authapi[0].key);

    // A refresh in between (a scheduled drift job's): the next up still finishes the job.
    await project.ok(["refresh", "--yes", "--skip-preview"]);
    await project.up();
    const after = await admin.made();
    expect(after.statsig).toHaveLength(1);
    expect(after.statsig[0].status).toBe("deactivated");
    expect(after.authapi).toHaveLength(1);
    expect(after.authapi[0].isActive).toBe(false);
    expect((await recorded()).dormant?.initErrors ?? []).toEqual([]);
    await project.ok(["preview", "--refresh", "--expect-no-changes"]);
  });

  test("a rename then a failed rotate: state records the rename, and the next up rotates", async () => {
    await project.ok(["config", "set", "name", "first name"]);
    await project.up();
    const before = (await admin.state()).authapi.find((k: any) => k.name === "first name").key;
    await project.ok(["config", "set", "name", "second name"]);
    await project.ok(["config", "set", "rotation", "1"]);
    // A rotate is never sent again blindly: after each 503 the provider checks that the old value still
    // works (so it did not happen) before sending it again, three times at most. Three 503s fail it.
    await admin.fault({ kind: "503", api: "authapi", method: "POST", route: "/api-keys/{key}/rotate", times: 3 });
    const run = await project.run(["up", "--yes", "--skip-preview"]);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/\[PAK_SERVER_ERROR\] updating a key in The Auth API/);
    const state = (await recorded()).renamed;
    expect(state?.outputs).toMatchObject({ name: "second name", keyFingerprint: fingerprint(before) }); // the PATCH happened
    expect(state?.outputs.rotation).toBeUndefined(); // the rotate did not
    expect(state?.initErrors?.[0]).toMatch(/PAK_SERVER_ERROR/);

    // A refresh in between, which finds the key as recorded and so leaves the engine's inputs (holding the
    // rotation that never happened) as they are: the next up still rotates, its diff being against the record.
    await project.ok(["refresh", "--yes", "--skip-preview"]);
    await project.up(); // finishes the rotation
    const rotated = (await admin.state()).authapi.filter((k: any) => k.name === "second name");
    expect(rotated).toHaveLength(1);
    expect(rotated[0].key).not.toBe(before);
    expect((await recorded()).renamed?.outputs.keyFingerprint).toBe(fingerprint(rotated[0].key));
    await project.ok(["preview", "--refresh", "--expect-no-changes"]);
    await project.destroyAndRemove();
  });
});
