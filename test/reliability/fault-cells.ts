// The fault matrix's cells, shared by its two layers: in process (every cell, against the real provider
// objects and the emulator over HTTP) and through the Pulumi CLI (a fault before and one after acting
// for every write kind, where the engine's own part, partial state after a failed step, is proven).
// Each cell: every API × every write it makes (create, PATCH, rotate, deactivate or revoke, reactivate,
// custom key, delete), its reads and its listings × a fault before the server acts or after it (the
// write happens; the answer says otherwise or never comes). After each cell: the run succeeded, or
// failed with a clear error; no key the state knows is missing live; a live key the state does not know
// (a duplicate, an orphan) is counted, and shown by the drift report; and a later `up` converges.
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import type { Emulator, FaultKind } from "../../emulator/server";
import { fingerprint } from "../../provider/core/redact";
import type { Api } from "../../provider/registry";
import { EmulatorAdmin } from "../support/emulator-admin";
import { table } from "./record";

export type Op = "create" | "read" | "update" | "rotate" | "overlap" | "retire" | "deactivate" | "customKey" | "revoke" | "reactivate" | "delete" | "list";

// Before the server acts, and after it (the write happens; the answer says otherwise or never comes).
export const BEFORE: FaultKind[] = ["429", "429-bare", "500", "reset", "slow", "malformed"];
export const AFTER: FaultKind[] = ["500-after", "reset-after", "slow-after", "malformed-after", "missing-fields"];
export const TIMEOUT_MS = 1000; // pulumi-api-keys:requestTimeoutMs for these stacks
const SLOW_MS = 4000; // a slow answer: well past the timeout (undici's timers are coarse, ~1 s)
/** The faults each cell arms: two in a row where a retry is expected, so it must retry more than once. */
const TIMES = (f: FaultKind) => (AFTER.includes(f) || f === "slow" ? 1 : 2);

/** One step of a key's life: what the program then declares (undefined: no key), how it runs, and the call the fault is aimed at. */
export interface Step {
  op: Op;
  declare?: (d: string) => Record<string, unknown>;
  run: "up" | "refresh" | "drift";
  method: string;
  route: string;
  /** Reads are not writes: only the faults before acting mean anything for them. */
  reads?: boolean;
  /** Before the run, the overlap of a previous key ends (its end written into state, as time would bring it). */
  endOverlap?: boolean;
}

export interface ApiCells {
  type: string;
  args: (name: string) => Record<string, unknown>;
  /** The ids of the keys a resource's state holds: its key, and the previous key an overlap keeps. */
  stateIds: (outputs: Record<string, any>) => string[];
  liveIds: (data: any) => string[];
  /** Keys that exist live (an Auth API key revoked as declared still exists). */
  existing?: (data: any) => string[];
  removeLive: (admin: EmulatorAdmin, id: string, data: any) => Promise<unknown>;
  steps: Step[];
}

/** A custom key value per subject (no spaces, like the API wants). */
const customKeyFor = (d: string) => `custom-${d.replace(/[^a-z0-9]+/gi, "-")}-0123456789abcdef`;

/** A second rotation, with an overlap: a new key made, the old one kept until it retires. */
const overlapping = (args: Record<string, unknown>) => ({ ...args, rotation: "r2", rotationOverlap: "7d" });
const ids = (...xs: unknown[]) => xs.filter((x): x is string => typeof x === "string" && x !== "");

const statsigArgs = (d: string) => ({ type: "SERVER", description: d, scopes: ["omni_read_only"], environments: ["production"] });
const basicArgs = (d: string) => ({ projectId: BASIC_PROJECT, label: d, roles: ["read"] });
const authapiArgs = (d: string) => ({ projectId: AUTHAPI_PROJECT, name: d });

/** The value of the live key with this fingerprint (Statsig and The Auth API address a key by its value). */
const valueOf = (keys: Array<{ key: string }>, id: string): string => keys.find((k) => fingerprint(k.key) === id)!.key;

