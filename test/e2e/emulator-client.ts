// The test's side door into the emulator: its admin API, over real HTTP.
import { request } from "undici";
import type { LoggedRequest } from "../../emulator/server";

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
  violations(): Promise<string[]> {
    return this.call("GET", "/violations");
  }
}
