// The fault matrix through the real Pulumi CLI: for each API and each write kind, one cell with a fault
// before the server acts and one with a fault after it. What these prove beyond the in-process matrix is
// the engine's part: the partial state it records after a failed step, and the `up` and
// `preview --refresh` that follow.
// The faults rotate over the steps, so every kind of fault meets the engine somewhere.
import * as fs from "node:fs";
import type { Emulator, FaultKind } from "../../emulator/server";
import type { Api } from "../../provider/registry";
import { detectDrift } from "../../provider/drift/detect";
import type { EmulatorAdmin } from "../support/emulator-admin";
import { initForEmulator, makeProject, PulumiProject } from "../support/harness";
import { AFTER, API_NAMES, APIS, BEFORE, Cell, chainEmulator, Layer, Life, matrixTables, runChain, TIMEOUT_MS, verdicts } from "./fault-cells";
import { record } from "./record";

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, basic, authapi } = require("pulumi-api-keys");
const cfg = new pulumi.Config();
const Ctor = { statsig: statsig.Key, basic: basic.ProjectKey, authapi: authapi.ApiKey }[cfg.require("api")];
for (const [name, args] of Object.entries(JSON.parse(cfg.require("keys")))) new Ctor(name, args);
`;

/**
 * The engine's cells for one API: a life with a fault before acting at every write, and one with a fault
 * after acting at every write. Reads and listings have the same outcome through the engine as in process
 * (a retried GET); the in-process matrix has all their cells. So do a rotation overlap's create and its
 * retirement: to the engine each is an update of one resource, as a rotation is, and what a lost answer
 * leaves is the provider's own reconciliation, which the in-process matrix proves for every fault.
 */
const engineWrites = (api: Api) => APIS[api].steps.filter((s) => !s.reads && s.op !== "overlap" && s.op !== "retire");

function engineLives(api: Api): Life[] {
  const offset = API_NAMES.indexOf(api);
  const writes = engineWrites(api);
  const pick = (faults: FaultKind[], i: number) => faults[(i + offset) % faults.length]!;
  return [
    { subject: "before subject", cells: writes.map((step, i) => ({ step, fault: pick(BEFORE, i) })) },
    { subject: "after subject", cells: writes.map((step, i) => ({ step, fault: pick(AFTER, i) })) },
  ];
}

/** The CLI layer: a stack of the program above, keys declared in its config, the drift command's core for the report. */
async function cliLayer(api: Api, admin: EmulatorAdmin, projects: PulumiProject[]): Promise<Layer> {
  const project = makeProject(`faults-${api}`, { "index.js": program });
  projects.push(project);
  await initForEmulator(project, admin.url, { config: { api, "pulumi-api-keys:requestTimeoutMs": String(TIMEOUT_MS) } });
  const report = () => detectDrift({ cwd: project.dir, stack: project.stack, env: project.env() });
  return {
    async run(run, keys) {
      await project.ok(["config", "set", "keys", JSON.stringify(keys)]);
      if (run === "drift") {
        const r = await report();
        return { code: r.errors.length ? 1 : 0, output: r.errors.join("\n") };
      }
      const r = await project.run(run === "refresh" ? ["refresh", "--yes", "--skip-preview"] : ["up", "--yes", "--skip-preview"]);
      return { code: r.code, output: r.stdout + r.stderr };
    },
    stateIds: async () => (await project.exportState()).resources.filter((r) => r.type.endsWith(APIS[api].type)).flatMap((r) => APIS[api].stateIds(r.outputs)),
    endOverlaps: () => project.endOverlaps(),
    unmanagedIds: async () => (await report()).unmanaged.map((u) => u.id),
    // The keys are the ones the step's run declared in config.
    converged: async () => (await project.run(["preview", "--refresh", "--expect-no-changes"])).code === 0,
    close: () => project.destroyAndRemove(),
  };
}

describe("fault matrix through the Pulumi CLI: every write kind, a fault before and after acting", () => {
  jest.setTimeout(30 * 60_000);
  const cells: Cell[] = [];
  const problems: string[] = [];
  const emulators: Emulator[] = [];
  const projects: PulumiProject[] = [];
  afterAll(async () => {
    for (const e of emulators) await e.stop();
    for (const p of projects) fs.rmSync(p.dir, { recursive: true, force: true });
  });

  test("3 APIs × every write kind × a fault before and one after acting, then the up that converges: no duplicate, no orphan, no lost key", async () => {
    // One chain per API and life, each on its own emulator and stack.
    await Promise.all(
      API_NAMES.flatMap((api) =>
        engineLives(api).map(async (life) => {
          const { emulator, admin } = await chainEmulator();
          emulators.push(emulator);
          await runChain(api, [life], admin, await cliLayer(api, admin, projects), cells, problems);
        }),
      ),
    );
    expect(problems).toEqual([]);
    const { unhit, missed } = verdicts(cells);
    expect(unhit).toEqual([]);
    expect(missed).toEqual([]);
    // Each write kind of each API met a fault before acting and one after, through the engine.
    for (const api of API_NAMES)
      for (const step of engineWrites(api))
        for (const side of [BEFORE, AFTER])
          expect([api, step.op, cells.some((c) => c.api === api && c.op === step.op && side.includes(c.fault))]).toEqual([api, step.op, true]);
    record("fault-matrix-cli", matrixTables(cells, [...BEFORE, ...AFTER]), cells);
  });
});
