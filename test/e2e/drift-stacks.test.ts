// One vendor project shared by two stacks, each managing its own keys: read alone, each stack sees the
// other's keys as unmanaged; read together (--stack twice, or --all-stacks) the report is clean, grouped
// by stack, and costs one listing per vendor scope, not one per stack.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import type { DriftReport } from "../../provider/drift/report";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { PulumiProject, REPO_ROOT } from "../support/harness";

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, basic, authapi } = require("pulumi-api-keys");
const s = pulumi.getStack();
new statsig.Key("server", { type: "SERVER", description: "server " + s });
new basic.ProjectKey("ci", { projectId: "${BASIC_PROJECT}", label: "ci " + s, roles: ["read"] });
new authapi.ApiKey("billing", { projectId: "${AUTHAPI_PROJECT}", name: "billing " + s });
`;

describe("drift across the stacks that share a vendor project", () => {
  jest.setTimeout(600_000);
  let admin: EmulatorAdmin;
  let dev: PulumiProject;
  let prod: PulumiProject;

  const drift = (args: string[]) =>
    new Promise<{ code: number; report: DriftReport; text: string }>((resolve, reject) =>
      execFile(
        "node",
        [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", dev.dir, "--format", "json", ...args],
        { env: dev.env() },
        (err, stdout, stderr) => {
          try {
            resolve({ code: err ? Number(err.code) : 0, report: JSON.parse(stdout), text: stderr });
          } catch {
            reject(new Error(`drift ${args.join(" ")}: ${stdout}${stderr}`));
          }
        },
      ),
    );

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("stacks", { "index.js": program }, { stack: "dev" });
    ({ admin, project: dev } = stack);
    prod = await stack.another("prod");
    for (const p of [dev, prod]) await p.up();
  });
  afterAll(() => stack?.close());

  test("alone, each stack calls the other's keys unmanaged; together they are clean and listed once per scope", async () => {
    // The recommended setup: a baseline of the keys the project held before (the vendor's defaults, keys
    // made by hand), written once from all stacks together.
    const baseline = await drift(["--all-stacks", "--write-ignore"]);
    expect(baseline.code).toBe(0);
    expect(baseline.report.unmanaged.map((u) => u.label).sort()).toEqual([
      "Client API Key",
      "Server Secret Key",
      "backend (made in the console)",
      "support desk (made by hand)",
    ]);
    const notIgnored = (r: DriftReport) => r.unmanaged.filter((u) => !u.ignored);

    const alone = await drift(["--stack", "dev"]);
    expect(alone.code).toBe(2);
    expect(
      notIgnored(alone.report)
        .map((u) => u.label)
        .sort(),
    ).toEqual(["billing prod", "ci prod", "server prod"]);

    for (const args of [["--stack", "dev", "--stack", "prod"], ["--all-stacks"]]) {
      await admin.clearRequests();
      const both = await drift(args);
      expect({ args, code: both.code, unmanaged: notIgnored(both.report) }).toEqual({ args, code: 0, unmanaged: [] });
      expect(both.report.stacks).toEqual(["dev", "prod"]);
      expect(both.report.summary).toMatchObject({ managed: 6, inSync: 6 });
      expect(both.report.resources.map((r) => `${r.stack} ${r.api} ${r.name}`).sort()).toEqual([
        "dev authapi billing",
        "dev basic ci",
        "dev statsig server",
        "prod authapi billing",
        "prod basic ci",
        "prod statsig server",
      ]);
      // One listing per vendor scope, whatever the number of stacks (the Auth API: active and revoked).
      expect(both.report.apiCalls).toEqual({ statsig: 1, basic: 1, authapi: 2 });
      expect((await admin.requests()).filter((r) => r.method === "GET")).toHaveLength(4);
    }

    // Drift in one stack is reported under that stack.
    const live = await admin.state();
    const prodServer = live.statsig.find((k: { description: string }) => k.description === "server prod").key;
    await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(prodServer)}`, { description: "edited by hand" });
    const drifted = await drift(["--all-stacks"]);
    expect(drifted.code).toBe(2);
    expect(drifted.report.resources.filter((r) => r.status === "drifted").map((r) => `${r.stack} ${r.name}`)).toEqual(["prod server"]);
    await prod.up(["--refresh"]);
    expect((await drift(["--all-stacks"])).code).toBe(0);
  });
});
