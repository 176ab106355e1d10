// Secrets never reach a message, a log line or state in plaintext. Every credential and key value the
// library sees is registered here; messages are scrubbed of registered values and of anything shaped
// like a vendor key or an auth header.
import { hash } from "node:crypto";

const known = new Set<string>();

/** Remembers a secret so that `redact` removes it from any text. Short strings are ignored. */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === "string" && value.length >= 6) known.add(value);
}

// What any HTTP API's secrets look like on the wire; each vendor's client adds its own key shapes.
const PATTERNS: RegExp[] = [
  /\b(bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi, // Authorization headers
  /\b(authorization)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, // header dumps
];

/**
 * Adds a vendor's secret shapes, as its client module loads. A pattern's first group is kept, and a
 * second group holding `:` or `=` (a header dump) is kept with it; the rest becomes [REDACTED].
 */
export function registerRedactionPatterns(patterns: RegExp[]): void {
  for (const p of patterns) if (!PATTERNS.some((q) => q.source === p.source && q.flags === p.flags)) PATTERNS.push(p);
}

export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const s of [...known].sort((a, b) => b.length - a.length)) out = out.split(s).join("[REDACTED]");
  for (const re of PATTERNS) {
    out = out.replace(re, (_m, p1: string, p2?: string) =>
      typeof p2 === "string" && /[:=]/.test(p2) ? `${p1}${p2}[REDACTED]` : `${p1}${/bearer/i.test(p1) ? " " : "-"}[REDACTED]`,
    );
  }
  return out;
}

const fingerprints = new Map<string, string>();
/**
 * A short, stable, non-reversible fingerprint of a secret, for ids and logs. Kept per value: a refresh asks
 * for each key's twice or more (its listing, its read), and in a cold process a lookup costs a tenth of a hash.
 */
export function fingerprint(secret: string): string {
  let fp = fingerprints.get(secret);
  if (fp === undefined) {
    if (fingerprints.size >= 10_000) fingerprints.clear(); // a bound, not a policy: far more keys than any run reads
    fp = hash("sha256", secret, "hex").slice(0, 16);
    fingerprints.set(secret, fp);
  }
  return fp;
}
