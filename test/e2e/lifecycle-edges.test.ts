// Lifecycle edges a team meets in its first weeks, through the real CLI: inputs unknown at preview,
// deactivating a key that has a rotation trigger, removing the trigger, an Auth API expiry that passes,
// and the `import` resource option.
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import type { Emulator } from "../../emulator/server";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { PulumiProject } from "../support/harness";

// Keys from config: { name: { api, args, import? } }. A string "@src.output=<json>" becomes <json> once
// that resource's output is known: an input that is unknown at preview, as when wired to another resource.
const program = `
const pulumi = require("@pulumi/pulumi");
const lib = require("pulumi-api-keys");
const ctor = { statsig: lib.statsig.Key, basic: lib.basic.ProjectKey, authapi: lib.authapi.ApiKey };
const made = {};
const wire = (v) => {
  if (typeof v === "string" && v.startsWith("@")) {
    const [ref, value] = v.slice(1).split("=");
    const [name, output] = ref.split(".");
    return made[name][output].apply(() => JSON.parse(value));
  }
  if (Array.isArray(v)) return v.map(wire);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wire(x)]));
  return v;
};
for (const [name, d] of Object.entries(JSON.parse(new pulumi.Config().require("keys")))) {
  made[name] = new ctor[d.api](name, wire(d.args), d.import ? { import: d.import } : undefined);
  exports[name] = { status: made[name].status, fingerprint: made[name].keyFingerprint || made[name].valueFingerprint };
}
`;

interface Decl {
  api: "statsig" | "basic" | "authapi";
  args: Record<string, unknown>;
  import?: string;
}

