// The drift report: a documented, stable shape (schemaVersion 1). `--format json` prints exactly this.

import type { Api } from "../registry";

export type { Api };
export type ResourceStatus = "in-sync" | "drifted" | "deleted";

export interface FieldDrift {
  field: string;
  declared: unknown;
  live: unknown;
  /** For set-valued fields: members live has and the declaration does not, and the reverse. */
  added?: string[];
  removed?: string[];
  /** Matched an ignore rule: reported, but not counted as drift. */
  ignored?: boolean;
}

export interface ResourceReport {
  /** The stack that manages the key (reports on several stacks group by it). */
  stack?: string;
  api: Api;
  name: string;
  urn: string;
  id: string;
  status: ResourceStatus;
  fields: FieldDrift[];
  /** When the key's current value was made (its rotatedAt, else its creation time), if known. */
  rotatedAt?: string;
  /** Whole days since rotatedAt. */
  ageDays?: number;
  /** The declared rotation policy ("90d"), if any. */
  rotateAfter?: string;
  /** The key is at least as old as its rotateAfter policy: `pulumi up` rotates it. */
  rotationDue?: boolean;
}

export interface UnmanagedKey {
  api: Api;
  /** Statsig and The Auth API: the value's fingerprint (never the value); Basic: the key id. */
  id: string;
  label: string;
  /** Statsig's key type (SERVER, CLIENT, CONSOLE, …); ignore rules can match on it. */
  type?: string;
  project?: string;
  ignored?: boolean;
}

/** A listed key that is the credential the report signs in with (Statsig lists its console key): never unmanaged. */
export interface CredentialKey {
  api: Api;
  /** The value's fingerprint. */
  id: string;
  label: string;
  type?: string;
  project?: string;
}

/** What makes the drift command exit 2. */
export const FAIL_ON = ["drifted", "deleted", "unmanaged", "rotation-due"] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** The summary count each kind of finding is judged on. */
const COUNTED: Record<FailOn, keyof DriftReport["summary"]> = { drifted: "drifted", deleted: "deleted", unmanaged: "unmanaged", "rotation-due": "rotationDue" };

export interface DriftReport {
  schemaVersion: 1;
  project: string;
  /** The stack, or the stacks read together joined by ", " (then also listed in `stacks`). */
  stack: string;
  stacks?: string[];
  generatedAt: string;
  summary: {
    managed: number;
    inSync: number;
    drifted: number;
    deleted: number;
    unmanaged: number;
    ignored: number;
    credentials: number;
    /** Keys past their rotateAfter policy (whatever their status). */
    rotationDue: number;
  };
  resources: ResourceReport[];
  unmanaged: UnmanagedKey[];
  /** Keys that are the credentials in use, found among the listed keys. */
  credentials: CredentialKey[];
  /** Failures that kept the report from being complete (an API down, a credential missing). */
  errors: string[];
  /** API calls made, per API. */
  apiCalls: Record<string, number>;
  /** What counts as drift for the exit code (`--fail-on`); absent means all four kinds. */
  failOn?: FailOn[];
  /** Ignore rules past their `expires` date, no longer applied (by position in the file). */
  expiredIgnoreRules?: Array<{ rule: number; expires: string; reason?: string }>;
}

export type ExitCode = 0 | 1 | 2;

/**
 * 0 in sync, 2 drift, 1 error. Pure: the report decides, including which kinds count as drift
 * (`failOn`: drifted, deleted, unmanaged and rotation-due keys, all four by default).
 */
export function exitCodeOf(report: DriftReport): ExitCode {
  if (report.errors.length) return 1;
  return (report.failOn ?? FAIL_ON).some((kind) => (report.summary[COUNTED[kind]] ?? 0) > 0) ? 2 : 0;
}

export function summarize(r: Omit<DriftReport, "summary">): DriftReport {
  const countedFields = (x: ResourceReport) => x.fields.filter((f) => !f.ignored).length;
  const drifted = r.resources.filter((x) => x.status === "drifted" && countedFields(x) > 0).length;
  return {
    ...r,
    summary: {
      managed: r.resources.length,
      inSync: r.resources.filter((x) => x.status === "in-sync" || (x.status === "drifted" && countedFields(x) === 0)).length,
      drifted,
      deleted: r.resources.filter((x) => x.status === "deleted").length,
      unmanaged: r.unmanaged.filter((u) => !u.ignored).length,
      ignored: r.resources.reduce((n, x) => n + x.fields.filter((f) => f.ignored).length, 0) + r.unmanaged.filter((u) => u.ignored).length,
      credentials: r.credentials.length,
      rotationDue: r.resources.filter((x) => x.rotationDue && x.status !== "deleted").length,
    },
  };
}