/** What each API's keys look like, how a key is identified in state and live, and the steps of its life. */
export const APIS: Record<Api, ApiCells> = {
  statsig: {
    type: "statsig:Key",
    args: statsigArgs,
    stateIds: (o) => ids(o.keyFingerprint, o.previousKeyFingerprint),
    liveIds: (data) => data.statsig.map((k: any) => fingerprint(k.key)),
    removeLive: (admin, id, data) => admin.call("DELETE", `/statsig/keys/${encodeURIComponent(valueOf(data.statsig, id))}`),
    steps: [
      { op: "create", declare: statsigArgs, run: "up", method: "POST", route: "/console/v1/keys" },
      { op: "read", declare: statsigArgs, run: "refresh", method: "GET", route: "/console/v1/keys/{id}", reads: true },
      { op: "update", declare: (d) => statsigArgs(`${d} v2`), run: "up", method: "PATCH", route: "/console/v1/keys/{id}" },
      { op: "rotate", declare: (d) => ({ ...statsigArgs(`${d} v2`), rotation: "r1" }), run: "up", method: "PATCH", route: "/console/v1/keys/{id}/rotate" },
      { op: "overlap", declare: (d) => overlapping(statsigArgs(`${d} v2`)), run: "up", method: "POST", route: "/console/v1/keys" },
      // Statsig retires a key by deactivating then deleting it: the delete is the call at risk.
      { op: "retire", declare: (d) => overlapping(statsigArgs(`${d} v2`)), endOverlap: true, run: "up", method: "DELETE", route: "/console/v1/keys/{id}" },
      {
        op: "deactivate",
        declare: (d) => ({ ...overlapping(statsigArgs(`${d} v2`)), active: false }),
        run: "up",
        method: "PATCH",
        route: "/console/v1/keys/{id}/deactivate",
      },
      {
        op: "list",
        declare: (d) => ({ ...overlapping(statsigArgs(`${d} v2`)), active: false }),
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
    args: basicArgs,
    stateIds: (o) => ids(o.keyId, o.previousKeyId),
    liveIds: (data) => data.basic.filter((k: any) => k.projectId === BASIC_PROJECT).map((k: any) => k.id),
    removeLive: (admin, id) => admin.call("DELETE", `/basic/projects/${BASIC_PROJECT}/keys/${id}`),
    steps: [
      { op: "create", declare: basicArgs, run: "up", method: "POST", route: "/project/{id}/key" },
      { op: "read", declare: basicArgs, run: "refresh", method: "GET", route: "/project/{id}/key/{key_id}", reads: true },
      { op: "update", declare: (d) => basicArgs(`${d} v2`), run: "up", method: "PATCH", route: "/project/{id}/key/{key_id}" },
      // Basic rotates by replacement: the new key's create is the call at risk.
      { op: "rotate", declare: (d) => ({ ...basicArgs(`${d} v2`), rotation: "r1" }), run: "up", method: "POST", route: "/project/{id}/key" },
      // With an overlap, the same resource makes a new key and keeps the old one; retiring it deletes it.
      { op: "overlap", declare: (d) => overlapping(basicArgs(`${d} v2`)), run: "up", method: "POST", route: "/project/{id}/key" },
      { op: "retire", declare: (d) => overlapping(basicArgs(`${d} v2`)), endOverlap: true, run: "up", method: "DELETE", route: "/project/{id}/key/{key_id}" },
      { op: "list", declare: (d) => overlapping(basicArgs(`${d} v2`)), run: "drift", method: "GET", route: "/project/{id}/key", reads: true },
      { op: "delete", run: "up", method: "DELETE", route: "/project/{id}/key/{key_id}" },
    ],
  },
  authapi: {
    type: "authapi:ApiKey",
    args: authapiArgs,
    stateIds: (o) => ids(o.keyFingerprint, o.previousKeyFingerprint),
    liveIds: (data) => data.authapi.filter((k: any) => k.isActive).map((k: any) => fingerprint(k.key)),
    existing: (data) => data.authapi.map((k: any) => fingerprint(k.key)),
    removeLive: (admin, id, data) => admin.call("DELETE", `/authapi/keys/${encodeURIComponent(valueOf(data.authapi, id))}`),
    steps: [
      { op: "create", declare: authapiArgs, run: "up", method: "POST", route: "/api-keys" },
      { op: "read", declare: authapiArgs, run: "refresh", method: "GET", route: "/api-keys/{key}", reads: true },
      { op: "update", declare: (d) => authapiArgs(`${d} v2`), run: "up", method: "PATCH", route: "/api-keys/{key}" },
      { op: "rotate", declare: (d) => ({ ...authapiArgs(`${d} v2`), rotation: "r1" }), run: "up", method: "POST", route: "/api-keys/{key}/rotate" },
      { op: "overlap", declare: (d) => overlapping(authapiArgs(`${d} v2`)), run: "up", method: "POST", route: "/api-keys" },
      // The Auth API retires a key by revoking it.
      { op: "retire", declare: (d) => overlapping(authapiArgs(`${d} v2`)), endOverlap: true, run: "up", method: "DELETE", route: "/api-keys/{key}" },
      { op: "customKey", declare: (d) => ({ ...authapiArgs(`${d} v2`), customKey: customKeyFor(d) }), run: "up", method: "PATCH", route: "/api-keys/{key}" },
      // The Auth API's delete is a revoke: the same call switches a key off.
      {
        op: "revoke",
        declare: (d) => ({ ...authapiArgs(`${d} v2`), customKey: customKeyFor(d), active: false }),
        run: "up",
        method: "DELETE",
        route: "/api-keys/{key}",
      },
      {
        op: "reactivate",
        declare: (d) => ({ ...authapiArgs(`${d} v2`), customKey: customKeyFor(d) }),
        run: "up",
        method: "PATCH",
        route: "/api-keys/{key}/reactivate",
      },
      { op: "list", declare: (d) => ({ ...authapiArgs(`${d} v2`), customKey: customKeyFor(d) }), run: "drift", method: "GET", route: "/api-keys", reads: true },
      { op: "delete", run: "up", method: "DELETE", route: "/api-keys/{key}" },
    ],
  },
};

export const API_NAMES = Object.keys(APIS) as Api[];

export interface Cell {
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

export interface RunOutcome {
  code: number;
  /** Everything the run printed (CLI) or its error and notices (in process). */
  output: string;
}

/** How a layer runs a stack: declare keys and run a step, read the state, report unmanaged keys, check convergence. */
export interface Layer {
  /** Declares these keys and runs the step's command (`up`, `refresh`, or the drift report). */
  run(run: Step["run"], keys: Record<string, Record<string, unknown>>): Promise<RunOutcome>;
  /** The state's ids of this API's keys, previous keys included (fingerprints, or Basic's key ids). */
  stateIds(): Promise<string[]>;
  /** Ends every overlap: each previousRetiresAt in state set to the past. */
  endOverlaps(): Promise<void>;
  /** The ids the drift report lists as unmanaged. */
  unmanagedIds(): Promise<string[]>;
  /** `preview --refresh --expect-no-changes` for these keys: whether nothing is left to do. */
  converged(keys: Record<string, Record<string, unknown>>): Promise<boolean>;
  /** Destroys what is left. */
  close(): Promise<void>;
}

/** One key's life: a subject, and the cells (a step and the fault aimed at it) it goes through in order. */
export interface Life {
  subject: string;
  cells: Array<{ step: Step; fault: FaultKind }>;
}

/** Every cell of the matrix for one API and these faults: one life per fault, every step of it (reads only before acting). */
export function livesPerFault(api: Api, faults: FaultKind[]): Life[] {
  return faults.map((fault) => ({
    subject: `${fault} subject`,
    cells: APIS[api].steps.filter((step) => !(step.reads && AFTER.includes(fault))).map((step) => ({ step, fault })),
  }));
}

/** A fresh emulator for one chain (its faults hit nobody else), with the admin door and the keys it starts with. */
export async function chainEmulator(): Promise<{ emulator: Emulator; admin: EmulatorAdmin }> {
  const emulator = createEmulator({ port: 0, rateLimits: false });
  const admin = new EmulatorAdmin(await emulator.start());
  return { emulator, admin };
}

/**
 * Runs one API's lives on one emulator through a layer, appending a Cell per step and a line per
 * problem. Problems are recorded, not thrown: the whole matrix runs, and the end lists every cell that missed.
 */
export async function runChain(api: Api, lives: Life[], admin: EmulatorAdmin, layer: Layer, cells: Cell[], problems: string[]): Promise<void> {
  if (!lives.length) return;
  const spec = APIS[api];
  const seeded = new Set(spec.liveIds(await admin.state())); // the vendor's own and hand-made keys
  // A neighbour in the same project that no fault is aimed at: the stack is never empty, as in real use.
  const neighbour = spec.args("neighbour");
  const first = await layer.run("up", { neighbour });
  if (first.code !== 0) throw new Error(`${api}: the chain's first up failed:\n${first.output.slice(-1500)}`);

  for (const life of lives) {
    for (const { step, fault } of life.cells) {
      const cell = `${api} ${step.op} ${fault}`;
      const keys = { neighbour, ...(step.declare ? { subject: step.declare(life.subject) } : {}) };
      const started = Date.now();
      if (step.endOverlap) await layer.endOverlaps();
      await admin.fault({ kind: fault, api, method: step.method, route: step.route, times: TIMES(fault), delayMs: SLOW_MS, retryAfterSeconds: 1 });
      const firstRun = await layer.run(step.run, keys);
      await admin.clearFaults();
      await admin.settled(); // a slow request may still land after the client gave up on it
      const log = (await admin.requests()).filter((r) => r.at >= started && r.method === step.method && r.route === step.route);
      const code = /\[(PAK_[A-Z_]+)\]/.exec(firstRun.output)?.[1];

      // Agreement: nothing the state knows is missing, and nothing live is unknown to it.
      const data = await admin.state();
      const inState = new Set(await layer.stateIds());
      const live = new Set(spec.liveIds(data));
      const existing = new Set((spec.existing ?? spec.liveIds)(data));
      const lost = [...inState].filter((id) => !existing.has(id));
      const extra = [...live].filter((id) => !inState.has(id) && !seeded.has(id));
      if (extra.length) {
        // Not the target (0), but never silent: the drift report must show each one.
        const shown = new Set(await layer.unmanagedIds());
        const hidden = extra.filter((id) => !shown.has(id));
        if (hidden.length) problems.push(`${cell}: ${hidden.length} extra key(s) not shown by the drift report`);
        for (const id of extra) await spec.removeLive(admin, id, data); // the person's step, so the chain goes on
      }
      // A failed run is followed by the same run again; then the engine must see nothing left to do.
      const rerun = firstRun.code !== 0 ? await layer.run(step.run, keys) : undefined;
      const converged = await layer.converged(keys);
      cells.push({
        api,
        op: step.op,
        fault,
        outcome: firstRun.code === 0 ? "ok" : "failed",
        code: firstRun.code === 0 ? undefined : (code ?? "error"),
        requests: log.length,
        faulted: log.filter((r) => r.fault).length,
        extra: extra.length,
        lost: lost.length,
        converged,
        seconds: (Date.now() - started) / 1000,
      });
      if (rerun?.code) problems.push(`${cell}: the run again failed too: ${rerun.output.slice(-800)}`);
      if (lost.length) problems.push(`${cell}: ${lost.length} key(s) lost`);
      if (!converged) problems.push(`${cell}: a later preview --refresh still had changes`);
      if (firstRun.code !== 0 && firstRun.output.includes(STATSIG_CONSOLE_KEY)) problems.push(`${cell}: the error shows a credential`);
      if (firstRun.code !== 0) problems.push(`${cell}: failed with ${code ?? "no code"}: ${firstRun.output.slice(-600)}`);
      // A Basic key found after its create's answer was lost has no readable value: replaced, and the run says so.
      if (api === "basic" && step.method === "POST" && AFTER.includes(fault) && !/Basic never shows a key's value again/.test(firstRun.output))
        problems.push(`${cell}: no warning that the key was replaced`);
    }
  }
  await layer.close();
  for (const v of await admin.violations()) problems.push(`${api}: emulator saw a request or answer outside the OpenAPI file: ${v}`);
}

/** The checks every layer's matrix ends with: no problem, every armed fault hit, every cell ok with nothing extra. */
export function verdicts(cells: Cell[]): { unhit: string[]; missed: string[] } {
  return {
    unhit: cells.filter((c) => c.faulted === 0).map((c) => `${c.api} ${c.op} ${c.fault}`),
    missed: cells.filter((c) => c.outcome !== "ok" || c.extra > 0).map((c) => `${c.api} ${c.op} ${c.fault}: ${c.code ?? "ok"}, ${c.extra} extra`),
  };
}

/** The recorded tables: one per API, a row per fault, a column per step; a dash where a fault does not apply or was not run. */
export function matrixTables(cells: Cell[], faults: FaultKind[]): string {
  const show = (c: Cell | undefined) => (!c ? "–" : `${c.outcome === "ok" ? "ok" : c.code}, ${c.extra} extra, ${c.lost} lost (${c.requests} req)`);
  const tables = API_NAMES.map((a) => {
    const ops = APIS[a].steps.map((st) => st.op).filter((o) => cells.some((c) => c.api === a && c.op === o));
    const rows = faults
      .filter((f) => cells.some((c) => c.api === a && c.fault === f))
      .map((f) => [f, ...ops.map((o) => show(cells.find((c) => c.api === a && c.op === o && c.fault === f)))]);
    return `**${a}**\n\n` + table(["fault", ...ops.map((o) => (o === "read" ? "read (refresh)" : o === "list" ? "list (drift)" : o))], rows);
  });
  const slowest = cells.reduce((m, c) => (c.seconds > m.seconds ? c : m));
  const humanSteps = cells.filter((c) => c.extra > 0 || c.outcome !== "ok").length;
  return (
    tables.join("\n\n") +
    `\n\n${cells.length} cells; duplicates or orphans left live: ${cells.reduce((n, c) => n + c.extra, 0)}; keys lost: ${cells.reduce((n, c) => n + c.lost, 0)}; ` +
    `cells needing a person: ${humanSteps}; converged: ${cells.filter((c) => c.converged).length}/${cells.length}; ` +
    `slowest cell ${slowest.seconds.toFixed(1)} s (${slowest.api} ${slowest.op} ${slowest.fault}).`
  );
}
