// The fault matrix: every API × every write it makes (create, PATCH, rotate, deactivate or revoke,
// reactivate, custom key, delete), its reads and its listings × faults before the server acts and after
// it (the write happens; the answer says otherwise or never comes), through the real Pulumi CLI. After
// each cell: the run succeeded, or failed with a clear error; no key the state knows is missing live; a
// live key the state does not know (a duplicate, an orphan) is counted, and shown by the drift report;
// and a later `up` converges (`preview --refresh --expect-no-changes`). Six chains run side by side,
// each API's faults before and after acting, each chain on an emulator of its own.
import * as fs from "node:fs";
import { AUTHAPI_PROJECT, authApiCredentials } from "../../emulator/apis/authapi";
import { BASIC_PROJECT, BASIC_TOKEN } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import type { Emulator, FaultKind } from "../../emulator/server";
import { detectDrift } from "../../provider/drift/detect";
import { fingerprint } from "../../provider/core/redact";
import { EmulatorAdmin } from "../e2e/emulator-client";
import { makeProject, PulumiProject } from "../e2e/harness";
import { record, saveResults, table } from "./record";

type Api = "statsig" | "basic" | "authapi";
type Op = "create" | "read" | "update" | "rotate" | "deactivate" | "customKey" | "revoke" | "reactivate" | "delete" | "list";

