// Each resource's whole lifecycle in process: the real providers driven as the engine drives them,
// against the emulator over HTTP. Every stage ends with "refresh shows no changes". What each stage
// sends (one PATCH carrying only what changed, a deactivate, a reactivate, create before delete) is the
// providers' logic, so it is asserted here, stage by stage; test/e2e/{statsig,authapi,basic}.test.ts run
// the same lifecycle through the real CLI for what the engine adds (previews, refresh, state, secrets).
import type { Api } from "../../provider/registry";
import { InProcessStack, inProcessStack } from "../support/in-process-stack";
import {
  AUTHAPI_BILLING,
  AUTHAPI_BILLING_LIVE,
  AUTHAPI_EDITED_BY_HAND,
  BASIC_DEPLOYS,
  BASIC_READER,
  STATSIG_CLIENT,
  STATSIG_SERVER,
} from "../support/lifecycle-keys";
import type { Declared } from "../support/provider-engine";
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";

jest.setTimeout(60_000);
let stack: InProcessStack;
beforeAll(async () => {
  stack = await inProcessStack("lifecycle");
  await stack.admin.remember(); // the vendor's default keys and those made by hand are not ours
});
afterAll(() => stack.close());

const of = (api: Api, keys: Record<string, Record<string, unknown>>): Record<string, Declared> =>
  Object.fromEntries(Object.entries(keys).map(([name, args]) => [name, { api, args }]));
/** A copy of a resource's state now (the engine updates its entries in place). */
const stateOf = (name: string) => structuredClone(stack.engine.state.find((r) => r.name === name)!);

