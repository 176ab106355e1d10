// Secrets never reach a message, a log line or state in plaintext. Every credential and key value the
// library sees is registered here; messages are scrubbed of registered values and of anything shaped
// like a vendor key or an auth header.
import { createHash } from "node:crypto";

const known = new Set<string>();

/** Remembers a secret so that `redact` removes it from any text. Short strings are ignored. */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === "string" && value.length >= 6) known.add(value);
}

const PATTERNS: RegExp[] = [
  /\b(secret|client|console|scim|org)-[A-Za-z0-9_-]{6,}/g, // Statsig key values
  /\b(bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi, // Authorization headers
  /\b(statsig-api-key|x-api-key|authorization)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, // header dumps
  /\b(live|test)_[A-Za-z0-9]{12,}/g, // The Auth API generated keys
];

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

/** A short, stable, non-reversible fingerprint of a secret, for ids and logs. */
export function fingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 16);
}
