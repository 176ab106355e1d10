// The benchmarks' second floor: this package as it is, with an undici dispatcher answering from memory instead
// of the network, so that "ours - this floor" is what HTTP and the rate budget cost, and "this floor -
// the no-op provider" is what our own code costs. bench/memory-preload.ts puts it in every Node process of
// a benchmark project (the program, the provider, the drift command) when PAK_BENCH_MEMORY_STORE names
// a file. It answers the Statsig Console API's key routes like the emulator does, without validation;
// the keys live in memory and in that file (an append-only log), so they outlast each process as a
// vendor's do.
import * as fs from "node:fs";
import type { MockAgent as UndiciMockAgent } from "undici";
import { applyUpdate, fieldsFromCreate, listBody, newKeyValue, newStatsigKey, STATSIG_DEFAULT_KEYS, toDto } from "../emulator/apis/statsig-keys";
import type { StatsigKey } from "../emulator/apis/statsig-keys";

// The MockAgent module alone, not undici's index (fetch, WebSocket, cache: about 45 ms more), as core/http.ts
// loads only what it uses: this floor's loading is not our code's cost. undici is pinned exactly.
const MockAgent = require("undici/lib/mock/mock-agent.js") as typeof UndiciMockAgent;

type Dto = StatsigKey;
const PROJECT = "memory";

type Reply = { status: number; body: unknown };

export class MemoryStatsig {
  readonly keys = new Map<string, Dto>();

  constructor(private readonly file: string) {
    let text = "";
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      /* a new store: seeded below */
    }
    for (const line of text.split("\n")) {
      if (!line) continue;
      const op = JSON.parse(line) as { put?: Dto; del?: string };
      if (op.put) this.keys.set(op.put.key, op.put);
      else if (op.del) this.keys.delete(op.del);
    }
  }

  /** A project as Statsig creates it: its console key, a server key and a client key. */
  seed(consoleKey: string): void {
    if (this.keys.size) return;
    this.put(newStatsigKey("CONSOLE", PROJECT, { key: consoleKey, description: "Console API Key" }));
    for (const d of STATSIG_DEFAULT_KEYS) this.put(newStatsigKey(d.type, PROJECT, { description: d.description }));
  }

  private put(k: Dto): Dto {
    this.keys.set(k.key, k);
    fs.appendFileSync(this.file, JSON.stringify({ put: k }) + "\n");
    return k;
  }

  private remove(key: string): void {
    this.keys.delete(key);
    fs.appendFileSync(this.file, JSON.stringify({ del: key }) + "\n");
  }

  handle(method: string, url: URL, body: any): Reply {
    const m = /^\/console\/v1\/keys(?:\/([^/]+))?(?:\/(rotate|deactivate))?$/.exec(url.pathname);
    if (!m) return { status: 404, body: { status: 404, message: "Not Found" } };
    const id = m[1] && decodeURIComponent(m[1]);
    const k = id ? this.keys.get(id) : undefined;
    const notFound = { status: 404, body: { status: 404, message: "Not Found. The requested resource could not be found." } };
    if (!id && method === "GET") {
      const limit = Number(url.searchParams.get("limit") ?? 10);
      const page = Number(url.searchParams.get("page") ?? 1);
      return { status: 200, body: listBody([...this.keys.values()], limit, page) };
    }
    if (!id && method === "POST") {
      const made = this.put(newStatsigKey(body.type, PROJECT, fieldsFromCreate(body)));
      return { status: 200, body: { message: "Key created successfully.", data: toDto(made) } };
    }
    if (!k) return notFound;
    if (method === "GET") return { status: 200, body: { message: "Key read successfully.", data: toDto(k) } };
    if (method === "DELETE") {
      this.remove(k.key);
      return { status: 200, body: { message: "Key deleted successfully." } };
    }
    if (method === "PATCH" && m[2] === "rotate") {
      this.remove(k.key);
      return { status: 200, body: { message: "Key rotated successfully.", data: toDto(this.put({ ...k, key: newKeyValue(k.type) })) } };
    }
    if (method === "PATCH" && m[2] === "deactivate") {
      this.put({ ...k, status: "deactivated" });
      return { status: 200, body: { message: "Key deactivated successfully." } };
    }
    if (method === "PATCH") {
      return { status: 200, body: { message: "Key updated successfully.", data: toDto(this.put(applyUpdate({ ...k }, body))) } };
    }
    return notFound;
  }
}

/**
 * A transport that answers every origin from `store`: undici's MockAgent with one standing interceptor,
 * and no request to the network.
 */
export function memoryDispatcher(store: MemoryStatsig): UndiciMockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agent
    .get(() => true)
    .intercept({ path: () => true, method: () => true })
    .reply(({ method, path: p, origin, body }) => {
      const url = new URL(p, origin ?? "http://memory.invalid");
      const reply = store.handle(method, url, typeof body === "string" && body ? JSON.parse(body) : undefined);
      return { statusCode: reply.status, data: JSON.stringify(reply.body), responseOptions: { headers: { "content-type": "application/json" } } };
    })
    .persist();
  return agent;
}
