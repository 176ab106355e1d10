// The test's side door into the emulator: its admin API, over real HTTP.
import { request } from "undici";
import type { Fault, LoggedRequest } from "../../emulator/server";

export class EmulatorAdmin {
  constructor(readonly url: string) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await request(`${this.url}/_admin${path}`, {
      method: method as "GET",
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { "content-type": "application/json" },
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`admin ${method} ${path}: ${res.statusCode} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  requests(): Promise<LoggedRequest[]> {
    return this.call("GET", "/requests");
  }
  clearRequests(): Promise<void> {
    return this.call("DELETE", "/requests");
  }
  state(): Promise<any> {
    return this.call("GET", "/state");
  }
  /** The APIs served: each one's name, the field naming its stored keys, and how many of them still work. */
  apis(): Promise<Array<{ name: string; idField: string; live: number }>> {
    return this.call("GET", "/apis");
  }
  private before = new Map<string, Set<unknown>>();
  /** Remembers the keys the projects hold now (the vendor's defaults, keys made by hand): made() leaves them out. */
  async remember(): Promise<this> {
    const [s, apis] = await Promise.all([this.state(), this.apis()]);
    this.before = new Map(apis.map((a) => [a.name, new Set(s[a.name].map((k: Record<string, unknown>) => k[a.idField]))]));
    return this;
  }
  /** The emulator's keys without the remembered ones: what the test made, by API. */
  async made(): Promise<any> {
    const [s, apis] = await Promise.all([this.state(), this.apis()]);
    const made = apis.map((a) => [a.name, s[a.name].filter((k: Record<string, unknown>) => !this.before.get(a.name)?.has(k[a.idField]))]);
    return { ...s, ...Object.fromEntries(made) };
  }
  /** Live keys per API (an Auth API DELETE is a soft delete, a revoke: revoked keys do not count). */
  async liveCounts(): Promise<Record<string, number>> {
    return Object.fromEntries((await this.apis()).map((a) => [a.name, a.live]));
  }
  violations(): Promise<string[]> {
    return this.call("GET", "/violations");
  }
  /** Arms a fault for the next matching request(s). */
  fault(f: Partial<Fault> & Pick<Fault, "kind">): Promise<unknown> {
    return this.call("POST", "/faults", f);
  }
  /** Clears the armed faults: all, or one API's. */
  clearFaults(api?: string): Promise<void> {
    return this.call("DELETE", api ? `/faults?api=${api}` : "/faults");
  }
  /** Resolves once no API request is being handled (a slow one may still land after the client gave up). */
  async settled(api?: string, timeoutMs = 60_000): Promise<void> {
    for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      if ((await this.call<{ inflight: number }>("GET", api ? `/inflight?api=${api}` : "/inflight")).inflight === 0) return;
    }
    throw new Error(`the emulator still had requests in flight after ${timeoutMs} ms`);
  }
}
