// What every vendor client is made from (a connection: credential, endpoint, HTTP options) and built on
// (VendorClient: its scope, and an HTTP client sharing the scope's rate budget).
import { Setting, settingName } from "./config";
import { HttpClient, HttpClientOptions } from "./http";
import { limiterFor, RateLimiter } from "./rate-limit";
import { fingerprint, registerRedactionPatterns } from "./redact";

/** How a client is made: the credential, the endpoint (else the vendor's default) and HTTP options. */
export interface ClientOptions {
  credential: string;
  baseUrl?: string;
  http?: Partial<Omit<HttpClientOptions, "api" | "baseUrl" | "headers">>;
}

/** How a vendor's API is reached: everything its client says about it, in one declaration. */
export interface ApiWire {
  /** The name errors and scopes use (`statsig`, `theauthapi`, …). */
  name: string;
  defaultUrl: string;
  /** Where the credential (named when the API refuses it) and the endpoint come from. */
  settings: { credential: Setting; baseUrl: Setting };
  /** The headers that carry the credential (and any version); every value is registered as a secret. */
  headers(credential: string): Record<string, string>;
  /** Documented rate windows (none: a 429 still pauses every request of this process to the API). */
  windows?: Array<{ limit: number; windowMs: number }>;
  /** What its secrets look like in text (key formats, header dumps), beyond the values registered as they pass. */
  redaction: RegExp[];
}

/** What a vendor's definition takes from its wire: the credential (`what` names it in messages), the endpoint, the secrets' shapes. */
export const wireFacts = (wire: ApiWire, what: string) => ({
  credential: { setting: wire.settings.credential, what },
  baseUrl: { setting: wire.settings.baseUrl, default: wire.defaultUrl },
  redaction: wire.redaction,
});

/** A vendor's wire, its secrets' shapes registered with redaction as its client module loads. */
export function apiWire(wire: ApiWire): ApiWire {
  registerRedactionPatterns(wire.redaction);
  return wire;
}

/**
 * What every vendor client is built on: its scope (API, endpoint and credential: one rate budget, one
 * listing cache, one reconciliation ledger), an HTTP client sharing the scope's rate budget, and the
 * credential (listings shared between runs are keyed by it).
 */
export abstract class VendorClient {
  protected readonly http: HttpClient;
  readonly scope: string;
  protected readonly credential: string;
  protected readonly limiter?: RateLimiter;

  protected constructor(api: ApiWire, opts: ClientOptions) {
    const baseUrl = opts.baseUrl ?? api.defaultUrl;
    this.credential = opts.credential;
    this.scope = `${api.name}:${baseUrl}:${fingerprint(opts.credential)}`;
    this.limiter = limiterFor(this.scope, api.windows ?? []);
    this.http = new HttpClient({
      api: api.name,
      baseUrl,
      headers: api.headers(opts.credential),
      limiter: this.limiter,
      credential: settingName(api.settings.credential),
      ...opts.http,
    });
  }

  /** How long a write that got no answer may still land (reconciliation keeps looking that long). */
  get graceMs(): number {
    return this.http.graceMs;
  }
}
