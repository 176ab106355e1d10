// The one place that talks HTTP: undici underneath, explicit timeouts, JSON in and out, the shared
// rate budget, and the retry policy. Errors carry the route template, never the filled-in path
// (Statsig and The Auth API put the secret key value in the path).
import type { Agent, Dispatcher } from "undici";
import { safeParse, type $ZodType } from "zod/v4/core";
import "./zod-messages";
import { compiled } from "./compile-cache";
import { BadResponseError, HttpStatusError, Operation, TransportError } from "./errors";
import { RateLimiter } from "./rate-limit";
import { once } from "./once";
import { graceMsFor } from "./reconcile";
import { processDispatcher } from "./process-transport";
import { registerSecret } from "./redact";
import { AttemptOutcome, backoffMs, DEFAULT_RETRY, isRetryable, parseRetryAfter, RetryPolicy } from "./retry";

export interface Timeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 };

export interface HttpClientOptions {
  api: string;
  baseUrl: string;
  /** Auth and version headers; every value is registered as a secret. */
  headers: Record<string, string>;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  limiter?: RateLimiter;
  /** Called once per attempt on the wire (for counting calls). */
  onAttempt?: () => void;
  /** Where the credential comes from, named when the API refuses it (401/403). */
  credential?: string;
  /** The transport (an undici dispatcher, plain or composed with interceptors); default: see transportFor. */
  dispatcher?: Dispatcher;
}

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface RequestSpec {
  method: Method;
  /** Path template such as `/console/v1/keys/{id}`; placeholders are filled from `params`. */
  route: string;
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Whether repeating the request is harmless. Defaults to every method but POST. */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  body: unknown;
}

export { setProcessDispatcher } from "./process-transport";

/** A client's own dispatcher, else the process's, else the shared Agent with the client's connect timeout. */
function transportFor(t: Timeouts, own: Dispatcher | undefined): Dispatcher {
  return own ?? processDispatcher() ?? agentFor(t);
}

// Loaded at the first request, not with the provider: a process that makes none (the second pass of a
// refresh, served from the first pass's notes) does without undici. And only the two parts used: undici's
// index also loads fetch, WebSocket, its cache and its mocks (about 75 ms against 30). undici is pinned
// exactly in package.json, so these paths are fixed; test/unit/transport.test.ts checks what they load.
const UndiciAgent = once(() => compiled(require("undici/lib/dispatcher/agent.js") as typeof import("undici").Agent));
type RequestOptions = Dispatcher.RequestOptions & { origin: string; path: string };
const undiciRequest = once(() =>
  compiled(require("undici/lib/api/api-request.js") as (this: Dispatcher, opts: RequestOptions) => Promise<Dispatcher.ResponseData>),
);

const agents = new Map<string, Agent>();
function agentFor(t: Timeouts): Agent {
  const k = `${t.connectMs}`;
  let a = agents.get(k);
  if (!a) {
    a = new (UndiciAgent())({ connect: { timeout: t.connectMs }, keepAliveTimeout: 4_000, connections: 16 });
    agents.set(k, a);
  }
  return a;
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
// Failures that happen before a byte of the request is on the wire.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "ENOTFOUND", "EAI_AGAIN"]);

export function messageOf(body: unknown): string {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const m = b.message ?? b.error;
    if (Array.isArray(m)) return m.join("; ");
    if (typeof m === "string") return m;
  }
  return typeof body === "string" ? body.slice(0, 200) : "";
}

export class HttpClient {
  readonly api: string;
  private readonly base: URL;
  private readonly timeouts: Timeouts;
  private readonly retry: RetryPolicy;

  constructor(private readonly opts: HttpClientOptions) {
    this.api = opts.api;
    this.base = new URL(opts.baseUrl.endsWith("/") ? opts.baseUrl : opts.baseUrl + "/");
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    for (const v of Object.values(opts.headers)) registerSecret(v);
  }

  /** How long an unanswered write may still land on the server (see core/reconcile.ts). */
  get graceMs(): number {
    return graceMsFor(this.timeouts.headersMs);
  }

