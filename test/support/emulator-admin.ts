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
  private before = { statsig: new Set<string>(), basic: new Set<string>(), authapi: new Set<string>() };
  /** Remembers the keys the projects hold now (the vendor's defaults, keys made by hand): made() leaves them out. */
  async remember(): Promise<this> {
    const s = await this.state();
    this.before = {
      statsig: new Set(s.statsig.map((k: { key: string }) => k.key)),
      basic: new Set(s.basic.map((k: { id: string }) => k.id)),
      authapi: new Set(s.authapi.map((k: { key: string }) => k.key)),
    };
    return this;
  }
  /** The emulator's keys without the remembered ones: what the test made. */
  async made(): Promise<any> {
    const s = await this.state();
    return {
      ...s,
      statsig: s.statsig.filter((k: { key: string }) => !this.before.statsig.has(k.key)),
      basic: s.basic.filter((k: { id: string }) => !this.before.basic.has(k.id)),
      authapi: s.authapi.filter((k: { key: string }) => !this.before.authapi.has(k.key)),
    };
  }
  /** Live keys per API: Statsig, Basic, and active Auth API keys (its DELETE is a soft delete, a revoke). */
  async liveCounts(): Promise<{ statsig: number; basic: number; authapi: number }> {
    const s = await this.state();
    return { statsig: s.statsig.length, basic: s.basic.length, authapi: s.authapi.filter((k: { isActive: boolean }) => k.isActive).length };
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
