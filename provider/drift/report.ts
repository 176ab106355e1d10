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
  /** The previous key a rotation with rotationOverlap keeps live until `retiresAt`, if any. */
  previous?: PreviousKey;
  /** When a service last used the key, null if never, "unknown" where the vendor does not report use (The Auth API). */
  lastUsed?: LastUsed;
  /** Whole days since its last use (since it was made, if never used); null when unknown, never 0 for unknown. */
  unusedDays?: number | null;
  /** Unused for at least `--stale-after` (only with that option). */
  stale?: boolean;
  /** With `--since`: whether the previous report had this entry's findings ("known") or not ("new"). */
  since?: Since;
}

/** ISO 8601 time, null for never used, or "unknown" where the vendor does not report use. */
export type LastUsed = string | null | "unknown";
export type Since = "new" | "known";

/** A previous key, as the vendor lists it. */
export interface PreviousKey {
  /** The previous value's fingerprint (never the value). */
  fingerprint: string;
  /** When the first `pulumi up` after it retires the key. */
  retiresAt: string;
  /** The overlap has ended: the next `pulumi up` retires it. */
  retirementDue: boolean;
  /** When a service last used it, null if never; absent where the vendor does not report use (The Auth API). */
  lastUsed?: string | null;
  /** Used after the current key was made: some service still holds the old value. Absent when unknown. */
  inUse?: boolean;
  /** Gone from the vendor before its retirement (deleted by hand): nothing to retire. */
  gone?: boolean;
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
  /** What `pulumi import` takes for it (never the value): `pulumi import <importType> <name> <importId>`. */
  importId?: string;
  /** The plugin's type token for it (`apikeys:statsig:Key`). */
  importType?: string;
  /** The URN of the stack's explicit provider whose credential listed it (absent: the default provider). */
  provider?: string;
  lastUsed?: LastUsed;
  unusedDays?: number | null;
  /** Unused for at least `--stale-after`: a candidate to delete (only with that option). */
  deleteCandidate?: boolean;
  since?: Since;
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

/** What can make the drift command exit 2 (`--fail-on`). */
export const FAIL_ON = ["drifted", "deleted", "unmanaged", "rotation-due", "previous-in-use", "stale"] as const;
export type FailOn = (typeof FAIL_ON)[number];
/**
 * What does when `--fail-on` is not given. A previous key in use is expected early in an overlap, so it
 * fails only a job that asks (a scheduled check before the deadline).
 */
export const DEFAULT_FAIL_ON: readonly FailOn[] = ["drifted", "deleted", "unmanaged", "rotation-due"];

/** The summary count each kind of finding is judged on. */
const COUNTED = {
  drifted: "drifted",
  deleted: "deleted",
  unmanaged: "unmanaged",
  "rotation-due": "rotationDue",
  "previous-in-use": "previousInUse",
  stale: "stale",
} as const satisfies Record<FailOn, keyof DriftReport["summary"]>;

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
    /** Previous keys (kept live by rotationOverlap) that a service used after the current key was made. */
    previousInUse: number;
    /** Managed keys unused for at least `--stale-after` (0 without it). */
    stale: number;
    /** Unmanaged keys unused for at least `--stale-after`, ignored or not: candidates to delete. */
    deleteCandidates: number;
  };
  resources: ResourceReport[];
  unmanaged: UnmanagedKey[];
  /** Keys that are the credentials in use, found among the listed keys. */
  credentials: CredentialKey[];
  /** Failures that kept the report from being complete (an API down, a credential missing). */
  errors: string[];
  /** API calls made, per API. */
  apiCalls: Record<string, number>;
  /** What counts as drift for the exit code (`--fail-on`); absent means DEFAULT_FAIL_ON. */
  failOn?: FailOn[];
  /** Ignore rules past their `expires` date, no longer applied (by position in the file). */
  expiredIgnoreRules?: Array<{ rule: number; expires: string; reason?: string }>;
  /** `--stale-after`: how long unused makes a key stale ("90d"). */
  staleAfter?: string;
  /** `--since`: the earlier report compared with, and the counts of findings it did not have (these decide the exit code). */
  since?: { generatedAt: string; new: Counted };
  /** `--import-file`: where the bulk-import file for the unmanaged keys was written. */
  importFile?: string;
}

/** The counts the exit code is judged on. */
export type Counted = Pick<DriftReport["summary"], (typeof COUNTED)[FailOn]>;

export type ExitCode = 0 | 1 | 2;

/**
 * 0 in sync, 2 drift, 1 error. Pure: the report decides, including which kinds count as drift
 * (`failOn`: by default drifted, deleted, unmanaged and rotation-due keys; previous-in-use when asked).
 */
export function exitCodeOf(report: DriftReport): ExitCode {
  if (report.errors.length) return 1;
  // With --since, only what the earlier report did not have counts.
  const counts: Partial<Counted> = report.since?.new ?? report.summary;
  return (report.failOn ?? DEFAULT_FAIL_ON).some((kind) => (counts[COUNTED[kind]] ?? 0) > 0) ? 2 : 0;
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
      previousInUse: r.resources.filter((x) => x.previous?.inUse).length,
      stale: r.resources.filter((x) => x.stale && x.status !== "deleted").length,
      deleteCandidates: r.unmanaged.filter((u) => u.deleteCandidate).length,
    },
  };
}
