// authapi.ApiKey through the real Pulumi CLI against the emulator: the lifecycle as the engine runs it,
// ending with refresh showing no changes. Each stage's calls (limits cleared, revoke repaired by
// reactivate, metadata order) and nothing left after each one: in process, test/unit/lifecycle.test.ts.
import { AUTHAPI_PROJECT, authApiCredentials } from "../../emulator/apis/authapi";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import type { PulumiProject } from "../support/harness";
import { AUTHAPI_BILLING, AUTHAPI_BILLING_LIVE, AUTHAPI_EDITED_BY_HAND } from "../support/lifecycle-keys";

const program = `
const pulumi = require("@pulumi/pulumi");
const { authapi } = require("pulumi-api-keys");
const cfg = new pulumi.Config();
const decl = JSON.parse(cfg.require("keys"));
for (const [name, args] of Object.entries(decl)) {
  // A custom key value comes from secret config, as a user would pass it: "secret:<config key>".
  if (typeof args.customKey === "string" && args.customKey.startsWith("secret:")) args.customKey = cfg.requireSecret(args.customKey.slice(7));
  const k = new authapi.ApiKey(name, args);
  exports[name] = { fingerprint: k.keyFingerprint, isActive: k.isActive };
}
`;
const TYPE = "pulumi-nodejs:dynamic/authapi:ApiKey";
const ACCESS_KEY = authApiCredentials().admin;
const CUSTOM_VALUE = "custom-value-for-partner-0001";

describe("authapi.ApiKey end to end", () => {
  jest.setTimeout(600_000);
  let admin: EmulatorAdmin;
  let project: PulumiProject;
  const billing = AUTHAPI_BILLING;
  const partner = { projectId: AUTHAPI_PROJECT, name: "partner", customKey: "secret:partnerKey" };

  const declare = (keys: Record<string, unknown>) => stack.declare(keys);
  /** Keys the emulator's project held before this test (the vendor's defaults, keys made by hand): not ours. */
  let before = new Set<string>();
  const live = async () => ((await admin.state()).authapi as Array<Record<string, any>>).filter((k) => !before.has(k.key));
  const byName = async (n: string) => (await live()).find((k) => k.name === n)!;

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("authapi-e2e", { "index.js": program }, { secrets: { partnerKey: CUSTOM_VALUE } });
    ({ admin, project } = stack);
    before = new Set((await admin.state()).authapi.map((k: Record<string, string>) => k.key));
  });
  afterAll(() => stack?.close());

  test("lifecycle: no-op refresh and up, drift on every field, delete, rotation, secrets, destroy", async () => {
    await declare({ billing, partner });
    await admin.clearRequests();
    await project.up();
    // One call per key, after one listing of the project (what existed before this run's first create).
    expect((await admin.requests()).map((r) => `${r.method} ${r.route}`)).toEqual(["GET /api-keys", "POST /api-keys", "POST /api-keys"]);
    expect(await byName("partner")).toMatchObject({ key: CUSTOM_VALUE });
    expect(await byName("billing service")).toMatchObject({ expiresAt: "2030-01-31T00:00:00.000Z", rateLimitConfigs: { rateLimit: 100, rateLimitTtl: 60 } });

    await project.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
    await project.ok(["up", "--yes", "--expect-no-changes"]);

    // Console edits on every field: refresh names them all, up puts them back.
    const key = (await byName("billing service")).key;
    await admin.call("PATCH", `/authapi/keys/${encodeURIComponent(key)}`, AUTHAPI_EDITED_BY_HAND);
    const drift = await project.run(["preview", "--refresh", "--diff", "--expect-no-changes"]);
    expect(drift.code).not.toBe(0);
    for (const field of ["name", "customAccountId", "customUserId", "customMetaData", "expiry", "rateLimit"]) expect(drift.stdout).toContain(field);
    await admin.clearRequests();
    await project.up(["--refresh", "--skip-preview"]);
    const patches = (await admin.requests()).filter((r) => r.method === "PATCH");
    expect(patches).toHaveLength(1);
    expect(await byName("billing service")).toMatchObject({ key, ...AUTHAPI_BILLING_LIVE });

    // Deleted out of band (gone entirely): refresh drops it, up creates it again.
    await admin.call("DELETE", `/authapi/keys/${encodeURIComponent(key)}`);
    await project.ok(["refresh", "--yes", "--skip-preview"]);
    expect((await project.exportState()).resources.filter((r) => r.type === TYPE)).toHaveLength(1);
    await project.up();
    expect((await live()).filter((k) => k.name === "billing service" && k.isActive)).toHaveLength(1);

    // Rotation in place: new value, same resource id. Then, after every stage above, nothing left to do.
    const before = (await project.exportState()).resources.find((r) => r.urn.endsWith("::billing"))!;
    const oldValue = (await byName("billing service")).key;
    await declare({ billing: { ...billing, rotation: "2026-11" }, partner });
    await project.up();
    const after = (await project.exportState()).resources.find((r) => r.urn.endsWith("::billing"))!;
    expect(after.id).toBe(before.id);
    expect((await byName("billing service")).key).not.toBe(oldValue);
    await project.expectNoChanges(true);

    // Secrets: neither the access key nor any key value (generated or custom) in plaintext.
    const state = await project.exportState();
    expect(state.raw).not.toContain(ACCESS_KEY);
    expect(state.raw).not.toContain(CUSTOM_VALUE);
    for (const k of await live()) expect(state.raw).not.toContain(k.key);

    await project.destroyAndRemove();
    expect((await live()).filter((k) => k.isActive)).toHaveLength(0); // delete is a soft delete (revoke)
    expect(await admin.violations()).toEqual([]);
  });
});
