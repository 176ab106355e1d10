import { resolveKeys } from "../../provider/declarative/schema";

const doc = {
  vars: { shop: "checkout", project: "6f1c2a7e-3b9d-4c5e-8a1f-0d2e3c4b5a69" },
  keys: {
    statsig: {
      server: { type: "SERVER", description: "for ${vars.shop}", targetApp: "${vars.shop}", environments: ["production"] },
      web: { type: "CLIENT", description: "web", targetApp: "${vars.shop}" },
    },
    basic: { ci: { projectId: "${vars.project}", label: "ci", roles: ["read"] } },
    authapi: { partner: { projectId: "proj_1", name: "partner", customKey: { secretConfig: "partnerKey" } } },
  },
  stacks: { dev: { statsig: { server: { environments: ["development"] } } } },
};

describe("declarative keys", () => {
  test("vars are shared between keys; per-stack overrides merge over the base", () => {
    const prod = resolveKeys(doc, "keys.yaml", "prod");
    const dev = resolveKeys(doc, "keys.yaml", "dev");
    const server = (ks: typeof prod) => ks.find((k) => k.name === "server")!.args;
    expect(server(prod)).toMatchObject({ description: "for checkout", targetApp: "checkout", environments: ["production"] });
    expect(server(dev).environments).toEqual(["development"]);
    expect(prod.find((k) => k.name === "web")!.args.targetApp).toBe("checkout");
    expect(prod.find((k) => k.api === "basic")!.args.projectId).toBe(doc.vars.project);
    expect(prod.find((k) => k.api === "authapi")!.args.customKey).toEqual({ secretConfig: "partnerKey" });
    expect(prod).toHaveLength(4);
  });

  test("every problem is listed, naming the source, the key and the field", () => {
    const bad = {
      keys: {
        statsig: {
          server: { type: "SERVER", description: "x", scopes: ["nope"] },
          web: { description: "no type", targetApp: "${vars.missing}" },
          // An unresolved var does not hide another problem in the same key.
          api: { type: "SERVER", description: "${vars.alsoMissing} key", scopes: ["omni_read_only", "typo"] },
        },
        basic: { ci: { projectId: "not-a-uuid", label: "ci", roles: ["read"] } },
      },
      stacks: { dev: { authapi: { ghost: { name: "x" } } } },
    };
    let message = "";
    try {
      resolveKeys(bad, "keys.yaml", "dev");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("keys.yaml: statsig.server.scopes[0]: must be one of");
    expect(message).toContain("keys.yaml: statsig.web.targetApp: refers to ${vars.missing}, which vars does not define");
    expect(message).toContain("keys.yaml: basic.ci.projectId: must be a project UUID");
    expect(message).toContain("keys.yaml: stacks.dev.authapi.ghost: overrides a key that keys.authapi does not declare");
    expect(message).toContain("keys.yaml: statsig.web.type: is required");
    expect(message).toContain("keys.yaml: statsig.api.description: refers to ${vars.alsoMissing}, which vars does not define");
    expect(message).toContain("keys.yaml: statsig.api.scopes[1]: must be one of");
    // Each problem once; the unresolved field is not also reported as missing.
    const lines = message
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("keys.yaml: ") && !l.endsWith("invalid keys:"));
    expect(new Set(lines).size).toBe(lines.length);
    expect(message).not.toMatch(/statsig\.(web\.targetApp|api\.description): is required/);
    expect(lines).toHaveLength(7);
  });

  test("the document's own shape is checked", () => {
    expect(() => resolveKeys({ keys: { stripe: {} } }, "k.yaml", "s")).toThrow(/k\.yaml: keys\.stripe: unknown input/);
    expect(() => resolveKeys({ keys: { statsig: { "bad name!": {} } } }, "k.yaml", "s")).toThrow(/key names use letters/);
    expect(() => resolveKeys(null, "k.yaml", "s")).toThrow(/keys: is required/);
  });
});

describe("rotateAfter in declared keys", () => {
  const { resolveKeys } = require("../../provider/declarative/schema") as typeof import("../../provider/declarative/schema");
  test("a default applies to every key that sets none; a key's own wins; a custom Auth API value takes none", () => {
    const keys = resolveKeys(
      {
        defaults: { rotateAfter: "90d" },
        keys: {
          statsig: { a: { type: "SERVER", description: "a" }, b: { type: "SERVER", description: "b", rotateAfter: "12w" } },
          authapi: { c: { projectId: "p", name: "c", customKey: "custom-value-1" } },
        },
      },
      "keys.yaml",
      "dev",
    );
    expect(Object.fromEntries(keys.map((k) => [k.name, k.args.rotateAfter]))).toEqual({ a: "90d", b: "12w", c: undefined });
  });
  test("rotationOverlap as a default: every key gets it but a custom Auth API value; a default as long as the policy is refused on the key", () => {
    const keys = resolveKeys(
      {
        defaults: { rotateAfter: "90d", rotationOverlap: "7d" },
        keys: {
          statsig: { a: { type: "SERVER", description: "a" } },
          basic: { b: { projectId: "3f0e6a52-8c1d-4b7e-9a2f-5d4c3b2a1f00", label: "b", roles: ["read"] } },
          authapi: { c: { projectId: "p", name: "c", customKey: "custom-value-1" } },
        },
      },
      "keys.yaml",
      "dev",
    );
    expect(Object.fromEntries(keys.map((k) => [k.name, k.args.rotationOverlap]))).toEqual({ a: "7d", b: "7d", c: undefined });
    expect(() =>
      resolveKeys(
        { defaults: { rotateAfter: "7d", rotationOverlap: "1w" }, keys: { statsig: { a: { type: "SERVER", description: "a" } } } },
        "keys.yaml",
        "dev",
      ),
    ).toThrow(/rotationOverlap: must be shorter than rotateAfter \(7d\)/);
  });
  test("a bad policy is named, in defaults and on a key", () => {
    expect(() => resolveKeys({ defaults: { rotateAfter: "90 days" }, keys: {} }, "keys.yaml", "dev")).toThrow(/defaults\.rotateAfter: must be a duration/);
    expect(() =>
      resolveKeys(
        { keys: { basic: { k: { projectId: "6f1c2a7e-3b9d-4c5e-8a1f-0d2e3c4b5a69", label: "k", roles: ["r"], rotateAfter: "3m" } } } },
        "keys.yaml",
        "dev",
      ),
    ).toThrow(/basic\.k\.rotateAfter: must be a duration/);
  });
});