test("statsig.Key: create, no-op refresh and up, each change one PATCH of what changed, console edits and deletion repaired, replace, deactivate, rotate, destroy", async () => {
  const { admin, engine, calls, up, expectNoChanges } = stack;
  const [server, client] = [STATSIG_SERVER, STATSIG_CLIENT];
  const keys = (s: Record<string, unknown>, c: Record<string, unknown> = client) => of("statsig", { server: s, client: c });
  const live = async () => (await admin.made()).statsig as Array<Record<string, any>>;
  const liveByDescription = async (d: string) => (await live()).find((k) => k.description === d)!;

  await admin.clearRequests();
  await up(keys(server));
  // One listing (what existed before this run's first create), then one call per key.
  expect(await calls()).toEqual(["GET /console/v1/keys", "POST /console/v1/keys", "POST /console/v1/keys"]);
  let k = await liveByDescription("backend server key");
  expect(k).toMatchObject({ type: "SERVER", primaryTargetApp: "checkout", status: "active" });
  expect([...k.scopes].sort()).toEqual(["client_download_config_specs", "omni_read_only"]);

  // Nothing to do: a refresh reads each key once, an up calls nothing.
  await admin.clearRequests();
  expect(await engine.refresh()).toEqual({ code: 0 });
  expect(await calls()).toEqual(["GET /console/v1/keys/{id}", "GET /console/v1/keys/{id}"]);
  await expectNoChanges(keys(server));
  await admin.clearRequests();
  await up(keys(server));
  expect(await calls()).toEqual([]);

  // Order never matters.
  await expectNoChanges(keys({ ...server, scopes: [...server.scopes].reverse(), environments: ["staging", "production"] }));

  // Each change is exactly one PATCH carrying only what changed.
  const steps: Array<[Record<string, unknown>, Record<string, unknown>]> = [
    [{ ...server, scopes: ["omni_read_write"] }, { scopes: ["omni_read_write"] }],
    [{ ...server, scopes: ["omni_read_write"], environments: ["production"] }, { environments: ["production"] }],
    [{ ...server, scopes: ["omni_read_write"], environments: ["production"], targetApp: undefined }, { targetAppID: null }],
    [{ ...server, scopes: ["omni_read_write"], environments: ["production"], targetApp: undefined, secondaryTargetApps: [] }, { secondaryTargetAppIDs: null }],
  ];
  let current: Record<string, unknown> = server;
  for (const [decl, body] of steps) {
    current = decl;
    await admin.clearRequests();
    await up(keys(decl));
    const sent = await admin.requests();
    expect(sent.map((r) => [`${r.method} ${r.route}`, r.body])).toEqual([["PATCH /console/v1/keys/{id}", body]]);
    await expectNoChanges(keys(decl));
  }
  k = await liveByDescription("backend server key");
  expect(k.primaryTargetApp).toBeNull();
  expect(k.secondaryTargetApps).toBeNull();

  // Edited in the console: the refreshed preview wants an update; up puts the declared values back.
  await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(k.key)}`, { description: "edited by hand", environments: ["development"] });
  expect(await engine.pendingChanges(keys(current))).toEqual(["server: update"]);
  expect(await engine.refresh()).toEqual({ code: 0 });
  await up(keys(current));
  expect((await live()).find((x) => x.key === k.key)).toMatchObject({ description: "backend server key", environments: ["production"] });
  await expectNoChanges(keys(current));

  // Deleted in the console: refresh drops it, up creates it again.
  await admin.call("DELETE", `/statsig/keys/${encodeURIComponent(k.key)}`);
  expect(await engine.refresh()).toEqual({ code: 0 });
  expect(engine.state.map((r) => r.name)).toEqual(["client"]);
  await up(keys(current));
  expect((await live()).map((x) => x.description).sort()).toEqual(["backend server key", "web client key"]);
  await expectNoChanges(keys(current));

  // A type change replaces the key; deactivating is one call, in place.
  const serverClient = { ...client, type: "SERVER" };
  expect((await engine.plan(keys(current, serverClient))).client).toBe("replace");
  await up(keys(current, serverClient));
  expect((await live()).filter((x) => x.description === "web client key").map((x) => x.type)).toEqual(["SERVER"]);
  await admin.clearRequests();
  await up(keys({ ...current, active: false }, serverClient));
  expect(await calls()).toEqual(["PATCH /console/v1/keys/{id}/deactivate"]);
  await expectNoChanges(keys({ ...current, active: false }, serverClient));

  // Rotation in place: a new value, the same resource.
  const before = stateOf("client");
  await up(keys({ ...current, active: false }, { ...serverClient, rotation: "2026-11" }));
  expect(stateOf("client").id).toBe(before.id);
  expect(stateOf("client").outputs.keyFingerprint).not.toBe(before.outputs.keyFingerprint);
  await expectNoChanges(keys({ ...current, active: false }, { ...serverClient, rotation: "2026-11" }));

  await up({});
  expect(await live()).toHaveLength(0);
  expect(await admin.violations()).toEqual([]);
});

test("authapi.ApiKey: metadata compared structurally, console edits on every field put back in one PATCH, limits cleared, revoke repaired by reactivate, deletion, rotation, destroy", async () => {
  const CUSTOM_VALUE = "custom-value-for-partner-0002";
  const { admin, engine, calls, up, expectNoChanges } = stack;
  const billing = AUTHAPI_BILLING;
  const partner = { projectId: AUTHAPI_PROJECT, name: "partner", customKey: CUSTOM_VALUE };
  const keys = (b: Record<string, unknown>) => of("authapi", { billing: b, partner });
  const live = async () => (await admin.made()).authapi as Array<Record<string, any>>;
  const byName = async (n: string) => (await live()).find((k) => k.name === n && k.isActive)!;

  await admin.clearRequests();
  await up(keys(billing));
  expect(await calls()).toEqual(["GET /api-keys", "POST /api-keys", "POST /api-keys"]);
  expect(await byName("partner")).toMatchObject({ key: CUSTOM_VALUE });
  expect(await byName("billing service")).toMatchObject({ expiresAt: "2030-01-31T00:00:00.000Z", rateLimitConfigs: { rateLimit: 100, rateLimitTtl: 60 } });
  await expectNoChanges(keys(billing));

  // Metadata is compared structurally: another key order is not a change.
  await expectNoChanges(keys({ ...billing, customMetaData: { limits: { daily: 1000 }, tier: "gold" } }));

  // Console edits on every field: one PATCH puts them all back, on the same key.
  const key = (await byName("billing service")).key;
  await admin.call("PATCH", `/authapi/keys/${encodeURIComponent(key)}`, AUTHAPI_EDITED_BY_HAND);
  expect(await engine.pendingChanges(keys(billing))).toEqual(["billing: update"]);
  expect(await engine.refresh()).toEqual({ code: 0 });
  await admin.clearRequests();
  await up(keys(billing));
  expect((await admin.requests()).filter((r) => r.method === "PATCH")).toHaveLength(1);
  expect(await byName("billing service")).toMatchObject({ key, ...AUTHAPI_BILLING_LIVE });
  await expectNoChanges(keys(billing));

  // Removing expiry and the rate limit clears them (null on the wire), in one PATCH.
  const { expiry: _e, rateLimit: _r, ...noLimits } = billing;
  await admin.clearRequests();
  await up(keys(noLimits));
  expect((await admin.requests()).map((r) => r.body)).toEqual([{ name: "billing service", expiry: null, rateLimitConfigs: null }]);
  expect(await byName("billing service")).toMatchObject({ expiresAt: null, rateLimitConfigs: null });
  await expectNoChanges(keys(noLimits));

  // Revoked in the console: drift on active, not gone; up reactivates the same key.
  await admin.call("POST", `/authapi/keys/${encodeURIComponent(CUSTOM_VALUE)}/revoke`);
  expect(await engine.pendingChanges(keys(noLimits))).toEqual(["partner: update"]);
  expect(await engine.refresh()).toEqual({ code: 0 });
  expect(stateOf("partner").outputs).toMatchObject({ isActive: false });
  await admin.clearRequests();
  await up(keys(noLimits));
  expect(await calls()).toContain("PATCH /api-keys/{key}/reactivate");
  expect(await byName("partner")).toMatchObject({ key: CUSTOM_VALUE, isActive: true });
  await expectNoChanges(keys(noLimits));

  // Deleted in the console (gone entirely): refresh drops it, up creates it again.
  await admin.call("DELETE", `/authapi/keys/${encodeURIComponent(key)}`);
  expect(await engine.refresh()).toEqual({ code: 0 });
  expect(engine.state.map((r) => r.name)).toEqual(["partner"]);
  await up(keys(noLimits));
  expect((await live()).filter((k) => k.name === "billing service" && k.isActive)).toHaveLength(1);
  await expectNoChanges(keys(noLimits));

  // Rotation in place: a new value, the same resource id.
  const before = stateOf("billing");
  const oldValue = (await byName("billing service")).key;
  await up(keys({ ...noLimits, rotation: "2026-11" }));
  expect(stateOf("billing").id).toBe(before.id);
  expect((await byName("billing service")).key).not.toBe(oldValue);
  await expectNoChanges(keys({ ...noLimits, rotation: "2026-11" }));

  await up({});
  expect((await live()).filter((k) => k.isActive)).toHaveLength(0); // delete is a soft delete (revoke)
  expect(await admin.violations()).toEqual([]);
});

test("basic.ProjectKey: roles canonical and unordered, a role change one PATCH, the create-only value kept, console edits and deletion repaired, rotation creates before it deletes, destroy", async () => {
  const { admin, engine, calls, up, expectNoChanges } = stack;
  const [deploys, reader] = [BASIC_DEPLOYS, BASIC_READER];
  const keys = (d: Record<string, unknown>, r: Record<string, unknown> = reader) => of("basic", { deploys: d, reader: r });
  const live = async () => (await admin.made()).basic as Array<Record<string, any>>;

  await admin.clearRequests();
  await up(keys(deploys));
  expect(await calls()).toEqual(["GET /project/{id}/key", "POST /project/{id}/key", "POST /project/{id}/key"]);
  expect((await live()).find((k) => k.label === "ci deploys")!.roles).toBe("read,write"); // canonical on the wire
  const firstValue = stateOf("deploys").outputs.value;
  expect(firstValue).toBe((await live()).find((k) => k.label === "ci deploys")!.value);

  await admin.clearRequests();
  expect(await engine.refresh()).toEqual({ code: 0 });
  expect(await admin.requests()).toHaveLength(2);
  await expectNoChanges(keys(deploys));

  // Roles order is not a change; a role change is one PATCH of the canonical string.
  await expectNoChanges(keys({ ...deploys, roles: ["read", "write"] }));
  const admins = { ...deploys, roles: ["read", "write", "admin"] };
  await admin.clearRequests();
  await up(keys(admins));
  expect((await admin.requests()).map((r) => [r.method, r.body])).toEqual([["PATCH", { roles: "admin,read,write" }]]);
  await expectNoChanges(keys(admins));
  expect(stateOf("deploys").outputs.value).toBe(firstValue); // the create-only value survives reads and updates

  // Label and roles changed in the console: up puts them back; the value is still the one created.
  const deployKey = (await live()).find((k) => k.label === "ci deploys")!;
  await admin.call("PATCH", `/basic/projects/${BASIC_PROJECT}/keys/${deployKey.id}`, { label: "renamed by hand", roles: "read" });
  expect(await engine.pendingChanges(keys(admins))).toEqual(["deploys: update"]);
  expect(await engine.refresh()).toEqual({ code: 0 });
  await up(keys(admins));
  expect((await live()).find((k) => k.id === deployKey.id)).toMatchObject({ label: "ci deploys", roles: "admin,read,write" });
  await expectNoChanges(keys(admins));
  expect(stateOf("deploys").outputs.value).toBe(firstValue);

  // Deleted in the console: refresh drops it, up creates it again.
  await admin.call("DELETE", `/basic/projects/${BASIC_PROJECT}/keys/${deployKey.id}`);
  expect(await engine.refresh()).toEqual({ code: 0 });
  expect(engine.state.map((r) => r.name)).toEqual(["reader"]);
  await up(keys(admins));
  expect((await live()).map((k) => k.label).sort()).toEqual(["ci deploys", "dashboards"]);
  await expectNoChanges(keys(admins));

  // Rotation: a new key created before the old one is deleted.
  const before = (await live()).find((k) => k.label === "dashboards")!;
  expect((await engine.plan(keys(admins, { ...reader, rotation: "1" }))).reader).toBe("replace");
  await admin.clearRequests();
  await up(keys(admins, { ...reader, rotation: "1" }));
  expect((await admin.requests()).map((r) => r.method)).toEqual(["GET", "POST", "DELETE"]); // the listing before this run's first create
  expect((await live()).find((k) => k.label === "dashboards")!.id).not.toBe(before.id);
  await expectNoChanges(keys(admins, { ...reader, rotation: "1" }));

  await up({});
  expect(await live()).toHaveLength(0);
  expect(await admin.violations()).toEqual([]);
});

test("rotateAfter: a policy added to a young key rotates nothing; a policy the key is already past rotates it, and preview says so", async () => {
  const { admin, engine, up, expectNoChanges } = stack;
  const young = (rotateAfter?: string) => of("statsig", { young: { type: "CLIENT", description: "young", ...(rotateAfter ? { rotateAfter } : {}) } });
  await up(young());
  const made = stateOf("young");
  await admin.clearRequests();
  await up(young("90d"));
  expect((await admin.requests()).filter((r) => r.method !== "GET")).toEqual([]);
  expect(stateOf("young").outputs.keyFingerprint).toBe(made.outputs.keyFingerprint);
  await expectNoChanges(young("90d"));

  // Ten days old (its recorded rotatedAt, as the CLI test backdates it), and the policy shortened to a week: due at once.
  engine.state.find((r) => r.name === "young")!.outputs.rotatedAt = new Date(Date.now() - 10 * 86_400_000).toISOString();
  expect((await engine.plan(young("1w"))).young).toBe("update");
  expect(engine.notices).toContainEqual(expect.stringMatching(/: rotation due: 10 days old, policy 1w$/));
  await up(young("1w"));
  expect(stateOf("young").id).toBe(made.id);
  expect(stateOf("young").outputs.keyFingerprint).not.toBe(made.outputs.keyFingerprint);
  await expectNoChanges(young("1w"));
  await up({});
});
