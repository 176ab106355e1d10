// Rotation with an overlap, through the real CLI, for each API. A service holds each key's value and
// keeps using it all through the rotation: it sees no failure. The old value stays live (previousKey),
// the drift report shows whether it is still used, the end of the overlap is written into state (time
// is never waited for), and the next `up` retires it. A destroy during an overlap leaves nothing live.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import type { DriftReport } from "../../provider/drift/report";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { REPO_ROOT, useKey } from "../support/harness";

const program = `
const pulumi = require("@pulumi/pulumi");
const lib = require("pulumi-api-keys");
const ctor = { statsig: lib.statsig.Key, basic: lib.basic.ProjectKey, authapi: lib.authapi.ApiKey };
const out = {};
for (const [name, d] of Object.entries(JSON.parse(new pulumi.Config().require("keys")))) out[name] = new ctor[d.api](name, d.args);
// A consumer in the same program: it reads the current value, as a Kubernetes Secret would.
exports.consumers = Object.fromEntries(Object.entries(out).map(([n, k]) => [n, k.keyFingerprint ?? k.valueFingerprint]));
`;

/** Each API's key, its value output and previous value output. */
const KEYS = {
  s: { api: "statsig", value: "key", previous: "previousKey", args: { type: "SERVER", description: "checkout backend" } },
  b: { api: "basic", value: "value", previous: "previousValue", args: { projectId: BASIC_PROJECT, label: "checkout backend", roles: ["read"] } },
  a: { api: "authapi", value: "key", previous: "previousKey", args: { projectId: AUTHAPI_PROJECT, name: "checkout backend" } },
} as const;
type Name = keyof typeof KEYS;
const NAMES = Object.keys(KEYS) as Name[];

