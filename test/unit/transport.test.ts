// The HTTP client's transport is an undici dispatcher the caller may give: tests and the benchmarks'
// in-memory floor inject transports and faults through it, with no prototype patched.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Agent, MockAgent, type Dispatcher } from "undici";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { memoryDispatcher, MemoryStatsig } from "../../bench/memory-transport";
import { setProcessDispatcher } from "../../provider/core/http";
import { StatsigClient } from "../../provider/statsig/client";

const URL_ = "http://statsig.test.invalid";
const noWait = { retry: { baseDelayMs: 1, maxDelayMs: 2 } };

function memoryStore(): MemoryStatsig {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pak-transport-")), "store.log");
  const store = new MemoryStatsig(file);
  store.seed(STATSIG_CONSOLE_KEY);
  return store;
}

/** A transport whose every answer is `status` with `message`, the vendor never reached. */
function answering(status: number, message: string): MockAgent {
  const mock = new MockAgent();
  mock.disableNetConnect();
  mock
    .get(() => true)
    .intercept({ path: () => true, method: () => true })
    .reply(status, { message })
    .persist();
  return mock;
}

describe("the HTTP client's transport", () => {
  afterEach(() => setProcessDispatcher(undefined));

  test("a client's own dispatcher carries its requests: the in-memory vendor answers a whole create, read and list", async () => {
    const store = memoryStore();
    const client = new StatsigClient({ credential: STATSIG_CONSOLE_KEY, baseUrl: URL_, http: { dispatcher: memoryDispatcher(store), ...noWait } });
    const made = await client.create({ type: "SERVER", description: "in memory" });
    expect(store.keys.get(made.key!)?.description).toBe("in memory");
    expect((await client.read(made.key!))?.description).toBe("in memory");
    expect((await client.list()).map((k) => k.description)).toContain("in memory");
  });

  test("a fault injected by an interceptor is retried by the client's own policy, and a POST is not repeated after a 500", async () => {
    const store = memoryStore();
    const seen: string[] = [];
    // The first GET gets a 503 from the interceptor without reaching the vendor; everything else passes.
    let failed = false;
    const flaky: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
      seen.push(`${opts.method} ${opts.path}`);
      if (opts.method === "GET" && !failed) {
        failed = true;
        return answering(503, "busy").dispatch(opts, handler);
      }
      return dispatch(opts, handler);
    };
    const client = new StatsigClient({
      credential: STATSIG_CONSOLE_KEY,
      baseUrl: URL_,
      http: { dispatcher: memoryDispatcher(store).compose(flaky), ...noWait },
    });
    const keys = await client.list();
    expect(keys.length).toBe(3); // the project's console, server and client keys
    expect(seen.filter((s) => s.startsWith("GET"))).toHaveLength(2); // the 503, then the retry

    const down: Dispatcher.DispatcherComposeInterceptor = () => (opts, handler) => {
      seen.push(`${opts.method} ${opts.path}`);
      return answering(500, "down").dispatch(opts, handler);
    };
    seen.length = 0;
    const failing = new StatsigClient({ credential: STATSIG_CONSOLE_KEY, baseUrl: URL_, http: { dispatcher: new Agent().compose(down), ...noWait } });
    await expect(failing.create({ type: "SERVER", description: "x" })).rejects.toMatchObject({ code: "PAK_SERVER_ERROR" });
    expect(seen).toEqual(["POST /console/v1/keys"]); // a create the server may have acted on is never sent twice
  });

  test("an answer that lacks a documented field is refused, naming the field and the rule, after the read's retries", async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    let calls = 0;
    mock
      .get(() => true)
      .intercept({ path: () => true, method: "GET" })
      .reply(() => (calls++, { statusCode: 200, data: { message: "Key read successfully.", data: { key: "secret-x", description: "d", status: "active" } } }))
      .persist();
    const client = new StatsigClient({ credential: STATSIG_CONSOLE_KEY, baseUrl: URL_, http: { dispatcher: mock, ...noWait } });
    await expect(client.get("secret-x")).rejects.toMatchObject({
      code: "PAK_BAD_RESPONSE",
      message: expect.stringContaining("data.type: Invalid input: expected string, received undefined"),
    });
    expect(calls).toBe(6); // a garbled answer to a read is asked for again, like a dropped connection, up to the policy's six attempts
    await mock.close();
  });

  test("the process dispatcher serves every client without one of its own, and a client's own still wins", async () => {
    const shared = memoryStore();
    setProcessDispatcher(memoryDispatcher(shared));
    const plain = new StatsigClient({ credential: STATSIG_CONSOLE_KEY, baseUrl: URL_, http: noWait });
    await plain.create({ type: "CLIENT", description: "through the process dispatcher" });
    expect([...shared.keys.values()].map((k) => k.description)).toContain("through the process dispatcher");

    const own = memoryStore();
    const mine = new StatsigClient({ credential: STATSIG_CONSOLE_KEY, baseUrl: URL_, http: { dispatcher: memoryDispatcher(own), ...noWait } });
    await mine.create({ type: "CLIENT", description: "through its own" });
    expect([...own.keys.values()].map((k) => k.description)).toContain("through its own");
    expect([...shared.keys.values()].map((k) => k.description)).not.toContain("through its own");
  });

  test("with no dispatcher given, a request goes over loopback through undici's Agent, path and query intact, and loads no more of undici than it uses", () => {
    // In its own process, on the built package: the first request is what loads undici.
    const script = `
      const http = require("node:http");
      const { HttpClient } = require(${JSON.stringify(path.join(__dirname, "../../dist/provider/core/http.js"))});
      const seen = [];
      const server = http.createServer((req, res) => {
        seen.push(req.method + " " + req.url + " " + req.headers["x-probe"]);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ ok: true }));
      });
      server.listen(0, "127.0.0.1", async () => {
        const client = new HttpClient({ api: "probe", baseUrl: "http://127.0.0.1:" + server.address().port + "/v1", headers: { "x-probe": "yes" } });
        const r = await client.send({ method: "GET", route: "/keys/{id}", params: { id: "a b" }, query: { limit: 2 } });
        const undici = Object.keys(require.cache).filter((f) => f.includes("/node_modules/undici/")).map((f) => f.replace(/.*node_modules.undici./, ""));
        console.log(JSON.stringify({ status: r.status, body: r.body, seen, index: undici.includes("index.js"), fetch: undici.some((f) => f.startsWith("lib/web/fetch/")) }));
        server.close();
        process.exit(0);
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
    expect(out).toEqual({ status: 200, body: { ok: true }, seen: ["GET /v1/keys/a%20b?limit=2 yes"], index: false, fetch: false });
  });
  test("the benchmarks' in-memory floor answers through the preload and loads none of undici's mocks, agents or clients", () => {
    // Its loading is not our code's cost: a process of the memory variant loads what ours loads, less the network.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "memory-floor-"));
    try {
      const store = path.join(dir, "store.log");
      new MemoryStatsig(store).seed(STATSIG_CONSOLE_KEY);
      const script = `
        const { StatsigClient } = require(${JSON.stringify(path.join(__dirname, "../../dist/provider/statsig/client.js"))});
        const client = new StatsigClient({ credential: ${JSON.stringify(STATSIG_CONSOLE_KEY)}, baseUrl: "http://statsig.memory.invalid", http: {} });
        client.list().then((keys) => {
          const undici = Object.keys(require.cache).filter((f) => f.includes("/node_modules/undici/")).map((f) => f.replace(/.*node_modules.undici./, ""));
          console.log(JSON.stringify({ keys: keys.map((k) => k.type).sort(), loaded: undici.filter((f) => /^lib.(mock|dispatcher.(agent|client|pool))/.test(f)) }));
        });`;
      const out = JSON.parse(
        execFileSync(process.execPath, ["--require", path.join(__dirname, "../../dist/bench/memory-preload.js"), "-e", script], {
          encoding: "utf8",
          env: { ...process.env, PAK_BENCH_MEMORY_STORE: store },
        }),
      );
      expect(out).toEqual({ keys: ["CLIENT", "CONSOLE", "SERVER"], loaded: [] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
