// The same program and the same steps with no parallelism, the engine's default (4 × CPUs) and a much
// higher one (1000): the keys each emulator ends up with and each stack's state must be the same.
import * as fs from "node:fs";
import * as os from "node:os";
import { AUTHAPI_PROJECT } from "../../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../../emulator/apis/basic";
import type { Emulator } from "../../../emulator/server";
import { EmulatorAdmin } from "../../support/emulator-admin";
import { emulatorStack } from "../../support/emulator-stack";
import { PulumiProject } from "../../support/harness";
import { record, table } from "../record";

const PER_API = 20;
const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, basic, authapi } = require("pulumi-api-keys");
const v = new pulumi.Config().require("version");
for (let i = 0; i < ${PER_API}; i++) {
  const changed = i % 2 === 0 && v === "2"; // the second version changes every other key
  new statsig.Key("s" + i, { type: i % 3 ? "SERVER" : "CLIENT", description: (changed ? "v2 " : "") + "statsig " + i, environments: changed ? ["production", "staging"] : ["production"], active: !(changed && i % 4 === 0) });
  new basic.ProjectKey("b" + i, { projectId: "${BASIC_PROJECT}", label: (changed ? "v2 " : "") + "basic " + i, roles: changed ? ["read", "write"] : ["read"] });
  new authapi.ApiKey("a" + i, { projectId: "${AUTHAPI_PROJECT}", name: (changed ? "v2 " : "") + "authapi " + i, customMetaData: changed ? { tier: "gold" } : undefined, active: !(changed && i % 4 === 0) });
}
`;

// What a key is, without what differs run to run (values, ids, fingerprints, timestamps).
const SKIP = new Set(["key", "keyFingerprint", "value", "valueFingerprint", "keyId", "createdAt", "rotatedAt", "__provider"]);
const strip = (o: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(o ?? {})
      .filter(([k]) => !SKIP.has(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
const sortedSet = (x: unknown) => (Array.isArray(x) ? [...x].sort() : x);

function liveShape(d: any) {
  return {
    statsig: d.statsig.map((k: any) => [k.type, k.description, sortedSet(k.environments), k.status].join("|")).sort(),
    basic: d.basic.map((k: any) => [k.label, k.roles.split(",").sort().join(",")].join("|")).sort(),
    authapi: d.authapi.map((k: any) => [k.name, k.isActive, JSON.stringify(k.customMetaData)].join("|")).sort(),
  };
}

async function stateShape(p: PulumiProject) {
  const { resources } = await p.exportState();
  return Object.fromEntries(
    resources
      .filter((r) => r.custom && r.type.startsWith("pulumi-nodejs:dynamic/"))
      .map((r) => [r.urn.split("::").pop(), { inputs: strip(r.inputs), outputs: strip(r.outputs) }])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

describe("concurrency", () => {
  jest.setTimeout(30 * 60_000);
  const runs: Array<{ label: string; parallel?: number; emulator: Emulator; admin: EmulatorAdmin; project: PulumiProject; seconds: number[] }> = [];

  beforeAll(async () => {
    for (const [label, parallel] of [
      ["1 (serial)", 1],
      [`default (${os.cpus().length * 4})`, undefined],
      ["1000", 1000],
    ] as const) {
      const stack = await emulatorStack(
        `parallel-${parallel ?? "default"}`,
        { "index.js": program },
        { emulator: { rateLimits: true }, config: { version: "1" } },
      );
      const { emulator, project } = stack;
      const admin = await stack.admin.remember();
      runs.push({ label, parallel, emulator, admin, project, seconds: [] });
    }
  });
  afterAll(async () => {
    for (const r of runs) {
      await r.emulator.stop();
      fs.rmSync(r.project.dir, { recursive: true, force: true });
    }
  });

  test(`${PER_API * 3} keys: create, change half, refresh, destroy — the same end state at every parallelism`, async () => {
    const steps: Array<[string, (p: PulumiProject, par: string[]) => Promise<unknown>]> = [
      ["create", (p, par) => p.up(par)],
      ["change half", async (p, par) => (await p.ok(["config", "set", "version", "2"]), p.up(par))],
      ["refresh", (p, par) => p.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes", ...par])],
    ];
    for (const [, step] of steps) {
      // One parallelism at a time, so each gets the machine to itself.
      for (const r of runs) {
        const started = Date.now();
        await step(r.project, r.parallel ? ["--parallel", String(r.parallel)] : []);
        r.seconds.push((Date.now() - started) / 1000);
      }
      const live = await Promise.all(runs.map(async (r) => liveShape(await r.admin.state())));
      const states = await Promise.all(runs.map((r) => stateShape(r.project)));
      for (let i = 1; i < runs.length; i++) {
        expect(live[i]).toEqual(live[0]);
        expect(states[i]).toEqual(states[0]);
      }
      expect(Object.keys(states[0]!)).toHaveLength(PER_API * 3);
    }
    for (const r of runs) {
      await r.project.expectNoChanges(true);
      const started = Date.now();
      await r.project.ok(["destroy", "--yes", "--skip-preview", ...(r.parallel ? ["--parallel", String(r.parallel)] : [])]);
      r.seconds.push((Date.now() - started) / 1000);
      const d = await r.admin.made();
      expect([d.statsig.length, d.basic.length, d.authapi.filter((k: any) => k.isActive).length]).toEqual([0, 0, 0]);
      expect(await r.admin.violations()).toEqual([]);
      expect((await r.admin.requests()).filter((q) => q.status === 429)).toHaveLength(0);
    }

    record(
      "concurrency",
      table(
        ["--parallel", "create 60", "change 30", "refresh 60", "destroy 60", "same live keys and state as serial"],
        runs.map((r) => [r.label, ...r.seconds.map((s) => `${s.toFixed(1)} s`), "yes"]),
      ),
      runs.map((r) => ({ label: r.label, parallel: r.parallel ?? null, seconds: r.seconds })),
    );
  });
});
