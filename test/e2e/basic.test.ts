// basic.ProjectKey through the real Pulumi CLI against the emulator: the lifecycle as the engine runs it,
// ending with refresh showing no changes. Each stage's calls and nothing left after each one: in process,
// test/unit/lifecycle.test.ts.
import { BASIC_PROJECT, BASIC_TOKEN } from "../../emulator/apis/basic";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { PulumiProject } from "../support/harness";
import { BASIC_DEPLOYS, BASIC_READER } from "../support/lifecycle-keys";

const program = `
const pulumi = require("@pulumi/pulumi");
const { basic } = require("pulumi-api-keys");
const decl = JSON.parse(new pulumi.Config().require("keys"));
for (const [name, args] of Object.entries(decl)) {
  const k = new basic.ProjectKey(name, args);
  exports[name] = { keyId: k.keyId, fingerprint: k.valueFingerprint };
}
`;
const TYPE = "pulumi-nodejs:dynamic/basic:ProjectKey";

describe("basic.ProjectKey end to end", () => {
  jest.setTimeout(600_000);
  let admin: EmulatorAdmin;
  let project: PulumiProject;
  const [deploys, reader] = [BASIC_DEPLOYS, BASIC_READER];

  const declare = (keys: Record<string, unknown>) => stack.declare(keys);
  /** Keys the emulator's project held before this test (the vendor's defaults, keys made by hand): not ours. */
  let before = new Set<string>();
  const live = async () => ((await admin.state()).basic as Array<Record<string, any>>).filter((k) => !before.has(k.id));

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("basic-e2e", { "index.js": program });
    ({ admin, project } = stack);
    before = new Set((await admin.state()).basic.map((k: Record<string, string>) => k.id));
  });
  afterAll(() => stack?.close());

  test("create, no-op refresh and up, PATCH updates, drift on label and roles, out-of-band delete, rotation, destroy", async () => {
    await declare({ deploys, reader });
    await admin.clearRequests();
    await project.up();
    // One call per key, after one listing of the project (what existed before this run's first create).
    expect((await admin.requests()).map((r) => `${r.method} ${r.route}`)).toEqual([
      "GET /project/{id}/key",
      "POST /project/{id}/key",
      "POST /project/{id}/key",
    ]);
    expect((await live()).find((k) => k.label === "ci deploys")!.roles).toBe("read,write"); // canonical on the wire

    // --show-secrets keeps the secret envelope, with the JSON-encoded value as `plaintext`.
    const stateValue = async () => JSON.parse((await project.exportState(true)).resources.find((r) => r.urn.endsWith("::deploys"))!.outputs.value.plaintext);
    const firstValue = await stateValue();
    expect(firstValue).toBe((await live()).find((k) => k.label === "ci deploys")!.value);

    await admin.clearRequests();
    await project.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
    expect(await admin.requests()).toHaveLength(2);
    await project.ok(["up", "--yes", "--expect-no-changes"]);

    // A role change is one PATCH of the canonical string (roles in another order: in process).
    await declare({ deploys: { ...deploys, roles: ["read", "write", "admin"] }, reader });
    await admin.clearRequests();
    await project.up();
    expect((await admin.requests()).map((r) => [r.method, r.body])).toEqual([["PATCH", { roles: "admin,read,write" }]]);
    await project.expectNoChanges(true);

    // The create-only value is still in state after refreshes and updates.
    expect(await stateValue()).toEqual(firstValue);

    // Drift: label and roles changed in the console.
    const deployKey = (await live()).find((k) => k.label === "ci deploys")!;
    await admin.call("PATCH", `/basic/projects/${BASIC_PROJECT}/keys/${deployKey.id}`, { label: "renamed by hand", roles: "read" });
    const drift = await project.run(["preview", "--refresh", "--diff", "--expect-no-changes"]);
    expect(drift.code).not.toBe(0);
    expect(drift.stdout).toMatch(/label/);
    expect(drift.stdout).toMatch(/roles/);
    await project.up(["--refresh"]);
    expect((await live()).find((k) => k.id === deployKey.id)).toMatchObject({ label: "ci deploys", roles: "admin,read,write" });
    expect(await stateValue()).toEqual(firstValue);

    // Deleted out of band: refresh drops it, up recreates it.
    await admin.call("DELETE", `/basic/projects/${BASIC_PROJECT}/keys/${deployKey.id}`);
    await project.ok(["refresh", "--yes"]);
    expect((await project.exportState()).resources.filter((r) => r.type === TYPE)).toHaveLength(1);
    await project.up();
    expect((await live()).map((k) => k.label).sort()).toEqual(["ci deploys", "dashboards"]);

    // Rotation: a new key is created before the old one is deleted. Then, after every stage above, nothing left to do.
    const before = (await live()).find((k) => k.label === "dashboards")!;
    await declare({ deploys: { ...deploys, roles: ["read", "write", "admin"] }, reader: { ...reader, rotation: "1" } });
    await admin.clearRequests();
    await project.up();
    expect((await admin.requests()).map((r) => r.method)).toEqual(["GET", "POST", "DELETE"]); // the listing before this run's first create
    const after = (await live()).find((k) => k.label === "dashboards")!;
    expect(after.id).not.toBe(before.id);
    await project.expectNoChanges(true);

    const state = await project.exportState();
    expect(state.raw).not.toContain(BASIC_TOKEN);
    for (const k of await live()) expect(state.raw).not.toContain(k.value);
    for (const r of state.resources.filter((x) => x.type === TYPE)) expect(r.outputs.value).toHaveProperty("ciphertext");

    await project.destroyAndRemove();
    expect(await live()).toHaveLength(0);
    expect(await admin.violations()).toEqual([]);
  });
});
