// Contract: every request StatsigClient sends and every response it accepts conforms to the vendor's
// OpenAPI file. The emulator validates both directions with ajv against that file (never with the
// client's zod schemas) and records any violation; the documented examples must parse with the client.
import { request } from "undici";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import { OpenApiDocument } from "../../emulator/openapi-validator";
import type { Emulator } from "../../emulator/server";
import { StatsigClient } from "../../provider/statsig/client";
import { keyListResponse, singleKeyResponse } from "../../provider/statsig/schema";

describe("Statsig contract", () => {
  let emulator: Emulator;
  let url: string;
  let client: StatsigClient;

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    url = await emulator.start();
    client = new StatsigClient({ credential: STATSIG_CONSOLE_KEY, baseUrl: url, http: { retry: { baseDelayMs: 5 } } });
  });
  afterAll(() => emulator.stop());
  afterEach(() => {
    emulator.faults = [];
  });

  test("every endpoint, exercised by the client, conforms in both directions", async () => {
    const a = await client.create({
      description: "a",
      type: "SERVER",
      scopes: ["omni_read_only"],
      environments: ["production"],
      targetAppID: "app1",
      secondaryTargetAppIDs: ["app2"],
    });
    const b = await client.create({ description: "b", type: "CLIENT" });
    expect(a.key).toMatch(/^secret-/);
    expect(b.key).toMatch(/^client-/);
    expect((await client.get(a.key!))?.primaryTargetApp).toBe("app1");
    await client.update(a.key!, { description: "a2", targetAppID: null, secondaryTargetAppIDs: null, scopes: [], environments: ["staging"] });
    const a2 = await client.get(a.key!);
    expect(a2).toMatchObject({ description: "a2", primaryTargetApp: null, secondaryTargetApps: null, environments: ["staging"] });
    const rotated = await client.rotate(a.key!);
    expect(rotated.key).not.toBe(a.key);
    expect(await client.get(a.key!)).toBeUndefined(); // the old value stops at once
    await client.deactivate(rotated.key!);
    expect((await client.get(rotated.key!))?.status).toBe("deactivated");
    expect((await client.list({ environment: "staging" })).map((k) => k.description)).toEqual(["a2"]);
    expect(await client.delete(b.key!)).toBe(true);
    expect(await client.delete(b.key!)).toBe(false); // deleting a missing key is done
    expect(emulator.violations).toEqual([]);
  });

  test("list follows pagination", async () => {
    for (let i = 0; i < 230; i++)
      emulator.store.data.statsig.push({ ...emulator.store.data.statsig[0]!, key: `secret-bulk${i}xxxxxxxx`, description: `bulk ${i}` });
    const all = await client.list();
    expect(all.filter((k) => k.description.startsWith("bulk "))).toHaveLength(230);
    emulator.store.data.statsig = emulator.store.data.statsig.filter((k) => !k.description.startsWith("bulk "));
  });

  test("requests the spec forbids get the vendor's 400, independently of the client", async () => {
    const post = (body: unknown) =>
      request(`${url}/console/v1/keys`, {
        method: "POST",
        headers: { "STATSIG-API-KEY": STATSIG_CONSOLE_KEY, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    for (const bad of [
      { type: "SERVER" },
      { description: "x", type: "PUBLIC" },
      { description: "x".repeat(1001), type: "SERVER" },
      { description: "x", type: "SERVER", scopes: ["nope"] },
    ]) {
      const r = await post(bad);
      expect(r.statusCode).toBe(400);
      expect(await r.body.json()).toMatchObject({ status: 400, message: expect.any(String) });
    }
    const unauth = await request(`${url}/console/v1/keys`, { headers: { "STATSIG-API-KEY": "console-wrong" } });
    expect(unauth.statusCode).toBe(401);
    await unauth.body.dump();
  });

  test("documented response examples parse with the client's schemas", () => {
    const doc = OpenApiDocument.load("statsig-keys.openapi.yaml", "statsig").doc;
    const example = (p: string, m: string) => doc.paths[p][m].responses["200"].content["application/json"].example;
    expect(singleKeyResponse().safeParse(example("/console/v1/keys/{id}", "get")).success).toBe(true);
    expect(singleKeyResponse().safeParse(example("/console/v1/keys", "post")).success).toBe(true);
    expect(singleKeyResponse().safeParse(example("/console/v1/keys/{id}/rotate", "patch")).success).toBe(true);
    // The list example omits `pagination` (the schema requires it): the client reads that as the last page.
    expect(keyListResponse().safeParse(example("/console/v1/keys", "get")).success).toBe(true);
  });

  test("retries 429 (with and without Retry-After), 5xx, resets and garbled or incomplete reads; never blindly re-sends a create", async () => {
    const k = await client.create({ description: "faulty", type: "SERVER" });
    for (const kind of ["429", "429-bare", "500", "502", "503", "reset", "malformed", "missing-fields"]) {
      emulator.faults = [{ kind: kind as never, api: "statsig", method: "GET", route: "/console/v1/keys/{id}", times: 2, retryAfterSeconds: 0 }];
      expect((await client.get(k.key!))?.description).toBe("faulty");
    }
    emulator.faults = [{ kind: "503", api: "statsig", method: "POST", times: 1 }];
    await expect(client.create({ description: "not retried", type: "SERVER" })).rejects.toMatchObject({ code: "PAK_SERVER_ERROR" });
    emulator.faults = [{ kind: "429", api: "statsig", method: "POST", times: 2, retryAfterSeconds: 0 }];
    expect((await client.create({ description: "after 429", type: "SERVER" })).description).toBe("after 429");
  });

  test("a response slower than the timeout is a clear timeout error", async () => {
    const slow = new StatsigClient({
      credential: STATSIG_CONSOLE_KEY,
      baseUrl: url,
      http: { timeouts: { headersMs: 200 }, retry: { maxAttempts: 2, baseDelayMs: 5 } },
    });
    emulator.faults = [{ kind: "slow", api: "statsig", method: "GET", times: 2, delayMs: 8000 }]; // far past the timeout: undici's timers are coarse
    await expect(slow.list()).rejects.toMatchObject({ code: "PAK_TIMEOUT" });
  });

  test("errors never echo the console key", async () => {
    const bad = new StatsigClient({ credential: "console-notARealKeyButSecret123", baseUrl: url });
    const err = await bad.list().catch((e) => e);
    expect(err.code).toBe("PAK_UNAUTHORIZED");
    expect(err.message).not.toContain("console-notARealKeyButSecret123");
  });
});

describe("Statsig rate limits", () => {
  test("150 reads against the enforced 100 / 10 s budget: all succeed, the client waits instead of failing", async () => {
    const emulator = createEmulator({ port: 0, rateLimits: true });
    const url = await emulator.start();
    try {
      const c = new StatsigClient({ credential: STATSIG_CONSOLE_KEY, baseUrl: url });
      const k = await c.create({ description: "hot", type: "SERVER" });
      const start = Date.now();
      const results = await Promise.all(Array.from({ length: 150 }, () => c.get(k.key!)));
      expect(results.every((r) => r?.description === "hot")).toBe(true);
      expect(Date.now() - start).toBeGreaterThanOrEqual(9_000); // the 101st request had to wait for the window
      expect(emulator.log.filter((r) => r.status === 429)).toHaveLength(0); // the shared budget kept us under
    } finally {
      await emulator.stop();
    }
  }, 60_000);
});
