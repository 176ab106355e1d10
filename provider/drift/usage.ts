// Last use: when a service last used each key, as the vendor reports it, and which keys nobody uses
// (`--stale-after`). A vendor that does not report use gives "unknown", never 0 days.
import { ageDays, clock, policyMs, rotateAfterRule } from "../core/rotation";
import { DriftReport, LastUsed, summarize } from "./report";

/**
 * A key's last use and the whole days since. `lastUsed` as listed: a time, null for never used, or
 * undefined where the vendor does not report use. A key never used counts from when it was made, if known.
 */
export function usageOf(lastUsed: string | null | undefined, madeAt: string | undefined, now = clock.now()): { lastUsed: LastUsed; unusedDays: number | null } {
  if (lastUsed === undefined) return { lastUsed: "unknown", unusedDays: null };
  const since = lastUsed ?? madeAt;
  return { lastUsed, unusedDays: since === undefined || Number.isNaN(Date.parse(since)) ? null : Math.max(0, ageDays(since, now)!) };
}

/** `--stale-after`'s value, checked: a duration as rotateAfter takes it; the problem, named, otherwise. */
export function staleAfterProblem(value: string): string | undefined {
  const r = rotateAfterRule().safeParse(value);
  return r.success ? undefined : `--stale-after ${r.error.issues[0]!.message} (got ${JSON.stringify(value)})`;
}

/**
 * Marks keys unused for at least `after` ("90d"): managed ones `stale`, unmanaged ones candidates to
 * delete. A key whose use is unknown is never marked.
 */
export function markStale(report: DriftReport, after: string): DriftReport {
  const days = policyMs(after) / 86_400_000;
  const isStale = (unusedDays: number | null | undefined) => typeof unusedDays === "number" && unusedDays >= days;
  return summarize({
    ...report,
    staleAfter: after,
    resources: report.resources.map((x) => (x.status === "deleted" ? x : { ...x, stale: isStale(x.unusedDays) })),
    unmanaged: report.unmanaged.map((u) => ({ ...u, deleteCandidate: isStale(u.unusedDays) })),
  });
}
