// One real HTTP server speaking the three APIs (their paths do not collide), plus `/_admin/*` for
// tests and demos: out-of-band edits, fault injection, the request log and a reset.
import * as http from "node:http";
import { AddressInfo, Socket } from "node:net";
import { EmulatedApi, Principal, Reply } from "./api";
import { Store } from "./store";

export type FaultKind =
  | "429" // with Retry-After
  | "429-bare" // without Retry-After
  | "500"
  | "502"
  | "503"
  | "reset" // destroy the socket without answering
  | "reset-after" // apply the request, then destroy the socket (an ambiguous write)
  | "slow" // answer after `delayMs`
  | "malformed" // 200 with a body that is not JSON
  | "missing-fields" // apply the request, answer 200 with {} as data
  // Faults after acting: the write happens, and the answer says otherwise or never comes.
  | "500-after" // apply the request, answer 500
  | "malformed-after" // apply the request, answer 200 with a body that is not JSON
  | "slow-after"; // apply the request at once, answer after `delayMs` (past the client's timeout)

/** A 200 whose body is cut off mid-JSON. */
const MALFORMED: Reply = { status: 200, body: '{"data": {"key": ', headers: { "content-type": "text/plain" } };

export interface Fault {
  kind: FaultKind;
  api?: string;
  method?: string;
  route?: string; // an OpenAPI path template
  times: number; // how many matching requests it affects
  delayMs?: number;
  retryAfterSeconds?: number;
}

export interface LoggedRequest {
  api: string;
  /** A service's call with a managed key (see EmulatedApi.services), not a management call. */
  service?: true;
  method: string;
  route: string;
  status: number;
  body?: unknown;
  fault?: string;
  at: number;
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  stateFile?: string;
  rateLimits?: boolean; // enforce the vendors' documented limits (default true)
  /** Projects hold only the keys they cannot lack (Statsig's console credential): no default or hand-made keys. */
  empty?: boolean;
  apis: EmulatedApi[];
}

/** One "METHOD /template" entry of an API's table (`services`, `admin`), its pattern compiled once. */
interface Route<F> {
  api: EmulatedApi;
  method: string;
  template: string;
  fn: F;
  regex: RegExp;
  names: string[];
}

function compileRoutes<F>(apis: EmulatedApi[], table: (api: EmulatedApi) => Record<string, F>): Array<Route<F>> {
  return apis.flatMap((api) =>
    Object.entries(table(api)).map(([pattern, fn]) => {
      const [method, template] = pattern.split(" ") as [string, string];
      const names: string[] = [];
      const regex = new RegExp("^" + template.replace(/\{(\w+)\}/g, (_x, n: string) => (names.push(n), "([^/]+)")) + "$");
      return { api, method, template, fn, regex, names };
    }),
  );
}

/** The route a request takes, with its path's parameters, if any route matches. */
function matchRoute<F>(routes: Array<Route<F>>, method: string, pathname: string): { route: Route<F>; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const hit = route.method === method ? route.regex.exec(pathname) : null;
    if (!hit) continue;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => (params[n] = decodeURIComponent(hit[i + 1]!)));
    return { route, params };
  }
  return undefined;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

class SlidingWindow {
  private stamps: number[] = [];
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}
  /** Counts the request if it fits; otherwise returns ms until it would. */
  take(now: number): number {
    this.stamps = this.stamps.filter((t) => t > now - this.windowMs);
    if (this.stamps.length >= this.limit) return this.stamps[0]! + this.windowMs - now;
    this.stamps.push(now);
    return 0;
  }
}

export class Emulator {
  readonly store: Store;
  readonly log: LoggedRequest[] = [];
  faults: Fault[] = [];
  rateLimits: boolean;
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly windows = new Map<string, SlidingWindow[]>();
  readonly violations: string[] = [];
  /** API requests being handled now, per API (a slow fault keeps one open): tests wait for 0 before comparing. */
  readonly inflight = new Map<string, number>();

  private readonly serviceRoutes: Array<Route<EmulatedApi["services"][string]>>;
  private readonly adminRoutes: Array<Route<EmulatedApi["admin"][string]>>;

  constructor(readonly opts: EmulatorOptions) {
    this.store = new Store(
      opts.apis.map((a) => a.name),
      opts.stateFile,
    );
    this.rateLimits = opts.rateLimits ?? true;
    this.serviceRoutes = compileRoutes(opts.apis, (a) => a.services);
    this.adminRoutes = compileRoutes(opts.apis, (a) => a.admin);
    if (!this.store.loaded) this.seed();
  }

