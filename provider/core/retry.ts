// Retry as a thin layer: exponential backoff with full jitter on 429, 5xx and transport failures,
// honouring Retry-After. Requests that are not idempotent are retried only when the server is known
// not to have acted on them (a 429, or a connection refused before anything was sent).

export interface RetryPolicy {
  maxAttempts: number; // including the first
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound on a single Retry-After we are willing to wait. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 20_000, maxRetryAfterMs: 120_000 };

/** What one attempt produced, as far as retrying is concerned. */
export type AttemptOutcome = { kind: "status"; status: number; retryAfterMs?: number } | { kind: "transport"; sent: boolean }; // sent=false: the request never left (connect refused)

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Whether the outcome may be retried, for a request that is or is not idempotent. */
export function isRetryable(outcome: AttemptOutcome, idempotent: boolean): boolean {
  if (outcome.kind === "transport") return idempotent || !outcome.sent;
  if (outcome.status === 429) return true; // rejected before any work: safe even for a create
  return idempotent && RETRY_STATUSES.has(outcome.status);
}

/** The delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(cap / 2 + (random() * cap) / 2); // "equal jitter": never zero, never over the cap
}

/** Parses Retry-After (seconds or an HTTP date) into ms; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.max(0, Math.round(parseFloat(v) * 1000));
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
