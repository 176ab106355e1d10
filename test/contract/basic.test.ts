// Contract: BasicClient's requests and the responses it accepts conform to the Basic OpenAPI file
// (checked by the emulator with ajv, independently of the client's zod schemas).
import { request } from "undici";
import { BASIC_PROJECT, BASIC_TOKEN } from "../../emulator/apis/basic";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { BasicClient } from "../../provider/basic/client";
import { rolesFromWire, rolesToWire } from "../../provider/basic/schema";

describe("Basic contract", () => {
  let emulator: Emulator;
  let url: string;
  let client: BasicClient;

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    url = await emulator.start();
    client = new BasicClient({ credential: BASIC_TOKEN, baseUrl: url, http: { retry: { baseDelayMs: 5 } } });
  });
  afterAll(() => emulator.stop());
  afterEach(() => {
    emulator.faults = [];
  });

  test("every endpoint conforms in both directions; the value is seen only at creation", async () => {
    const k = await client.create(BASIC_PROJECT, "ci", "write,read");
    expect(k.value).toMatch(/^bsk_/);
    const read = await client.get(BASIC_PROJECT, k.id);
    expect(read).toMatchObject({ id: k.id, label: "ci", roles: "write,read" });
    expect(read).not.toHaveProperty("value");
    expect(await client.update(BASIC_PROJECT, k.id, { roles: "read" })).toMatchObject({ roles: "read" });
    expect((await client.list(BASIC_PROJECT)).map((x) => x.label).sort()).toEqual(["backend (made in the console)", "ci"]); // beside the project's older key
    expect(await client.delete(BASIC_PROJECT, k.id)).toBe(true);
    expect(await client.delete(BASIC_PROJECT, k.id)).toBe(false);
    expect(await client.get(BASIC_PROJECT, k.id)).toBeUndefined();
    expect(emulator.violations).toEqual([]);
  });

  test("roles: a set in meaning, one canonical string on the wire", () => {
    expect(rolesToWire(["write", "read", "admin"])).toBe("admin,read,write");
    expect(rolesFromWire(" write, read,,admin ")).toEqual(["admin", "read", "write"]);
    expect(rolesFromWire("")).toEqual([]);
  });

  test("the spec's rules are enforced by the emulator: PATCH needs a field, create needs label and roles, bearer auth", async () => {
    const k = await client.create(BASIC_PROJECT, "x", "read");
    const call = (method: string, path: string, body?: unknown, token = BASIC_TOKEN) =>
      request(`${url}${path}`, {
        method: method as "GET",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const patch = await call("PATCH", `/project/${BASIC_PROJECT}/key/${k.id}`, {});
    expect(patch.statusCode).toBe(400);
    expect(await patch.body.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    const post = await call("POST", `/project/${BASIC_PROJECT}/key`, { label: "no roles" });
    expect(post.statusCode).toBe(400);
    await post.body.dump();
    const unauth = await call("GET", `/project/${BASIC_PROJECT}/key`, undefined, "wrong");
    expect(unauth.statusCode).toBe(401);
    await unauth.body.dump();
    await client.delete(BASIC_PROJECT, k.id);
  });

  test("retries transient failures on reads; errors never echo the token", async () => {
    const k = await client.create(BASIC_PROJECT, "faulty", "read");
    for (const kind of ["429", "429-bare", "500", "502", "503", "reset", "malformed", "missing-fields"]) {
      emulator.faults = [{ kind: kind as never, api: "basic", method: "GET", times: 2, retryAfterSeconds: 0 }];
      expect((await client.get(BASIC_PROJECT, k.id))?.label).toBe("faulty");
    }
    const bad = new BasicClient({ credential: "basic-secret-token-that-is-wrong", baseUrl: url });
    const err = await bad.list(BASIC_PROJECT).catch((e) => e);
    expect(err.code).toBe("PAK_UNAUTHORIZED");
    expect(err.message).not.toContain("basic-secret-token-that-is-wrong");
  });

  test("a 429 pauses every request of this process to the API, not only the one that got it", async () => {
    emulator.log.length = 0;
    emulator.faults = [{ kind: "429", api: "basic", method: "GET", times: 1, retryAfterSeconds: 2 }];
    const list = (c: BasicClient) => c.list(BASIC_PROJECT);
    const first = list(new BasicClient({ credential: BASIC_TOKEN, baseUrl: url }));
    for (let i = 0; i < 100 && !emulator.log.some((r) => r.status === 429); i++) await new Promise((r) => setTimeout(r, 20));
    const asked = Date.now();
    await list(new BasicClient({ credential: BASIC_TOKEN, baseUrl: url })); // another client of the same API and credential, after the 429
    expect(Date.now() - asked).toBeGreaterThanOrEqual(1_500);
    await first;
  });
});
