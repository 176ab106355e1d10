// The fault matrix, in process: every cell (test/reliability/fault-cells.ts) against the real provider
// objects and the real emulator over HTTP, driven as the engine drives a dynamic provider
// (test/support/provider-engine.ts). Each chain loads its own copy of the provider modules, as each
// `pulumi` run has its own provider process, and runs on an emulator of its own. The engine's own part
// (partial state after a failed step, a refresh, a preview) is proven for every write kind through the
// CLI in fault-matrix-cli.test.ts.
import type { Emulator, FaultKind } from "../../emulator/server";
import type { Api } from "../../provider/registry";
import { emulatorSettings } from "../support/harness";
import { ProviderEngine } from "../support/provider-engine";
import type { EmulatorAdmin } from "../support/emulator-admin";
import { AFTER, API_NAMES, APIS, BEFORE, Cell, chainEmulator, Layer, livesPerFault, matrixTables, runChain, TIMEOUT_MS, verdicts } from "./fault-cells";
import { record, saveResults } from "./record";

// PAK_FAULTS=slow,500-after runs only those (for working on one).
const ONLY = process.env.PAK_FAULTS?.split(",") as FaultKind[] | undefined;
const FAULTS = ONLY ?? [...BEFORE, ...AFTER];

/** The settings a stack would hold: every API at the emulator, the credentials, the short timeout. */
const settings = (url: string): Record<string, string> => {
  const s = emulatorSettings(url);
  return { "pulumi-api-keys:requestTimeoutMs": String(TIMEOUT_MS), ...s.config, ...s.secrets };
};

/** The in-process layer: the provider engine for `up` and `refresh`, the drift core on its state for the report. */
async function inProcessLayer(api: Api, admin: EmulatorAdmin): Promise<Layer> {
  const config = settings(admin.url);
  const engine = new ProviderEngine(() => config, "test", `faults-${api}`);
  const declared = (keys: Record<string, Record<string, unknown>>) => Object.fromEntries(Object.entries(keys).map(([n, args]) => [n, { api, args }]));
  return {
    async run(run, keys) {
      if (run === "drift") {
        const r = await engine.drift();
        return { code: r.errors.length ? 1 : 0, output: r.errors.join("\n") };
      }
      const r = run === "refresh" ? await engine.refresh() : await engine.up(declared(keys));
      return { code: r.code, output: [...engine.notices, r.error ?? ""].join("\n") };
    },
    stateIds: async () => engine.state.flatMap((r) => APIS[api].stateIds(r.outputs)),
    async endOverlaps() {
      for (const r of engine.state) if (r.outputs.previousRetiresAt) r.outputs.previousRetiresAt = new Date(Date.now() - 60_000).toISOString();
    },
    unmanagedIds: async () => (await engine.drift()).unmanaged.map((u) => u.id),
    converged: async (keys) => (await engine.pendingChanges(declared(keys))).length === 0,
    async close() {
      const r = await engine.up({});
      if (r.code) throw new Error(`${api}: the final destroy failed: ${r.error}`);
    },
  };
}

describe("fault matrix in process: the real providers against the emulator", () => {
  jest.setTimeout(30 * 60_000);
  const cells: Cell[] = [];
  const problems: string[] = [];
  const emulators: Emulator[] = [];
  afterAll(async () => {
    for (const e of emulators) await e.stop();
  });

  async function chain(api: Api, faults: FaultKind[]): Promise<void> {
    if (!faults.length) return;
    const { emulator, admin } = await chainEmulator();
    emulators.push(emulator);
    await runChain(api, livesPerFault(api, faults), admin, await inProcessLayer(api, admin), cells, problems);
  }

  test("3 APIs × every write, read and listing × every fault before and after the server acts: no duplicate, no orphan, no lost key", async () => {
    // Two chains per API, each on its own emulator: the faults before acting, and those after.
    await Promise.all(
      API_NAMES.flatMap((a) => [
        chain(
          a,
          FAULTS.filter((f) => BEFORE.includes(f)),
        ),
        chain(
          a,
          FAULTS.filter((f) => AFTER.includes(f)),
        ),
      ]),
    );
    saveResults(ONLY ? "fault-matrix-partial" : "fault-matrix", cells);

    expect(problems).toEqual([]);
    const { unhit, missed } = verdicts(cells);
    expect(unhit).toEqual([]); // every armed fault was actually hit
    expect(missed).toEqual([]); // the target, in every cell: the run succeeds, and leaves no extra live key
    if (ONLY) return;
    // Every cell of the matrix ran: each API's steps × its faults, reads and listings before acting only.
    const expected = API_NAMES.reduce((n, a) => n + livesPerFault(a, FAULTS).reduce((m, l) => m + l.cells.length, 0), 0);
    expect(cells).toHaveLength(expected);
    record("fault-matrix", matrixTables(cells, FAULTS), cells);
  });
});