// Before the server acts, and after it (the write happens; the answer says otherwise or never comes).
const BEFORE: FaultKind[] = ["429", "429-bare", "500", "reset", "slow", "malformed"];
const AFTER: FaultKind[] = ["500-after", "reset-after", "slow-after", "malformed-after", "missing-fields"];
// PAK_FAULTS=slow,500-after runs only those (for working on one).
const ONLY = process.env.PAK_FAULTS?.split(",") as FaultKind[] | undefined;
const FAULTS = ONLY ?? [...BEFORE, ...AFTER];
const TIMEOUT_MS = 1000; // pulumi-api-keys:requestTimeoutMs for these stacks
const SLOW_MS = 4000; // a slow answer: well past the timeout (undici's timers are coarse, ~1 s)
/** The faults each cell arms: two in a row where a retry is expected, so it must retry more than once. */
const TIMES = (f: FaultKind) => (AFTER.includes(f) || f === "slow" ? 1 : 2);

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, basic, authapi } = require("pulumi-api-keys");
const cfg = new pulumi.Config();
const Ctor = { statsig: statsig.Key, basic: basic.ProjectKey, authapi: authapi.ApiKey }[cfg.require("api")];
for (const [name, args] of Object.entries(JSON.parse(cfg.require("keys")))) new Ctor(name, args);
`;

/** One step of a key's life: what the program then declares (undefined: no key), how it runs, and the call the fault is aimed at. */
interface Step {
  op: Op;
  declare?: (d: string) => Record<string, unknown>;
  run: "up" | "refresh" | "drift";
  method: string;
  route: string;
  /** Reads are not writes: only the faults before acting mean anything for them. */
  reads?: boolean;
}

/** What each API's keys look like, how a key is identified in state and live, and the steps of its life. */
const APIS: Record<
  Api,
  {
    type: string;
    args: (name: string) => Record<string, unknown>;
    stateId: (r: Record<string, any>) => string;
    liveIds: (data: any) => string[];
    /** Keys that exist live (an Auth API key revoked as declared still exists). */
    existing?: (data: any) => string[];
    removeLive: (admin: EmulatorAdmin, id: string, data: any) => Promise<unknown>;
    steps: Step[];
  }
> = {
  statsig: {
    type: "statsig:Key",
    args: (d) => ({ type: "SERVER", description: d, scopes: ["omni_read_only"], environments: ["production"] }),
    stateId: (r) => r.outputs.keyFingerprint,
    liveIds: (data) => data.statsig.map((k: any) => fingerprint(k.key)),
    removeLive: (admin, id, data) => admin.call("DELETE", `/statsig/keys/${encodeURIComponent(data.statsig.find((k: any) => fingerprint(k.key) === id).key)}`),
    steps: [
      { op: "create", declare: (d) => APIS.statsig.args(d), run: "up", method: "POST", route: "/console/v1/keys" },
      { op: "read", declare: (d) => APIS.statsig.args(d), run: "refresh", method: "GET", route: "/console/v1/keys/{id}", reads: true },
      { op: "update", declare: (d) => APIS.statsig.args(`${d} v2`), run: "up", method: "PATCH", route: "/console/v1/keys/{id}" },
      {
        op: "rotate",
        declare: (d) => ({ ...APIS.statsig.args(`${d} v2`), rotation: "r1" }),
        run: "up",
        method: "PATCH",
        route: "/console/v1/keys/{id}/rotate",
      },
      {
        op: "deactivate",
        declare: (d) => ({ ...APIS.statsig.args(`${d} v2`), rotation: "r1", active: false }),
        run: "up",
        method: "PATCH",
        route: "/console/v1/keys/{id}/deactivate",
      },
      {
        op: "list",
        declare: (d) => ({ ...APIS.statsig.args(`${d} v2`), rotation: "r1", active: false }),
        run: "drift",
        method: "GET",
        route: "/console/v1/keys",
        reads: true,
      },
      { op: "delete", run: "up", method: "DELETE", route: "/console/v1/keys/{id}" },
    ],
  },
  basic: {
    type: "basic:ProjectKey",
    args: (d) => ({ projectId: BASIC_PROJECT, label: d, roles: ["read"] }),
    stateId: (r) => r.outputs.keyId,
    liveIds: (data) => data.basic.filter((k: any) => k.projectId === BASIC_PROJECT).map((k: any) => k.id),
    removeLive: (admin, id) => admin.call("DELETE", `/basic/projects/${BASIC_PROJECT}/keys/${id}`),
    steps: [
      { op: "create", declare: (d) => APIS.basic.args(d), run: "up", method: "POST", route: "/project/{id}/key" },
      { op: "read", declare: (d) => APIS.basic.args(d), run: "refresh", method: "GET", route: "/project/{id}/key/{key_id}", reads: true },
      { op: "update", declare: (d) => APIS.basic.args(`${d} v2`), run: "up", method: "PATCH", route: "/project/{id}/key/{key_id}" },
      // Basic rotates by replacement: the new key's create is the call at risk.
      { op: "rotate", declare: (d) => ({ ...APIS.basic.args(`${d} v2`), rotation: "r1" }), run: "up", method: "POST", route: "/project/{id}/key" },
      { op: "list", declare: (d) => ({ ...APIS.basic.args(`${d} v2`), rotation: "r1" }), run: "drift", method: "GET", route: "/project/{id}/key", reads: true },
      { op: "delete", run: "up", method: "DELETE", route: "/project/{id}/key/{key_id}" },
    ],
  },
  authapi: {
    type: "authapi:ApiKey",
    args: (d) => ({ projectId: AUTHAPI_PROJECT, name: d }),
    stateId: (r) => r.outputs.keyFingerprint,
    liveIds: (data) => data.authapi.filter((k: any) => k.isActive).map((k: any) => fingerprint(k.key)),
    existing: (data) => data.authapi.map((k: any) => fingerprint(k.key)),
    removeLive: (admin, id, data) => admin.call("DELETE", `/authapi/keys/${encodeURIComponent(data.authapi.find((k: any) => fingerprint(k.key) === id).key)}`),
    steps: [
      { op: "create", declare: (d) => APIS.authapi.args(d), run: "up", method: "POST", route: "/api-keys" },
      { op: "read", declare: (d) => APIS.authapi.args(d), run: "refresh", method: "GET", route: "/api-keys/{key}", reads: true },
      { op: "update", declare: (d) => APIS.authapi.args(`${d} v2`), run: "up", method: "PATCH", route: "/api-keys/{key}" },
      { op: "rotate", declare: (d) => ({ ...APIS.authapi.args(`${d} v2`), rotation: "r1" }), run: "up", method: "POST", route: "/api-keys/{key}/rotate" },
      {
        op: "customKey",
        declare: (d) => ({ ...APIS.authapi.args(`${d} v2`), customKey: customKeyFor(d) }),
        run: "up",
        method: "PATCH",
        route: "/api-keys/{key}",
      },
      // The Auth API's delete is a revoke: the same call switches a key off.
      {
        op: "revoke",
        declare: (d) => ({ ...APIS.authapi.args(`${d} v2`), customKey: customKeyFor(d), active: false }),
        run: "up",
        method: "DELETE",
        route: "/api-keys/{key}",
      },
      {
        op: "reactivate",
        declare: (d) => ({ ...APIS.authapi.args(`${d} v2`), customKey: customKeyFor(d) }),
        run: "up",
        method: "PATCH",
        route: "/api-keys/{key}/reactivate",
      },
      {
        op: "list",
        declare: (d) => ({ ...APIS.authapi.args(`${d} v2`), customKey: customKeyFor(d) }),
        run: "drift",
        method: "GET",
        route: "/api-keys",
        reads: true,
      },
      { op: "delete", run: "up", method: "DELETE", route: "/api-keys/{key}" },
    ],
  },
};
/** A custom key value per subject (no spaces, like the API wants). */
const customKeyFor = (d: string) => `custom-${d.replace(/[^a-z0-9]+/gi, "-")}-0123456789abcdef`;

interface Cell {
  api: Api;
  op: Op;
  fault: FaultKind;
  outcome: "ok" | "failed";
  code?: string;
  /** Calls to the faulted endpoint during the step, and how many of them got the fault. */
  requests: number;
  faulted: number;
  /** Live keys the state does not know after the step (a duplicate, or an orphan); each needs a person. */
  extra: number;
  /** Keys the state holds that are gone live (lost). */
  lost: number;
  converged: boolean;
  seconds: number;
}

describe("fault matrix through the Pulumi CLI", () => {
  jest.setTimeout(60 * 60_000);
  const cells: Cell[] = [];
  const problems: string[] = [];
  const emulators: Emulator[] = [];
  const projects: PulumiProject[] = [];
  afterAll(async () => {
    for (const e of emulators) await e.stop();
    for (const p of projects) fs.rmSync(p.dir, { recursive: true, force: true });
  });

  /** One API's key through its whole life, once per fault, on an emulator of its own (its faults hit nobody else). */
  async function chain(api: Api, faults: FaultKind[]): Promise<void> {
    if (!faults.length) return;
    const spec = APIS[api];
    const emulator = createEmulator({ port: 0, rateLimits: false });
    emulators.push(emulator);
    const admin = new EmulatorAdmin(await emulator.start());
    const seeded = new Set(spec.liveIds(await admin.state())); // the vendor's own and hand-made keys
    const project = makeProject(`faults-${api}`, { "index.js": program });
    projects.push(project);
    await project.init(
      {
        api,
        "pulumi-api-keys:requestTimeoutMs": String(TIMEOUT_MS),
        "pulumi-api-keys:statsigApiUrl": admin.url,
        "pulumi-api-keys:basicApiUrl": admin.url,
        "pulumi-api-keys:theauthapiApiUrl": admin.url,
      },
      {
        "pulumi-api-keys:statsigConsoleApiKey": STATSIG_CONSOLE_KEY,
        "pulumi-api-keys:basicApiToken": BASIC_TOKEN,
        "pulumi-api-keys:theauthapiAccessKey": authApiCredentials().admin,
      },
    );
    // A neighbour in the same project that no fault is aimed at: the stack is never empty, as in real use.
    const neighbour = spec.args("neighbour");
    const declare = (keys: Record<string, unknown>) => project.ok(["config", "set", "keys", JSON.stringify({ neighbour, ...keys })]);
    await declare({});
    await project.up();
    const stateIds = async () => (await project.exportState()).resources.filter((r) => r.type.endsWith(spec.type)).map(spec.stateId);

    for (const fault of faults) {
      const subject = `${fault} subject`;
      for (const step of spec.steps) {
        if (step.reads && AFTER.includes(fault)) continue; // a read has nothing to apply
        const cell = `${api} ${step.op} ${fault}`;
        const started = Date.now();
        const run = async () => {
          await declare(step.declare ? { subject: step.declare(subject) } : {});
          if (step.run === "drift") {
            const report = await detectDrift({ cwd: project.dir, stack: project.stack, env: project.env() });
            return { code: report.errors.length ? 1 : 0, stdout: report.errors.join("\n"), stderr: "" };
          }
          return project.run(step.run === "refresh" ? ["refresh", "--yes", "--skip-preview"] : ["up", "--yes", "--skip-preview"]);
        };

        await admin.fault({ kind: fault, api, method: step.method, route: step.route, times: TIMES(fault), delayMs: SLOW_MS, retryAfterSeconds: 1 });
        const first = await run();
        await admin.clearFaults();
        await admin.settled(); // a slow request may still land after the client gave up on it
        const log = (await admin.requests()).filter((r) => r.at >= started && r.method === step.method && r.route === step.route);
        const code = /\[(PAK_[A-Z_]+)\]/.exec(first.stdout + first.stderr)?.[1];

        // Agreement: nothing the state knows is missing, and nothing live is unknown to it.
        const data = await admin.state();
        const inState = new Set(await stateIds());
        const live = new Set(spec.liveIds(data));
        const existing = new Set((spec.existing ?? spec.liveIds)(data));
        const lost = [...inState].filter((id) => !existing.has(id));
        const extra = [...live].filter((id) => !inState.has(id) && !seeded.has(id));
        if (extra.length) {
          // Not the target (0), but never silent: the drift report must show each one.
          const report = await detectDrift({ cwd: project.dir, stack: project.stack, env: project.env() });
          const shown = new Set(report.unmanaged.map((u) => u.id));
          const hidden = extra.filter((id) => !shown.has(id));
          if (hidden.length) problems.push(`${cell}: ${hidden.length} extra key(s) not shown by the drift report`);
          for (const id of extra) await spec.removeLive(admin, id, data); // the person's step, so the chain goes on
        }
        // A failed run is followed by the same run again; then the engine must see nothing left to do.
        const rerun = first.code !== 0 ? await run() : undefined;
        const converged = (await project.run(["preview", "--refresh", "--expect-no-changes"])).code === 0;
        cells.push({
          api,
          op: step.op,
          fault,
          outcome: first.code === 0 ? "ok" : "failed",
          code: first.code === 0 ? undefined : (code ?? "error"),
          requests: log.length,
          faulted: log.filter((r) => r.fault).length,
          extra: extra.length,
          lost: lost.length,
          converged,
          seconds: (Date.now() - started) / 1000,
        });
        // Recorded, not thrown: the whole matrix runs, and the end lists every cell that missed.
        if (rerun?.code) problems.push(`${cell}: the run again failed too: ${rerun.stdout.slice(-800)}`);
        if (lost.length) problems.push(`${cell}: ${lost.length} key(s) lost`);
        if (!converged) problems.push(`${cell}: a later preview --refresh still had changes`);
        if (first.code !== 0 && (first.stdout + first.stderr).includes(STATSIG_CONSOLE_KEY)) problems.push(`${cell}: the error shows a credential`);
        if (first.code !== 0) problems.push(`${cell}: failed with ${code ?? "no code"}: ${(first.stdout + first.stderr).slice(-600)}`);
        // A Basic key found after its create's answer was lost has no readable value: replaced, and the run says so.
        if (api === "basic" && step.method === "POST" && AFTER.includes(fault) && !/Basic never shows a key's value again/.test(first.stdout))
          problems.push(`${cell}: no warning that the key was replaced`);
      }
    }
    await project.destroyAndRemove();
    for (const v of await admin.violations()) problems.push(`${api}: emulator saw a request or answer outside the OpenAPI file: ${v}`);
  }

  test("3 APIs × every write, read and listing × faults before and after the server acts: no duplicate, no orphan, no lost key", async () => {
    // Two chains per API, each on its own emulator: the faults before acting, and those after.
    const apis: Api[] = ["statsig", "basic", "authapi"];
    await Promise.all(
      apis.flatMap((a) => [
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
    // Every armed fault was actually hit.
    expect(cells.filter((c) => c.faulted === 0).map((c) => `${c.api} ${c.op} ${c.fault}`)).toEqual([]);
    // The target, in every cell: the run succeeds, and leaves no extra live key for a person to find.
    expect(cells.filter((c) => c.outcome !== "ok" || c.extra > 0).map((c) => `${c.api} ${c.op} ${c.fault}: ${c.code ?? "ok"}, ${c.extra} extra`)).toEqual([]);

    if (ONLY) return; // a partial run does not replace the recorded table
    // A dash: a read has nothing to apply, so the faults after acting do not apply to it.
    const show = (c: Cell | undefined) => (!c ? "–" : `${c.outcome === "ok" ? "ok" : c.code}, ${c.extra} extra, ${c.lost} lost (${c.requests} req)`);
    const tables = apis.map((a) => {
      const ops = APIS[a].steps.map((st) => st.op);
      const rows = FAULTS.map((f) => [f, ...ops.map((o) => show(cells.find((c) => c.api === a && c.op === o && c.fault === f)))]);
      return `**${a}**\n\n` + table(["fault", ...ops.map((o) => (o === "read" ? "read (refresh)" : o === "list" ? "list (drift)" : o))], rows);
    });
    const slowest = cells.reduce((m, c) => (c.seconds > m.seconds ? c : m));
    const humanSteps = cells.filter((c) => c.extra > 0 || c.outcome !== "ok").length;
    record(
      "fault-matrix",
      tables.join("\n\n") +
        `\n\n${cells.length} cells; duplicates or orphans left live: ${cells.reduce((n, c) => n + c.extra, 0)}; keys lost: ${cells.reduce((n, c) => n + c.lost, 0)}; ` +
        `cells needing a person: ${humanSteps}; converged: ${cells.filter((c) => c.converged).length}/${cells.length}; ` +
        `slowest cell ${slowest.seconds.toFixed(1)} s (${slowest.api} ${slowest.op} ${slowest.fault}).`,
      cells,
    );
  });
});
