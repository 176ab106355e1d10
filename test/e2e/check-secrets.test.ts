// A secret input that fails validation is named, never shown: every field that can hold a secret, with
// the secret from pulumi.secret, from config.requireSecret, and from another resource's secret output.
// Every value carries a marker; the marker must appear nowhere in what the CLI prints.
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import type { Emulator } from "../../emulator/server";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { PulumiProject } from "../support/harness";

const M = "SECRETMARK";

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, basic, authapi } = require("pulumi-api-keys");
const s = pulumi.secret;
const cfg = new pulumi.Config();
switch (process.env.CASE) {
  case "statsig":
    new statsig.Key("k", {
      type: s("${M}-type"),
      description: s("${M}-description-" + "d".repeat(1000)),
      scopes: [s("${M}-scope")],
      environments: s([" ${M}-env"]),
      targetApp: s(" ${M}-app"),
      secondaryTargetApps: [s("${M}-second"), s("${M}-second")],
      active: s("${M}-active"),
    });
    break;
  case "basic":
    new basic.ProjectKey("k", { projectId: s("${M}-project"), label: s(" ${M}-label "), roles: [s("${M}-role,x"), s("${M}-role,x")] });
    break;
  case "authapi":
    new authapi.ApiKey("k", {
      projectId: "${AUTHAPI_PROJECT}",
      name: s("${M}-name-" + "n".repeat(255)),
      customAccountId: s(""),
      expiry: s("${M}-expiry"),
      customMetaData: s("${M}-meta"),
      rateLimit: s({ limit: "${M}-limit", ttlSeconds: 60 }),
      customKey: s("${M} customKey"),
    });
    break;
  case "config":
    new authapi.ApiKey("k", { projectId: "${AUTHAPI_PROJECT}", name: "from config", customKey: cfg.requireSecret("partnerKey") });
    break;
  case "output": {
    // Known only once the first key exists: checked during \`up\`, not at preview.
    const server = new statsig.Key("server", { type: "SERVER", description: "source of a secret" });
    new authapi.ApiKey("k", { projectId: "${AUTHAPI_PROJECT}", name: "from an output", customKey: server.key.apply((v) => v + " ${M}") });
    break;
  }
}
`;

describe("a secret input that fails validation", () => {
  jest.setTimeout(600_000);
  let emulator: Emulator;
  let project: PulumiProject;

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("check-secrets", { "index.js": program }, { secrets: { partnerKey: `${M} from config` } });
    ({ emulator, project } = stack);
  });
  afterAll(() => stack?.close());

  const expectNamedNotShown = (out: string, problems: string[]) => {
    expect(out).not.toContain(M);
    expect(out).not.toMatch(/property \S+ value/);
    for (const p of problems) expect(out).toContain(`'k' has a problem: ${p}`);
  };

  test.each([
    [
      "statsig",
      [
        "type: must be one of SERVER",
        "description: must be at most 1000 characters",
        "scopes[0]: must be one of omni_read_only",
        "environments[0]: an environment must not start or end with spaces",
        "targetApp: a target app must not start or end with spaces",
        "secondaryTargetApps[1]: duplicate value (the same as [0])",
        "active: must be true or false",
      ],
    ],
    [
      "basic",
      [
        "projectId: must be a project UUID",
        "label: must not start or end with spaces",
        "roles[0]: must be one permission name",
        "roles[1]: duplicate value (the same as [0])",
      ],
    ],
    [
      "authapi",
      [
        "name: must be at most 255 characters",
        "customAccountId: must not be empty",
        "expiry: must be an ISO 8601 date",
        "customMetaData: must be an object",
        "rateLimit.limit: must be a number",
        "customKey: must not contain spaces",
      ],
    ],
    ["config", ["customKey: must not contain spaces"]],
  ])("pulumi.secret / config: %s fields are named at preview, their values never printed", async (which, problems) => {
    const r = await project.run(["preview"], { env: { CASE: which } });
    expect(r.code).not.toBe(0);
    expectNamedNotShown(r.stdout + r.stderr, problems);
    expect(emulator.log).toHaveLength(0);
  });

  test("another resource's secret output: named during up, neither value printed", async () => {
    const r = await project.run(["up", "--yes", "--skip-preview"], { env: { CASE: "output" } });
    expect(r.code).not.toBe(0);
    const out = r.stdout + r.stderr;
    expectNamedNotShown(out, ["customKey: must not contain spaces"]);
    const server = emulator.store.data.statsig.find((k) => k.description === "source of a secret")!;
    expect(out).not.toContain(server.key);
    await project.ok(["destroy", "--yes", "--skip-preview"], { env: { CASE: "output" } });
  });
});
