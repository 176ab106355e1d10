// Contract: AuthApiClient against the emulator, which checks both directions with ajv against the
// vendor's OpenAPI file; plus the roles, 404-for-revoked, 409 and NestJS error shapes.
import { request } from "undici";
import { AUTHAPI_PROJECT, authApiCredentials } from "../../emulator/apis/authapi";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { AuthApiClient } from "../../provider/authapi/client";

describe("The Auth API contract", () => {
  let emulator: Emulator;
  let url: string;
  let client: AuthApiClient;
  const creds = authApiCredentials();

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    url = await emulator.start();
    client = new AuthApiClient({ credential: creds.admin, baseUrl: url, http: { retry: { baseDelayMs: 5 } } });
  });
  afterAll(() => emulator.stop());
  afterEach(() => {
    emulator.faults = [];
  });

  test("every endpoint conforms in both directions", async () => {
    const k = await client.create({
      name: "svc",
      projectId: AUTHAPI_PROJECT,
      customAccountId: "acct",
      customMetaData: { tier: "gold" },
      expiry: "2030-01-01T00:00:00.000Z",
      rateLimitConfigs: { rateLimit: 10, rateLimitTtl: 60 },
    });
    expect(k).toMatchObject({
      name: "svc",
      env: "live",
      isActive: true,
      expiresAt: "2030-01-01T00:00:00.000Z",
      rateLimitConfigs: { rateLimit: 10, rateLimitTtl: 60 },
    });
    expect((await client.get(k.key))?.customMetaData).toEqual({ tier: "gold" });
    const u = await client.update(AUTHAPI_PROJECT, k.key, { name: "svc", expiry: null, rateLimitConfigs: null });
    expect(u.expiresAt).toBeNull();
    expect(u.rateLimitConfigs).toBeNull();
    const r = await client.rotate(AUTHAPI_PROJECT, k.key);
    expect(r.key).not.toBe(k.key);
    expect(await client.get(k.key)).toBeUndefined();
    expect(await client.revoke(AUTHAPI_PROJECT, r.key)).toBe(true);
    expect(await client.get(r.key)).toBeUndefined(); // 404 for a revoked key…
    expect((await client.list({ projectId: AUTHAPI_PROJECT, isActive: false })).map((x) => x.key)).toContain(r.key); // …which the list still shows
    expect(await client.revoke(AUTHAPI_PROJECT, r.key)).toBe(false);
    expect((await client.reactivate(AUTHAPI_PROJECT, r.key))?.isActive).toBe(true);
    expect(await client.reactivate(AUTHAPI_PROJECT, r.key)).toBeUndefined(); // 409 when active is fine
    const custom = await client.create({ name: "custom", projectId: AUTHAPI_PROJECT, key: "my-own-key-value-123" });
    expect(custom.key).toBe("my-own-key-value-123");
    expect((await client.update(AUTHAPI_PROJECT, custom.key, { name: "custom", key: "my-new-key-value-456" })).key).toBe("my-new-key-value-456");
    expect(emulator.violations).toEqual([]);
  });

  test("list follows limit/offset", async () => {
    for (let i = 0; i < 230; i++) await client.create({ name: `bulk-${i}`, projectId: "proj_bulk" });
    expect(await client.list({ projectId: "proj_bulk" })).toHaveLength(230);
  });

  test("roles and NestJS errors: viewer 403 on mutations, account-level key needs projectId, name required on PATCH", async () => {
    const viewer = new AuthApiClient({ credential: creds.viewer, baseUrl: url });
    const e403 = await viewer.create({ name: "x", projectId: AUTHAPI_PROJECT }).catch((e) => e);
    expect(e403.code).toBe("PAK_FORBIDDEN");
    expect(await viewer.list({ projectId: AUTHAPI_PROJECT })).toEqual(expect.any(Array));
    const raw = await request(`${url}/api-keys`, { headers: { "x-api-key": creds.admin } });
    expect(raw.statusCode).toBe(400);
    expect(await raw.body.json()).toMatchObject({ statusCode: 400, message: expect.any(String), error: "Bad Request" });
    const k = await client.create({ name: "n", projectId: AUTHAPI_PROJECT });
    const noName = await request(`${url}/api-keys/${k.key}`, {
      method: "PATCH",
      headers: { "x-api-key": creds.admin, "content-type": "application/json" },
      body: JSON.stringify({ customUserId: "u" }),
    });
    expect(noName.statusCode).toBe(400);
    await noName.body.dump();
    const user = new AuthApiClient({ credential: creds.user, baseUrl: url });
    expect((await user.list({ projectId: AUTHAPI_PROJECT })).length).toBeGreaterThan(0);
  });

  test("transient failures on reads are retried; errors never echo the access key or a key value", async () => {
    const k = await client.create({ name: "faulty", projectId: AUTHAPI_PROJECT });
    for (const kind of ["429", "429-bare", "500", "502", "503", "reset", "malformed", "missing-fields"]) {
      emulator.faults = [{ kind: kind as never, api: "authapi", method: "GET", times: 2, retryAfterSeconds: 0 }];
      expect((await client.get(k.key))?.name).toBe("faulty");
    }
    emulator.faults = [{ kind: "500", api: "authapi", method: "GET", route: "/api-keys/{key}", times: 10 }];
    const err = await new AuthApiClient({ credential: creds.admin, baseUrl: url, http: { retry: { maxAttempts: 2, baseDelayMs: 5 } } })
      .get(k.key)
      .catch((e) => e);
    expect(err.code).toBe("PAK_SERVER_ERROR");
    expect(err.message).not.toContain(k.key);
    expect(err.message).not.toContain(creds.admin);
  });

  test("a 429 pauses every request of this process to the API, not only the one that got it", async () => {
    emulator.log.length = 0;
    emulator.faults = [{ kind: "429", api: "authapi", method: "GET", times: 1, retryAfterSeconds: 2 }];
    const list = (c: AuthApiClient) => c.list({ projectId: AUTHAPI_PROJECT });
    const first = list(new AuthApiClient({ credential: creds.admin, baseUrl: url }));
    for (let i = 0; i < 100 && !emulator.log.some((r) => r.status === 429); i++) await new Promise((r) => setTimeout(r, 20));
    const asked = Date.now();
    await list(new AuthApiClient({ credential: creds.admin, baseUrl: url })); // another client of the same API and credential, after the 429
    expect(Date.now() - asked).toBeGreaterThanOrEqual(1_500);
    await first;
  });
});
