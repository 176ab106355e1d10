// The benchmarks' second floor: this package as it is, with an undici dispatcher answering from memory instead
// of the network, so that "ours - this floor" is what HTTP and the rate budget cost, and "this floor -
// the no-op provider" is what our own code costs. bench/memory-preload.ts puts it in every Node process of
// a benchmark project (the program, the provider, the drift command) when PAK_BENCH_MEMORY_STORE names
// a file. It answers the Statsig Console API's key routes like the emulator does, without validation;
// the keys live in memory and in that file (an append-only log), so they outlast each process as a
// vendor's do.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type { Dispatcher } from "undici";
import { applyUpdate, fieldsFromCreate, listBody, newKeyValue, newStatsigKey, STATSIG_DEFAULT_KEYS, toDto } from "../emulator/apis/statsig-keys";
import type { StatsigKey } from "../emulator/apis/statsig-keys";

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

// undici's dispatcher base (what its MockAgent and Agent extend), from the copy the package in the current
// directory uses, so that this floor shares its modules instead of loading a second undici: its loading is
// not our code's cost. Only that base, not MockAgent (its mock pool, client and agent: about 8 ms a process).
// undici is pinned exactly, so these paths are fixed.
function undiciPart<T>(file: string): T {
  try {
    return createRequire(path.join(process.cwd(), "package.json"))(`undici/lib/${file}`) as T;
  } catch {
    return require(`undici/lib/${file}`) as T;
  }
}

type Handler = Dispatcher.DispatchHandler & {
  onConnect(abort: (err?: Error) => void): void;
  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: Buffer[]): void;
  onError(err: Error): void;
};

const CONTENT_TYPE = [Buffer.from("content-type"), Buffer.from("application/json")];

/**
 * A transport that answers every origin from `store`, on a later turn of the event loop as a socket
 * would, through undici's handler protocol (the base dispatcher hands every handler over in its legacy
 * form, interceptors' included), and makes no request to the network.
 */
export function memoryDispatcher(store: MemoryStatsig): Dispatcher {
  const DispatcherBase = undiciPart<new () => Dispatcher>("dispatcher/dispatcher-base.js");
  const { kDispatch, kClose, kDestroy } = undiciPart<Record<string, symbol>>("core/symbols.js");
  class MemoryDispatcher extends DispatcherBase {}
  Object.assign(MemoryDispatcher.prototype, {
    [kDispatch!](opts: Dispatcher.DispatchOptions, handler: Handler): boolean {
      let aborted: Error | undefined;
      handler.onConnect((err) => (aborted = err ?? new Error("aborted")));
      setImmediate(() => {
        if (aborted) return handler.onError(aborted);
        try {
          const url = new URL(opts.path, String(opts.origin ?? "http://memory.invalid"));
          const body = opts.body === undefined || opts.body === null ? "" : String(opts.body);
          const reply = store.handle(opts.method, url, body ? JSON.parse(body) : undefined);
          handler.onHeaders(reply.status, CONTENT_TYPE, () => undefined, reply.status === 200 ? "OK" : "Not Found");
          handler.onData(Buffer.from(JSON.stringify(reply.body)));
          handler.onComplete([]);
        } catch (e) {
          handler.onError(e as Error);
        }
      });
      return true;
    },
    [kClose!]: async () => undefined,
    [kDestroy!]: async () => undefined,
  });
  return new MemoryDispatcher();
}
