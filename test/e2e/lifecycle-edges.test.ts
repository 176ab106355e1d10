// Lifecycle edges a team meets in its first weeks that only the engine shows, through the real CLI:
// inputs unknown at preview, and the `import` resource option's refusal reaching the user. The edges
// whose logic is the providers' (a rotation trigger on a deactivated key, an expiry that passes, how a
// set's change is told, each class refusing `import`) run in process in test/unit/lifecycle-edges.test.ts.
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
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
  let project: PulumiProject;

  const declare = (keys: Record<string, Decl>) => stack.declare(keys);
  const ops = async () => {
    const plan = JSON.parse((await project.ok(["preview", "--json"])).stdout);
    return Object.fromEntries(
      (plan.steps ?? []).filter((s: { urn: string }) => s.urn.includes("dynamic")).map((s: { urn: string; op: string }) => [s.urn.split("::").pop(), s.op]),
    );
  };

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("edges", { "index.js": program });
    ({ project } = stack);
  });
  afterAll(() => stack?.close());
  // Each test leaves no key behind: an up with nothing declared, where one is needed (an export costs no program run).
  afterEach(async () => {
    await declare({});
    if ((await project.exportState()).resources.some((r) => String(r.type).startsWith("pulumi-nodejs:dynamic"))) await project.up();
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

  // Each class refuses the option itself, in process (test/unit/lifecycle-edges.test.ts); here, one API shows
  // the refusal reaching the user through the engine, whole (not as a serialization failure).
  test.each([["statsig", { type: "SERVER", description: "imported" }, "statsig-server-0123456789abcdef"]] as const)(
    "the import resource option on %s fails with what to do instead",
    async (api, args, id) => {
      await declare({ imported: { api, args, import: id } });
      const r = await project.run(["preview"]);
      expect(r.code).not.toBe(0);
      const out = r.stdout + r.stderr;
      expect(out).not.toMatch(/toJavaScript/);
      expect(out).toMatch(/cannot be imported/);
      expect(out).toMatch(/declare the key without `import`/);
    },
  );
});
