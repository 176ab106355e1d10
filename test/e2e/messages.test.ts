// What users read when something is wrong: each message says what went wrong, which field, key or
// setting, and what to do, with no stack trace into this package and no placeholder text.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { PulumiProject, REPO_ROOT } from "../support/harness";

const program = `
const pulumi = require("@pulumi/pulumi");
const { declareKeys, statsig, authapi } = require("pulumi-api-keys");
switch (process.env.CASE) {
  case "declared": declareKeys({ file: "keys.yaml" }); break;
  case "statsig": new statsig.Key("k", { type: "SERVER", description: "d" }); break;
  case "authapi": new authapi.ApiKey("k", { projectId: "${AUTHAPI_PROJECT}", name: "n" }); break;
  case "indexed": new statsig.Key("k", { type: "SERVER", description: "d", scopes: ["omni_read_only", "typo"] }); break;
}
`;

const keysYaml = `
vars: { shop: checkout }
keys:
  statsig:
    server: { type: SERVER, description: "\${vars.shop} server", targetApp: "\${vars.shoop}", scopes: [omni_read_only, typo] }
    web: { description: web }
  basic:
    ci: { projectId: not-a-uuid, label: ci, roles: [read] }
`;

describe("messages", () => {
  jest.setTimeout(300_000);
  let project: PulumiProject;
  const run = (args: string[], which: string) => project.run(args, { env: { CASE: which } });

  let stack: EmulatorStack;
  beforeAll(async () => {
    // Credentials the emulator knows of no project for.
    stack = await emulatorStack(
      "messages",
      { "index.js": program, "keys.yaml": keysYaml },
      {
        secrets: {
          "pulumi-api-keys:statsigConsoleApiKey": "console-notAKeyOfAnyProject000000000000",
          "pulumi-api-keys:theauthapiAccessKey": "authapi-not-a-key-000000000000000000",
        },
      },
    );
    ({ project } = stack);
  });
  afterAll(() => stack?.close());

  test("declareKeys lists every problem once, an unresolved var hiding none, with no stack trace", async () => {
    const r = await run(["preview"], "declared");
    expect(r.code).not.toBe(0);
    const out = r.stdout + r.stderr;
    const problems = [
      "keys.yaml: statsig.server.targetApp: refers to ${vars.shoop}, which vars does not define",
      "keys.yaml: statsig.server.scopes[1]: must be one of omni_read_only",
      "keys.yaml: statsig.web.type: is required",
      "keys.yaml: basic.ci.projectId: must be a project UUID",
    ];
    for (const p of problems) expect(out.split(p).length - 1).toBe(1);
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toMatch(/\.(ts|js):\d+/);
    expect(out).not.toMatch(/unhandled exception/);
  });

  test("a refused credential names the setting to fix", async () => {
    const statsig = await run(["up", "--yes", "--skip-preview"], "statsig");
    expect(statsig.code).not.toBe(0);
    expect(statsig.stdout).toMatch(
      // (The first call of a run that creates is the listing of the project's keys: it is the one refused.)
      /\[PAK_UNAUTHORIZED\] creating a Statsig key: statsig GET \/console\/v1\/keys failed with HTTP 401: [^\n]*[^.]\. The API refused the credential: set a valid one in pulumi-api-keys:statsigConsoleApiKey \(or STATSIG_CONSOLE_API_KEY\)/,
    );
    expect(statsig.stdout).not.toMatch(/error occurred: \*/);
    const authapi = await run(["up", "--yes", "--skip-preview"], "authapi");
    expect(authapi.code).not.toBe(0);
    expect(authapi.stdout).toMatch(
      /\[PAK_UNAUTHORIZED\] creating a key in The Auth API: [^\n]*set a valid one in pulumi-api-keys:theauthapiAccessKey \(or THEAUTHAPI_ACCESS_KEY\)/,
    );
    expect(authapi.stdout).not.toMatch(/a The Auth API/);
  });

  test("an indexed field is named without a placeholder value", async () => {
    const r = await run(["preview"], "indexed");
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/'k' has a problem: scopes\[1\]: must be one of omni_read_only/);
    expect(r.stdout).not.toMatch(/<nil>/);
  });

  test("drift on a stack that was never deployed names the project and stack", async () => {
    const fresh = new PulumiProject(project.dir, "never-deployed");
    await fresh.ok(["stack", "init", "never-deployed"]);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "node",
        [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", project.dir, "--stack", "never-deployed"],
        { env: fresh.env() },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(out).toMatch(/^pulumi-api-keys drift: messages\/never-deployed: in sync/);
    expect(out).not.toMatch(/unknown/);
  });
});
