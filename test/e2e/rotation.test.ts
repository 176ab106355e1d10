// Rotation on a schedule, through the real CLI: `rotateAfter` on each API, a key's age backdated in its
// state (the way a key ages: its recorded rotatedAt), then preview says "rotation due", `up` rotates
// (Statsig and The Auth API in place, Basic by a new key replacing the old), and the drift report
// lists the key as rotation-due until then. No test sleeps, and no clock is set: only state is edited.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import type { Emulator } from "../../emulator/server";
import type { DriftReport } from "../../provider/drift/report";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { PulumiProject, REPO_ROOT } from "../support/harness";

const program = `
const pulumi = require("@pulumi/pulumi");
const lib = require("pulumi-api-keys");
const ctor = { statsig: lib.statsig.Key, basic: lib.basic.ProjectKey, authapi: lib.authapi.ApiKey };
for (const [name, d] of Object.entries(JSON.parse(new pulumi.Config().require("keys")))) new ctor[d.api](name, d.args);
`;

const DAY = 86_400_000;

describe("rotation on a schedule", () => {
  jest.setTimeout(600_000);
  let emulator: Emulator;
  let admin: EmulatorAdmin;
  let project: PulumiProject;

  const keys = () => ({
    s: { api: "statsig", args: { type: "SERVER", description: "scheduled", rotateAfter: "90d" } },
    b: { api: "basic", args: { projectId: BASIC_PROJECT, label: "scheduled", roles: ["read"], rotateAfter: "90d" } },
    a: { api: "authapi", args: { projectId: AUTHAPI_PROJECT, name: "scheduled", rotateAfter: "90d" } },
    young: { api: "statsig", args: { type: "CLIENT", description: "young" } },
  });
  const declare = (k: Record<string, unknown>) => stack.declare(k);
  const stateOf = async (name: string) => (await project.exportState()).resources.find((r) => r.urn.endsWith(`::${name}`))!;
  const drift = (args: string[]): Promise<{ code: number; stdout: string }> =>
    new Promise((resolve) =>
      execFile(
        "node",
        [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", project.dir, "--stack", project.stack, "--no-unmanaged", ...args],
        { env: project.env() },
        (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
      ),
    );
  /** Ages keys by editing their recorded rotatedAt, as if it had been written `days` ago. */
  const backdate = (days: Record<string, number>): Promise<void> =>
    project.editState((resources) => {
      for (const r of resources) {
        const name = String(r.urn).split("::").pop()!;
        if (days[name] !== undefined) r.outputs.rotatedAt = new Date(Date.now() - days[name] * DAY).toISOString();
      }
    });
  const ops = async () => {
    const plan = JSON.parse((await project.ok(["preview", "--json"])).stdout);
    return Object.fromEntries(
      (plan.steps ?? []).filter((s: { urn: string }) => s.urn.includes("dynamic")).map((s: { urn: string; op: string }) => [s.urn.split("::").pop(), s.op]),
    );
  };

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("rotation", { "index.js": program });
    ({ emulator, admin, project } = stack);
  });
  afterAll(() => stack?.close());

  test("not due: no change; due: preview says so, up rotates each API its way, drift reports rotation-due until then", async () => {
    await declare(keys());
    await project.up();
    for (const n of ["s", "b", "a", "young"]) expect(Date.now() - Date.parse((await stateOf(n)).outputs.rotatedAt)).toBeLessThan(600_000);
    await project.expectNoChanges(true);
    let report: DriftReport = JSON.parse((await drift(["--format", "json"])).stdout);
    expect(report.summary.rotationDue).toBe(0);
    expect(report.resources.map((r) => [r.name, r.ageDays, r.rotationDue ?? null]).sort()).toEqual([
      ["a", 0, false],
      ["b", 0, false],
      ["s", 0, false],
      ["young", 0, null],
    ]);

    const before = { s: await stateOf("s"), b: await stateOf("b"), a: await stateOf("a") };
    await backdate({ s: 92, b: 92, a: 92, young: 92 });

    // The drift report: each scheduled key past its policy, in every format; exit 2 unless left out.
    const json = await drift(["--format", "json"]);
    expect(json.code).toBe(2);
    report = JSON.parse(json.stdout);
    expect(report.summary.rotationDue).toBe(3);
    expect(report.resources.find((r) => r.name === "s")).toMatchObject({ ageDays: 92, rotateAfter: "90d", rotationDue: true, status: "in-sync" });
    expect(report.resources.find((r) => r.name === "young")).toMatchObject({ ageDays: 92 });
    expect((await drift([])).stdout).toMatch(/rotation-due statsig s: 92 days old, policy 90d \(due: pulumi up rotates it\)/);
    expect((await drift(["--format", "markdown"])).stdout).toMatch(/\*\*Rotation due\*\*[\s\S]*basic b: 92 days old, policy 90d/);
    expect((await drift(["--fail-on", "drifted,deleted,unmanaged"])).code).toBe(0);
    expect((await drift(["--fail-on", "rotation-due"])).code).toBe(2);

    // Preview: due keys, each the way its API rotates; the key with no policy is left alone.
    const preview = await project.ok(["preview"]);
    expect(preview.stdout.match(/rotation due: 92 days old, policy 90d/g)?.length).toBeGreaterThanOrEqual(3);
    const planned = await ops();
    expect(planned).toMatchObject({ s: "update", a: "update", b: "replace" });
    expect(planned.young ?? "same").toBe("same");

    await admin.clearRequests();
    await project.up();
    const s = await stateOf("s");
    const a = await stateOf("a");
    const b = await stateOf("b");
    // Statsig and The Auth API: the same resource, a new value.
    expect(s.id).toBe(before.s.id);
    expect(s.outputs.keyFingerprint).not.toBe(before.s.outputs.keyFingerprint);
    expect(a.id).toBe(before.a.id);
    expect(a.outputs.keyFingerprint).not.toBe(before.a.outputs.keyFingerprint);
    // Basic: a new key created before the old one is deleted.
    expect(b.outputs.keyId).not.toBe(before.b.outputs.keyId);
    const writes = (await admin.requests()).filter((r) => r.method !== "GET" && r.api === "basic").map((r) => r.method);
    expect(writes).toEqual(["POST", "DELETE"]);
    expect(emulator.store.data.basic.some((k) => k.id === before.b.outputs.keyId)).toBe(false);
    for (const x of [s, a, b]) expect(Date.now() - Date.parse(x.outputs.rotatedAt)).toBeLessThan(600_000);
    await project.expectNoChanges(true);
    expect((await drift([])).code).toBe(0);
  });
  // A policy added to a young key, a policy the key is already past, and a policy that is not a duration:
  // the providers' logic, in process (test/unit/lifecycle.test.ts, test/support/bad-input-cases.ts).
});