  /** Back to a new emulator: seeded projects, no log, no faults, fresh rate windows. */
  reset(): void {
    this.store.reset();
    this.seed();
    this.log.length = 0;
    this.faults = [];
    this.windows.clear();
  }

  /** Fills the projects with the keys real ones hold before anyone runs this library. */
  private seed(): void {
    for (const api of this.opts.apis) api.seed(this.store, { empty: this.opts.empty ?? false });
    this.store.save();
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    if (!a) throw new Error("emulator not started");
    return `http://${this.opts.host ?? "127.0.0.1"}:${a.port}`;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.opts.port ?? 0, this.opts.host ?? "127.0.0.1", () => resolve());
    });
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  private send(res: http.ServerResponse, reply: Reply): void {
    const payload =
      reply.body === undefined
        ? ""
        : typeof reply.body === "string" && reply.headers?.["content-type"] === "text/plain"
          ? reply.body
          : JSON.stringify(reply.body);
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
    res.end(payload);
  }

  private takeFault(api: string, method: string, route: string): Fault | undefined {
    const f = this.faults.find((x) => x.times > 0 && (!x.api || x.api === api) && (!x.method || x.method === method) && (!x.route || x.route === route));
    if (f) f.times--;
    this.faults = this.faults.filter((x) => x.times > 0);
    return f;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator");
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await this.readBody(req);
    let counted: string | undefined;
    try {
      if (url.pathname.startsWith("/_admin/")) return this.send(res, this.admin(method, url, raw));
      const service = matchRoute(this.serviceRoutes, method, url.pathname);
      if (service) return this.serve(res, service.route, service.params, req.headers, raw);
      const api = this.opts.apis.find((a) => a.doc.hasPath(url.pathname));
      if (!api) return this.send(res, { status: 404, body: { message: `no emulated API serves ${url.pathname}` } });
      counted = api.name;
      this.inflight.set(api.name, (this.inflight.get(api.name) ?? 0) + 1);
      const m = api.doc.match(method, url.pathname);
      if (!m) return this.send(res, api.error(404, `Cannot ${method} ${url.pathname}`));
      const entry: LoggedRequest = { api: api.name, method, route: m.template, status: 0, at: Date.now() };
      if (raw) entry.body = safeJson(raw);
      this.log.push(entry);

      const auth = api.authenticate(req.headers, this.store);
      if ("status" in auth) return this.finish(res, api, entry, auth);
      const principal = auth as Principal;

      if (this.rateLimits && api.rateLimits.length) {
        const key = `${api.name}:${principal.project ?? principal.credential}`;
        let ws = this.windows.get(key);
        if (!ws) this.windows.set(key, (ws = api.rateLimits.map((w) => new SlidingWindow(w.limit, w.windowMs))));
        const now = Date.now();
        const wait = Math.max(...ws.map((w) => w.take(now)));
        if (wait > 0) {
          // The vendor leaves the 429 body and Retry-After unknown; we send both (Retry-After in whole seconds).
          return this.finish(res, api, entry, { ...api.error(429, "Too Many Requests"), headers: { "retry-after": String(Math.ceil(wait / 1000)) } });
        }
      }

      const fault = this.takeFault(api.name, method, m.template);
      if (fault) {
        entry.fault = fault.kind;
        if (fault.kind === "429")
          return this.finish(res, api, entry, { ...api.error(429, "Too Many Requests"), headers: { "retry-after": String(fault.retryAfterSeconds ?? 1) } });
        if (fault.kind === "429-bare") return this.finish(res, api, entry, api.error(429, "Too Many Requests"));
        if (fault.kind === "500" || fault.kind === "502" || fault.kind === "503")
          return this.finish(res, api, entry, api.error(Number(fault.kind), "Internal server error"));
        if (fault.kind === "reset") return void req.socket.destroy();
        if (fault.kind === "slow") await new Promise((r) => setTimeout(r, fault.delayMs ?? 60_000));
        if (fault.kind === "malformed") return this.finish(res, api, entry, MALFORMED, false);
      }

      let body: unknown = undefined;
      const hasBody = raw.length > 0;
      if (hasBody) {
        try {
          body = JSON.parse(raw);
        } catch {
          return this.finish(res, api, entry, api.error(400, "Malformed JSON body"));
        }
      }
      const violation = api.doc.validateRequest(method, m.template, url.searchParams, body, hasBody);
      if (violation) return this.finish(res, api, entry, api.error(400, violation.errors.join("; ")));

      const handler = api.handlers[`${method} ${m.template}`];
      if (!handler) return this.finish(res, api, entry, api.error(405, "not implemented by the emulator"));
      const reply = handler({ params: m.params, query: url.searchParams, body, principal, store: this.store });
      if (reply.status < 300) this.store.save();
      if (fault?.kind === "reset-after") return void req.socket.destroy();
      if (fault?.kind === "missing-fields" && reply.status < 300) return this.finish(res, api, entry, { status: reply.status, body: {} }, false);
      if (fault?.kind === "500-after") return this.finish(res, api, entry, api.error(500, "Internal server error"));
      if (fault?.kind === "malformed-after") return this.finish(res, api, entry, MALFORMED, false);
      if (fault?.kind === "slow-after") await new Promise((r) => setTimeout(r, fault.delayMs ?? 60_000));
      return this.finish(res, api, entry, reply);
    } catch (e) {
      this.violations.push(`emulator error on ${method} ${url.pathname}: ${(e as Error).stack}`);
      return this.send(res, { status: 500, body: { message: "emulator error" } });
    } finally {
      if (counted) this.inflight.set(counted, this.inflight.get(counted)! - 1);
    }
  }

  /** Validates the response against the vendor document before it leaves; a violation is an emulator bug. */
  private finish(res: http.ServerResponse, api: EmulatedApi, entry: LoggedRequest, reply: Reply, validate = true): void {
    entry.status = reply.status;
    if (validate) {
      const v = api.doc.validateResponse(entry.method, entry.route, reply.status, reply.body);
      if (v) this.violations.push(`${api.name} ${entry.method} ${entry.route} ${v.where}: ${v.errors.join("; ")}`);
    }
    this.send(res, reply);
  }

  /** A service's call with a managed key: no rate limit or fault applies; the answer is checked where the vendor documents the route. */
  private serve(
    res: http.ServerResponse,
    route: Route<EmulatedApi["services"][string]>,
    params: Record<string, string>,
    headers: http.IncomingHttpHeaders,
    raw: string,
  ): void {
    const entry: LoggedRequest = { api: route.api.name, service: true, method: route.method, route: route.template, status: 0, at: Date.now() };
    this.log.push(entry);
    const reply = route.fn({ params, headers, body: safeJson(raw), store: this.store, now: new Date().toISOString() });
    if (reply.status < 300) this.store.save();
    return this.finish(res, route.api, entry, reply);
  }

  private admin(method: string, url: URL, raw: string): Reply {
    const body = raw ? JSON.parse(raw) : undefined;
    const p = url.pathname.replace(/^\/_admin/, "");
    if (p === "/requests" && method === "GET") return { status: 200, body: this.log };
    if (p === "/requests" && method === "DELETE") return ((this.log.length = 0), { status: 200, body: {} });
    if (p === "/faults" && method === "POST") return (this.faults.push({ times: 1, ...body }), { status: 200, body: this.faults });
    if (p === "/faults" && method === "DELETE") {
      // ?api=statsig clears only that API's faults (tests that run APIs side by side).
      const api = url.searchParams.get("api");
      this.faults = api ? this.faults.filter((f) => f.api !== api) : [];
      return { status: 200, body: {} };
    }
    if (p === "/violations" && method === "GET") return { status: 200, body: this.violations };
    if (p === "/inflight" && method === "GET") {
      const api = url.searchParams.get("api");
      const n = api ? (this.inflight.get(api) ?? 0) : [...this.inflight.values()].reduce((a, b) => a + b, 0);
      return { status: 200, body: { inflight: n } };
    }
    if (p === "/rate-limits" && method === "POST") return ((this.rateLimits = !!body?.enabled), this.windows.clear(), { status: 200, body: {} });
    if (p === "/reset" && method === "POST") return (this.reset(), { status: 200, body: {} });
    if (p === "/state" && method === "GET") return { status: 200, body: this.store.data };
    if (p === "/apis" && method === "GET") {
      // What a test needs to tell keys apart and count the live ones, whichever APIs are served.
      const apis = this.opts.apis.map((a) => {
        const keys = this.store.data[a.name] ?? [];
        return { name: a.name, idField: a.testing.idField, live: a.testing.isLive ? keys.filter((k) => a.testing.isLive!(k)).length : keys.length };
      });
      return { status: 200, body: apis };
    }
    const edit = matchRoute(this.adminRoutes, method, p);
    if (edit) {
      const r = edit.route.fn(this.store, edit.params, body);
      if (r.status < 300) this.store.save();
      return r;
    }
    return { status: 404, body: { message: `no admin route ${method} ${p}` } };
  }
}
