// A valid credential of another project or account never makes managed keys look deleted: refresh,
// the drift command and destroy all stop with an error that names the credential, state keeps every
// key, and nothing is created or deleted. With the right credential back, everything converges.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { EmulatorAdmin } from "../support/emulator-admin";
import { FOREIGN_CREDENTIALS } from "../support/foreign-credentials";
import { makeProject, PulumiProject, REPO_ROOT } from "../support/harness";

// Every case runs in process (test/unit/foreign-credentials.test.ts); this one shows what the engine does
// with those errors: it keeps the state on a failed refresh and destroy, and prints the error.
const CASE = FOREIGN_CREDENTIALS[0]!;
const program = `
const lib = require("pulumi-api-keys");
const ctor = { statsig: lib.statsig.Key, basic: lib.basic.ProjectKey, authapi: lib.authapi.ApiKey };
for (const [name, d] of Object.entries(${JSON.stringify(CASE.keys)})) new ctor[d.api](name, d.args);
`;

describe("a credential of another project or account", () => {
  jest.setTimeout(600_000);
  let emulator: Emulator;
  let admin: EmulatorAdmin;
  let seeded: Record<string, number>;
  let url: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    url = await emulator.start();
    admin = new EmulatorAdmin(url);
    seeded = await admin.liveCounts(); // what the vendor projects held before (defaults, keys made by hand)
  });
  afterAll(async () => {
    await emulator?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const drift = (project: PulumiProject) =>
    new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        "node",
        [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", project.dir, "--stack", project.stack],
        { env: project.env() },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, out: stdout + stderr }),
      ),
    );
  const managedKeys = async (project: PulumiProject) => (await project.exportState()).resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));

  test(`${CASE.label}: refresh, drift and destroy stop and name the credential; state keeps every key`, async () => {
    const c = CASE;
    const project = makeProject("foreign", { "index.js": program });
    dirs.push(project.dir);
    await project.init(
      { "pulumi-api-keys:statsigApiUrl": url, "pulumi-api-keys:basicApiUrl": url, "pulumi-api-keys:theauthapiApiUrl": url },
      { [c.setting]: c.right },
    );
    await project.up();
    const live = JSON.stringify(await admin.liveCounts());

    // The stack now runs with the other credential (an `up` records provider config; it has nothing to do).
    await project.ok(["config", "set", "--secret", c.setting, c.wrong]);
    await project.up();
    const refresh = await project.run(["refresh", "--yes", "--skip-preview"]);
    expect(refresh.code).not.toBe(0);
    expect(refresh.stdout).toContain("[PAK_WRONG_SCOPE]");
    expect(refresh.stdout).toContain(`is not visible with the credential in ${c.setting}`);
    expect(refresh.stdout).not.toMatch(/^\s*-\s+pulumi-nodejs:dynamic\/\S+ \S+ deleted/m);
    expect(await managedKeys(project)).toHaveLength(2);

    const report = await drift(project);
    expect(report.code).toBe(1);
    expect(report.out).toMatch(/ERROR/);
    expect(report.out).toContain(c.setting);
    expect(report.out).not.toMatch(/^\s+deleted/m);

    const destroy = await project.run(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).not.toBe(0);
    expect(destroy.stdout).toContain("[PAK_WRONG_SCOPE]");
    expect(await managedKeys(project)).toHaveLength(2);
    expect(JSON.stringify(await admin.liveCounts())).toBe(live); // nothing created or deleted anywhere

    // The right credential back: nothing drifted, and destroy removes the keys.
    await project.ok(["config", "set", "--secret", c.setting, c.right]);
    await project.up();
    await project.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
    await project.destroyAndRemove();
    expect(await admin.liveCounts()).toEqual(seeded); // the projects are as they were
  });
});