  url(spec: RequestSpec): URL {
    const path = spec.route.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const v = spec.params?.[name];
      if (v === undefined) throw new Error(`missing path parameter ${name} for ${spec.route}`);
      return encodeURIComponent(v);
    });
    const u = new URL(path.replace(/^\//, ""), this.base);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  /**
   * Sends the request and checks the 2xx body against the documented shape (loose: extra fields pass).
   * Any zod schema does: the vendors' are built with zod's light API (zod/mini), a new vendor's may not be.
   */
  async json<T>(spec: RequestSpec, schema: $ZodType<T>): Promise<T> {
    let data: T | undefined;
    await this.send(spec, (body) => {
      const parsed = safeParse(schema, body);
      if (parsed.success) return void (data = parsed.data);
      const first = parsed.error.issues[0];
      return `${first?.path.join(".") || "body"}: ${first?.message}`;
    });
    return data as T;
  }

  /**
   * Sends the request, retrying per policy; resolves with a 2xx response, rejects with a typed error.
   * `problemWith` judges a 2xx body (undefined: fine); a bad one is retried like a garbled answer.
   */
  async send(spec: RequestSpec, problemWith?: (body: unknown) => string | undefined): Promise<HttpResponse> {
    const op: Operation = { api: this.api, method: spec.method, route: spec.route };
    const idempotent = spec.idempotent ?? spec.method !== "POST";
    for (let attempt = 1; ; attempt++) {
      const release = await this.opts.limiter?.acquire();
      this.opts.onAttempt?.();
      let outcome: AttemptOutcome;
      let failure: Error;
      try {
        const res = await this.attempt(spec).finally(release);
        if (res.status >= 200 && res.status < 300) {
          // A garbled or incomplete success is like a dropped connection after sending: for a read,
          // asking again is harmless; for a write, the caller decides (it may have been applied).
          const problem = res.malformed ? "the body is not valid JSON" : problemWith?.(res.body);
          if (problem === undefined) return { status: res.status, body: res.body };
          failure = new BadResponseError(op, problem);
          outcome = { kind: "transport", sent: true };
        } else {
          const retryAfterMs = parseRetryAfter(res.retryAfter);
          outcome = { kind: "status", status: res.status, retryAfterMs };
          failure = new HttpStatusError(op, res.status, messageOf(res.body), attempt, this.opts.credential);
        }
      } catch (e) {
        const code = (e as { code?: string }).code ?? "";
        const timeout = TIMEOUT_CODES.has(code);
        outcome = { kind: "transport", sent: !NOT_SENT_CODES.has(code) };
        failure = new TransportError(op, `${code || "error"} ${(e as Error).message}`.trim(), timeout, attempt);
      }
      if (attempt >= this.retry.maxAttempts || !isRetryable(outcome, idempotent)) throw failure;
      const retryAfter = outcome.kind === "status" ? outcome.retryAfterMs : undefined;
      const delay = backoffMs(this.retry, attempt, retryAfter);
      // A 429 says the budget is spent for everyone: every request of this process to the API waits too.
      if (outcome.kind === "status" && outcome.status === 429) this.opts.limiter?.pause(delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private async attempt(spec: RequestSpec): Promise<{ status: number; body: unknown; malformed: boolean; retryAfter?: string }> {
    const headers: Record<string, string> = { accept: "application/json", ...this.opts.headers };
    let payload: string | undefined;
    if (spec.body !== undefined) {
      payload = JSON.stringify(spec.body);
      headers["content-type"] = "application/json";
    }
    const url = this.url(spec);
    // What undici's top-level request() does: the dispatcher's request, with the URL as origin and path.
    const res = await undiciRequest().call(transportFor(this.timeouts, this.opts.dispatcher), {
      origin: url.origin,
      path: url.pathname + url.search,
      method: spec.method,
      headers,
      body: payload,
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
    });
    const text = await res.body.text();
    let body: unknown = undefined;
    let malformed = false;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        malformed = true;
        body = text;
      }
    }
    const ra = res.headers["retry-after"];
    return { status: res.statusCode, body, malformed, retryAfter: Array.isArray(ra) ? ra[0] : ra };
  }
}

/** A read of something that may be gone: the value, or undefined on 404. */
export async function unlessNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if ((e as { code?: string }).code === "PAK_NOT_FOUND") return undefined;
    throw e;
  }
}

/** A 403 or 404 for a whole project or account: the credential belongs elsewhere. */
export function isScopeRefusal(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === "PAK_NOT_FOUND" || code === "PAK_FORBIDDEN";
}