describe("rotation with an overlap, through the CLI", () => {
  jest.setTimeout(900_000);
  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("rotation-overlap", { "index.js": program });
  });
  afterAll(() => stack?.close());

  const declare = (rotation?: string) =>
    stack.declare(
      Object.fromEntries(
        NAMES.map((n) => [n, { api: KEYS[n].api, args: { ...KEYS[n].args, rotateAfter: "90d", rotationOverlap: "7d", ...(rotation ? { rotation } : {}) } }]),
      ),
    );
  /** Each key's outputs, secrets shown (`stack export --show-secrets` keeps them as `{plaintext: "<json>"}`). */
  const outputs = async (): Promise<Record<Name, Record<string, any>>> => {
    const state = await stack.project.exportState(true);
    const shown = (o: Record<string, any>) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v && typeof v === "object" && "plaintext" in v ? JSON.parse(v.plaintext) : v]));
    return Object.fromEntries(NAMES.map((n) => [n, shown(state.resources.find((r) => r.urn.endsWith(`::${n}`))!.outputs)])) as Record<
      Name,
      Record<string, any>
    >;
  };
  const use = (n: Name, value: string) => useKey(stack.admin.url, KEYS[n].api, value);
  const drift = (args: string[]): Promise<{ code: number; stdout: string }> =>
    new Promise((resolve) =>
      execFile(
        "node",
        [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", stack.project.dir, "--stack", stack.project.stack, "--no-unmanaged", ...args],
        { env: stack.project.env() },
        (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
      ),
    );
  test("a service holding the old values sees no failure; they stay live until the overlap ends; up then retires them; destroy mid-overlap leaves nothing", async () => {
    const { project } = stack;
    const liveAtStart = await stack.admin.liveCounts();
    await declare();
    await project.up();
    const before = await outputs();
    const old = Object.fromEntries(NAMES.map((n) => [n, before[n][KEYS[n].value] as string])) as Record<Name, string>;

    // The service: each old value used over and over while `up` rotates.
    let running = true;
    const failures: string[] = [];
    let calls = 0;
    const service = (async () => {
      while (running) {
        for (const n of NAMES) {
          const status = await use(n, old[n]);
          calls++;
          if (status !== 200) failures.push(`${n}: ${status}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      await declare("r1");
      await project.up();
      for (const n of NAMES) expect(await use(n, old[n])).toBe(200); // still live once the up is over
    } finally {
      running = false;
      await service;
    }
    expect({ calls: calls > NAMES.length, failures }).toEqual({ calls: true, failures: [] });

    const rotated = await outputs();
    for (const n of NAMES) {
      expect(rotated[n][KEYS[n].value]).not.toBe(old[n]);
      expect(rotated[n][KEYS[n].previous]).toBe(old[n]);
      expect(Date.parse(rotated[n].previousRetiresAt) - Date.parse(rotated[n].rotatedAt)).toBe(7 * 86_400_000);
      expect(await use(n, rotated[n][KEYS[n].value])).toBe(200);
    }
    // The URN and id stay; the values are secrets in state.
    const plain = (await project.exportState()).raw;
    for (const n of NAMES) expect(plain).not.toContain(old[n]);
    await project.expectNoChanges(true);

    // The drift report: each previous key, used after the rotation where the vendor says so.
    let json = await drift(["--format", "json"]);
    expect(json.code).toBe(0);
    let report: DriftReport = JSON.parse(json.stdout);
    const previous = (n: Name) => report.resources.find((r) => r.name === n)!.previous;
    expect(previous("s")).toMatchObject({ retiresAt: rotated.s.previousRetiresAt, inUse: true, retirementDue: false });
    expect(previous("b")).toMatchObject({ retiresAt: rotated.b.previousRetiresAt, inUse: true, retirementDue: false });
    expect(previous("a")).toEqual({ fingerprint: rotated.a.previousKeyFingerprint, retiresAt: rotated.a.previousRetiresAt, retirementDue: false });
    expect(report.summary).toMatchObject({ unmanaged: 0, previousInUse: 2 });
    expect((await drift(["--fail-on", "previous-in-use"])).code).toBe(2);
    const text = (await drift([])).stdout;
    expect(text).toMatch(/previous-in-use statsig s: previous: \{fingerprint [0-9a-f]{16}, retiresAt \S+, lastUsed \S+\}: STILL IN USE/);
    expect(text).toMatch(/previous authapi a: previous: \{fingerprint [0-9a-f]{16}, retiresAt \S+, lastUsed not reported by the vendor\}/);
    expect((await drift(["--format", "markdown"])).stdout).toMatch(/\*\*Previous keys\*\*/);
    const preview = await project.ok(["preview"]);
    const notes = preview.stdout.split("\n").filter((l) => l.includes("previous key still in use: last used"));
    // Where the vendor reports use (each note names its key's id); The Auth API does not.
    expect([notes.some((l) => l.includes("statsig-server-")), notes.some((l) => l.includes(BASIC_PROJECT)), notes.some((l) => l.includes("authapi-"))]).toEqual(
      [true, true, false],
    );

    // The overlap ends: preview says each previous key retires, and up retires it the vendor's way.
    await project.endOverlaps();
    json = await drift(["--format", "json"]);
    report = JSON.parse(json.stdout);
    for (const n of NAMES) expect(previous(n)).toMatchObject({ retirementDue: true });
    const ending = await project.ok(["preview"]);
    expect(ending.stdout.match(/retires previous key: overlap ended/g)?.length).toBeGreaterThanOrEqual(3);
    await stack.admin.clearRequests();
    await project.up();
    const retirements = (await stack.admin.requests()).filter((r) => !r.service && r.method !== "GET").map((r) => `${r.api} ${r.method} ${r.route}`);
    expect(retirements.sort()).toEqual([
      "authapi DELETE /api-keys/{key}",
      "basic DELETE /project/{id}/key/{key_id}",
      "statsig DELETE /console/v1/keys/{id}",
      "statsig PATCH /console/v1/keys/{id}/deactivate",
    ]);
    const retired = await outputs();
    for (const n of NAMES) {
      expect(await use(n, old[n])).toBe(401);
      expect(await use(n, retired[n][KEYS[n].value])).toBe(200);
      expect(retired[n][KEYS[n].previous]).toBeUndefined();
    }
    await project.expectNoChanges(true);
    report = JSON.parse((await drift(["--format", "json"])).stdout);
    expect(report.resources.filter((r) => r.previous)).toEqual([]);

    // Destroy in the middle of another overlap: both values of every key retired.
    await declare("r2");
    await project.up();
    const mid = await outputs();
    await project.ok(["destroy", "--yes", "--skip-preview"]);
    for (const n of NAMES) {
      expect(await use(n, mid[n][KEYS[n].value])).toBe(401);
      expect(await use(n, mid[n][KEYS[n].previous])).toBe(401);
    }
    expect(await stack.admin.liveCounts()).toEqual(liveAtStart);
    expect(await stack.admin.violations()).toEqual([]);
  });
});