describe("lifecycle edges", () => {
  jest.setTimeout(600_000);
  let emulator: Emulator;
  let admin: EmulatorAdmin;
  let project: PulumiProject;

  const declare = (keys: Record<string, Decl>) => stack.declare(keys);
  const calls = async () => (await admin.requests()).map((r) => `${r.method} ${r.route}`);
  // A resource's outputs as state holds them (stack outputs change only when the program runs).
  const stateOf = async (name: string) => (await project.exportState()).resources.find((r) => r.urn.endsWith(`::${name}`))!.outputs;
  const ops = async () => {
    const plan = JSON.parse((await project.ok(["preview", "--json"])).stdout);
    return Object.fromEntries(
      (plan.steps ?? []).filter((s: { urn: string }) => s.urn.includes("dynamic")).map((s: { urn: string; op: string }) => [s.urn.split("::").pop(), s.op]),
    );
  };

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("edges", { "index.js": program });
    ({ emulator, admin, project } = stack);
  });
  afterAll(() => stack?.close());
  afterEach(async () => {
    await declare({});
    await project.up();
  });

  test("inputs unknown at preview, at any depth: no check failure, no spurious change", async () => {
    const src: Decl = { api: "statsig", args: { type: "SERVER", description: "source" } };
    const wired = (targetApp: string, source = "source"): Record<string, Decl> => ({
      src: { ...src, args: { ...src.args, description: source } },
      consumer: {
        api: "statsig",
        args: {
          type: "SERVER",
          description: '@src.status="wired"',
          scopes: ["omni_read_only", '@src.status="can_access_keys"'],
          environments: ["staging", "production"],
          targetApp,
        },
      },
      billing: {
        api: "authapi",
        args: {
          projectId: AUTHAPI_PROJECT,
          name: '@src.status="billing"',
          rateLimit: { limit: "@src.status=100", ttlSeconds: 60 },
          customMetaData: { tier: '@src.status="gold"' },
        },
      },
      ci: { api: "basic", args: { projectId: BASIC_PROJECT, label: "ci", roles: ["read", '@src.status="write"'] } },
    });
    // First up: every wired input is unknown at preview.
    await declare(wired("checkout"));
    const preview = await project.run(["preview"]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).not.toMatch(/has a problem/);
    expect(await ops()).toEqual({ src: "create", consumer: "create", billing: "create", ci: "create" });
    await project.up();
    await project.expectNoChanges(true);

    // A later change to the source: its outputs are unknown again at preview; nothing else may look changed.
    await declare(wired("checkout", "source v2"));
    const later = await ops();
    expect(later.src).toBe("update");
    for (const name of ["consumer", "billing", "ci"]) expect([name, later[name] ?? "same"]).not.toEqual([name, "replace"]);
    const diff = (await project.ok(["preview", "--diff"])).stdout;
    expect(diff).not.toMatch(/[~+-] active/);
    expect(diff).not.toMatch(/[~+-] environments/);
    await project.up();
    await project.expectNoChanges(true);
    // And a change to the consumer's own field while the source is unchanged: exactly that field.
    await declare(wired("billing", "source v2"));
    expect(await ops()).toEqual({ consumer: "update" });
    expect((await project.ok(["preview", "--diff"])).stdout).toMatch(/~ targetApp\s*: "checkout" => "billing"/);
    await project.up();
    await project.expectNoChanges(true);
  });

  test("a key with a rotation trigger can be deactivated; removing the trigger never rotates", async () => {
    const args = { type: "SERVER", description: "rotating server", rotation: "r1" };
    await declare({ k: { api: "statsig", args } });
    await project.up();
    const value = emulator.store.data.statsig.find((k) => k.description === "rotating server")!.key;

    await admin.clearRequests();
    await declare({ k: { api: "statsig", args: { ...args, active: false } } });
    await project.up();
    expect(await calls()).toEqual(["PATCH /console/v1/keys/{id}/deactivate"]);
    expect(emulator.store.data.statsig.find((k) => k.key === value)?.status).toBe("deactivated");
    await project.expectNoChanges(true);

    // Removing the trigger records its removal and calls nothing.
    await admin.clearRequests();
    await declare({ k: { api: "statsig", args: { type: "SERVER", description: "rotating server", active: false } } });
    await project.up();
    expect(await calls()).toEqual([]);
    await project.expectNoChanges(true);

    // A new trigger on a key that stays deactivated is refused at preview, naming the field.
    await declare({ k: { api: "statsig", args: { ...args, rotation: "r2", active: false } } });
    const refused = await project.run(["preview"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toMatch(/'k' has a problem: rotation: cannot rotate a deactivated key: set active: true, or keep rotation as it was/);

    // Basic: removing the trigger keeps the key (no replacement).
    await declare({ b: { api: "basic", args: { projectId: BASIC_PROJECT, label: "b", roles: ["read"], rotation: "r1" } } });
    await project.up();
    const id = emulator.store.data.basic.find((k) => k.label === "b")!.id;
    await declare({ b: { api: "basic", args: { projectId: BASIC_PROJECT, label: "b", roles: ["read"] } } });
    expect(await ops()).toEqual({ b: "update" });
    await admin.clearRequests();
    await project.up();
    expect(await calls()).toEqual([]);
    expect(emulator.store.data.basic.filter((k) => k.label === "b").map((k) => k.id)).toEqual([id]);
    await project.expectNoChanges(true);

    // Deactivating and rotating in one run works: rotate first, then deactivate.
    await declare({ k: { api: "statsig", args: { ...args, active: true } } });
    await project.up(); // reactivating replaces the key (Statsig cannot reactivate)
    const fresh = emulator.store.data.statsig.find((k) => k.description === "rotating server" && k.status === "active")!.key;
    await admin.clearRequests();
    await declare({ k: { api: "statsig", args: { ...args, rotation: "r3", active: false } } });
    await project.up();
    // (the listing first: what existed before this run's first rotate, to recognise the new value if its answer is lost)
    expect(await calls()).toEqual(["GET /console/v1/keys", "PATCH /console/v1/keys/{id}/rotate", "PATCH /console/v1/keys/{id}/deactivate"]);
    expect(emulator.store.data.statsig.find((k) => k.key === fresh)).toBeUndefined();
    await project.expectNoChanges(true);
  });

  test("an Auth API key that expires on its declared date is in sync; up never reactivates it", async () => {
    const expiry = new Date(Date.now() + 30_000).toISOString();
    await declare({ e: { api: "authapi", args: { projectId: AUTHAPI_PROJECT, name: "expiring", expiry } } });
    await project.up();
    expect(await stateOf("e")).toMatchObject({ status: "active", isActive: true });
    // Wait for the declared date to pass (real time, bounded: the key was created with 30 s to live).
    for (const end = Date.now() + 60_000; Date.now() <= Date.parse(expiry) + 1000 && Date.now() < end;) await new Promise((r) => setTimeout(r, 500));

    await project.ok(["refresh", "--yes", "--skip-preview"]);
    expect(await stateOf("e")).toMatchObject({ status: "expired", isActive: false, active: true });
    await admin.clearRequests();
    await project.ok(["preview", "--refresh", "--expect-no-changes"]);
    await project.ok(["up", "--yes", "--refresh", "--expect-no-changes"]);
    expect((await calls()).filter((c) => !c.startsWith("GET"))).toEqual([]);
    expect(emulator.store.data.authapi.find((k) => k.name === "expiring")!.isActive).toBe(true); // the emulator's flag; expiry decides

    // A past date is refused when declared: changing to another past date fails at preview.
    await declare({ e: { api: "authapi", args: { projectId: AUTHAPI_PROJECT, name: "expiring", expiry: "2021-01-01" } } });
    const refused = await project.run(["preview"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toMatch(/'e' has a problem: expiry: is in the past/);

    // Moving the expiry into the future brings the key back.
    const later = new Date(Date.now() + 86_400_000).toISOString();
    await declare({ e: { api: "authapi", args: { projectId: AUTHAPI_PROJECT, name: "expiring", expiry: later } } });
    await project.up();
    expect(await stateOf("e")).toMatchObject({ status: "active", isActive: true });
    expect(emulator.store.data.authapi.find((k) => k.name === "expiring")!.expiresAt).toBe(later);
    await project.expectNoChanges(true);
  });

  test("a set's change is told as members added and removed, not as shifted positions", async () => {
    await declare({ s: { api: "statsig", args: { type: "SERVER", description: "sets", environments: ["alpha", "beta"] } } });
    await project.up();
    await declare({ s: { api: "statsig", args: { type: "SERVER", description: "sets", environments: ["beta", "gamma"] } } });
    const r = await project.ok(["preview"]);
    // The engine still draws the list by position; the provider says what the change is.
    expect(r.stdout).toMatch(/environments is a set: 1 added, 1 removed \(the positions in the diff do not matter\)/);
    await project.up();
    await project.expectNoChanges(true);
  });

  test.each([
    ["statsig", { type: "SERVER", description: "imported" }, "statsig-server-0123456789abcdef"],
    ["basic", { projectId: BASIC_PROJECT, label: "imported", roles: ["read"] }, `${BASIC_PROJECT}/k_1`],
    ["authapi", { projectId: AUTHAPI_PROJECT, name: "imported" }, "authapi-0123456789abcdef"],
  ] as const)("the import resource option on %s fails with what to do instead", async (api, args, id) => {
    await declare({ imported: { api, args, import: id } });
    const r = await project.run(["preview"]);
    expect(r.code).not.toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).not.toMatch(/toJavaScript/);
    expect(out).toMatch(/cannot be imported/);
    expect(out).toMatch(/declare the key without `import`/);
    await declare({});
  });
});
