import { createHash } from "node:crypto";
import * as z from "zod";
import { ApiProvider } from "../../provider/core/api-provider";
import { checkInputs, UNKNOWN } from "../../provider/core/checks";
import type { ClientOptions } from "../../provider/core/connection";
import type { LifecycleProvider } from "../../provider/core/provider-contract";
import { STATSIG } from "../../provider/statsig/definition";
import { declaredAfterRead, declaredInputs } from "../../provider/core/declared";
import { canonical, canonicalSet, diffInputs, sameValue } from "../../provider/core/diff";
import { diff } from "../../provider/core/lifecycle";
import { httpOptionsFrom } from "../../provider/core/config";
import { HttpStatusError, TransportError } from "../../provider/core/errors";
import { ListPage, ListServedReads } from "../../provider/core/list-served-reads";
import { RateLimiter } from "../../provider/core/rate-limit";
import { RunCache, writeRunNotes } from "../../provider/core/run-cache";
import { fingerprint, redact, registerSecret } from "../../provider/core/redact";
import "../../provider/registry"; // each vendor's client adds its key shapes to redaction
import { redactSdkRpcResponses, RESPONSE_ELIDED, withoutRpcResponse } from "../../provider/core/sdk-debug-redaction";
import { backoffMs, DEFAULT_RETRY, isRetryable, parseRetryAfter } from "../../provider/core/retry";
import { KEY_FIELDS, keyArgsCanonical } from "../../provider/statsig/schema";
import { defaultsOf, withDefaults, withoutDefaults } from "../../provider/core/fields";

describe("retry policy", () => {
  test("429 is retried even for a create; 5xx and resets only when idempotent", () => {
    expect(isRetryable({ kind: "status", status: 429 }, false)).toBe(true);
    expect(isRetryable({ kind: "status", status: 503 }, true)).toBe(true);
    expect(isRetryable({ kind: "status", status: 503 }, false)).toBe(false);
    expect(isRetryable({ kind: "transport", sent: true }, false)).toBe(false);
    expect(isRetryable({ kind: "transport", sent: false }, false)).toBe(true);
    expect(isRetryable({ kind: "status", status: 400 }, true)).toBe(false);
    expect(isRetryable({ kind: "status", status: 404 }, true)).toBe(false);
  });

  test("backoff grows exponentially with jitter, capped; Retry-After wins", () => {
    const lo = () => 0;
    const hi = () => 0.999;
    expect(backoffMs(DEFAULT_RETRY, 1, undefined, lo)).toBe(125);
    expect(backoffMs(DEFAULT_RETRY, 3, undefined, lo)).toBe(500);
    expect(backoffMs(DEFAULT_RETRY, 3, undefined, hi)).toBeLessThanOrEqual(1000);
    expect(backoffMs(DEFAULT_RETRY, 30, undefined, hi)).toBeLessThanOrEqual(DEFAULT_RETRY.maxDelayMs);
    expect(backoffMs(DEFAULT_RETRY, 1, 7000)).toBe(7000);
    expect(backoffMs(DEFAULT_RETRY, 1, 10_000_000)).toBe(DEFAULT_RETRY.maxRetryAfterMs);
  });

  test("Retry-After in seconds or as an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("0.5")).toBe(500);
    const now = Date.parse("2026-11-22T10:00:00Z");
    expect(parseRetryAfter("Sun, 22 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("rate limiter", () => {
  test("admits `limit` requests per window, then waits for the oldest to age out", async () => {
    let t = 0;
    const l = new RateLimiter([{ limit: 3, windowMs: 1000 }], () => t);
    for (let i = 0; i < 3; i++) (await l.acquire())();
    expect(l.delayNow()).toBe(1000);
    t = 400;
    expect(l.delayNow()).toBe(600);
    t = 1000;
    expect(l.delayNow()).toBe(0);
  });

  test("the tighter of two windows governs", async () => {
    let t = 0;
    const l = new RateLimiter(
      [
        { limit: 10, windowMs: 1000 },
        { limit: 2, windowMs: 60_000 },
      ],
      () => t,
    );
    (await l.acquire())();
    (await l.acquire())();
    t = 5000;
    expect(l.delayNow()).toBe(55_000);
  });

  test("real waiting: the 4th request in a 3 per 200 ms window waits ~200 ms", async () => {
    const l = new RateLimiter([{ limit: 3, windowMs: 200 }]);
    const start = Date.now();
    for (let i = 0; i < 4; i++) (await l.acquire())();
    expect(Date.now() - start).toBeGreaterThanOrEqual(190);
  });

  test("a request's slot counts from its answer, and one in flight holds its slot until then", async () => {
    let t = 0;
    const l = new RateLimiter([{ limit: 2, windowMs: 1000 }], () => t);
    const first = await l.acquire();
    const second = await l.acquire();
    expect(l.delayNow()).toBe(Infinity); // both in flight: nothing is known to age out
    t = 300;
    first(); // the server saw it no later than now
    expect(l.delayNow()).toBe(1000);
    const third = l.acquire();
    let admitted = false;
    void third.then(() => (admitted = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(admitted).toBe(false);
    t = 400;
    second();
    expect(l.delayNow()).toBe(900); // still waiting for the first's window to pass
    t = 1300;
    (await third)();
    expect(admitted).toBe(true);
  });
});

describe("run notes: the second pass of a refresh with preview reads nothing the first read", () => {
  afterEach(() => jest.useRealTimers());
  const SECRET = "console-runnotessecret123";
  const run = `99999999${process.pid}-0`; // a run id no live process has: as a CLI run would be named
  const pass = (t: { now: number }) => {
    const singles: string[] = [];
    const source = { page: async () => ({ items: [] as string[], more: false }), idOf: (k: string) => k };
    const notes = RunCache.open(`statsig:test:${run}`, SECRET, 60_000, () => t.now, run);
    const reads = new ListServedReads(source, { after: 100, maxPages: 5, maxAgeMs: 60_000 }, () => t.now, notes);
    const read = (id: string) =>
      reads.read(id, async () => {
        singles.push(id);
        return id === "secret-gone" ? undefined : `${id}:value`;
      });
    return { reads, read, singles, notes: notes! };
  };
  /** Every line of this run's note files. */
  const lines = (): string[] => {
    const dir = require("node:path").join(require("node:os").tmpdir(), `pulumi-api-keys-${process.getuid!()}`, run);
    return require("node:fs")
      .readdirSync(dir)
      .flatMap((f: string) => require("node:fs").readFileSync(require("node:path").join(dir, f), "utf8").split("\n").filter(Boolean));
  };

  test("answers, 'gone' included, serve the next pass; a write or 60 s ends that; nothing is stored in plaintext", async () => {
    const t = { now: 1_000_000 };
    const preview = pass(t);
    expect(preview.notes).toBeDefined();
    expect(await preview.read("secret-aaaaaa1")).toBe("secret-aaaaaa1:value");
    expect(await preview.read("secret-gone")).toBeUndefined();
    expect(preview.singles).toEqual(["secret-aaaaaa1", "secret-gone"]);

    writeRunNotes(); // the preview's diffs, before its process ends
    t.now += 20_000;
    const real = pass(t); // a new process of the same CLI run
    expect(await real.read("secret-aaaaaa1")).toBe("secret-aaaaaa1:value");
    expect(await real.read("secret-gone")).toBeUndefined();
    expect(real.singles).toEqual([]);

    const files = require("node:fs").readdirSync(require("node:path").join(require("node:os").tmpdir(), `pulumi-api-keys-${process.getuid!()}`, run));
    const text = files
      .map((f: string) =>
        require("node:fs").readFileSync(require("node:path").join(require("node:os").tmpdir(), `pulumi-api-keys-${process.getuid!()}`, run, f), "utf8"),
      )
      .join("");
    expect(text).not.toContain("secret-aaaaaa1");
    expect(text).not.toContain("value");
    expect(text).not.toContain(SECRET);

    t.now += 41_000; // 61 s after the first answers: too old to serve
    const late = pass(t);
    await late.read("secret-aaaaaa1");
    expect(late.singles).toEqual(["secret-aaaaaa1"]);

    late.reads.invalidate(); // a write in the scope
    writeRunNotes();
    const afterWrite = pass(t);
    await afterWrite.read("secret-aaaaaa1");
    expect(afterWrite.singles).toEqual(["secret-aaaaaa1"]);
  });

  test("answers are written in batches, one sealed line each: at the next diff with no read waiting (writeRunNotes), or after 50 ms", async () => {
    const t = { now: 2_000_000 };
    writeRunNotes(); // what earlier tests left to write is written
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] }); // the 50 ms batch timer runs when told
    const preview = pass(t);
    const before = lines().length;
    const ids = Array.from({ length: 50 }, (_, i) => `secret-many${i}`);
    await Promise.all(ids.map((id) => preview.read(id)));
    expect(lines().length - before).toBe(0); // not yet: a file append per answer costs more than the answer
    writeRunNotes(); // what a provider's diff does
    expect(lines().length - before).toBe(1);
    const real = pass(t);
    for (const id of ids) expect(await real.read(id)).toBe(`${id}:value`);
    expect(real.singles).toEqual([]);

    // With no diff to come (a key found gone), the batch is written on its own shortly after.
    await preview.read("secret-gone");
    jest.advanceTimersByTime(49);
    expect(lines().length - before).toBe(1);
    jest.advanceTimersByTime(1);
    expect(lines().length - before).toBe(2);
    jest.useRealTimers();
  });

  test("a listing is one note: the next pass serves every key it held with no call, and a key it lacked from that key's own note", async () => {
    const t = { now: 3_000_000 };
    writeRunNotes();
    const keys = Array.from({ length: 250 }, (_, i) => `secret-listed${i}`);
    const listedPass = () => {
      const calls = { pages: 0, singles: [] as string[] };
      const source = {
        page: async (n: number) => (calls.pages++, { items: keys.slice((n - 1) * 100, n * 100), more: n < 3, pages: 3 }),
        idOf: (k: string) => k,
      };
      const notes = RunCache.open(`statsig:listed:${run}`, SECRET, 60_000, () => t.now, run);
      const reads = new ListServedReads(source, { after: 3, maxPages: 25, maxAgeMs: 60_000 }, () => t.now, notes);
      const read = (id: string) => reads.read(id, async () => (calls.singles.push(id), id.startsWith("secret-listed") ? id : undefined));
      return { reads, read, calls };
    };
    const preview = listedPass();
    const before = lines().length;
    // The preview asks for 200 of the 250 keys; its listing holds them all.
    const all = await Promise.all([...keys.slice(0, 200), "secret-notlisted"].map((id) => preview.read(id)));
    expect(all.slice(0, 200)).toEqual(keys.slice(0, 200));
    expect(all[200]).toBeUndefined();
    expect(preview.calls.pages).toBe(3);
    expect(preview.calls.singles).toEqual(["secret-listed0", "secret-listed1", "secret-listed2", "secret-notlisted"]);
    writeRunNotes();
    expect(lines().length - before).toBe(1); // one sealed batch: the listing and the four single answers

    const real = listedPass();
    for (const id of keys) expect(await real.read(id)).toBe(id); // the 50 it never asked for too: the note is the listing
    expect(await real.read("secret-notlisted")).toBeUndefined(); // "gone", from its own note
    expect(real.calls).toEqual({ pages: 0, singles: [] });

    real.reads.invalidate(); // a write in the scope: the listing no longer describes it
    writeRunNotes();
    const afterWrite = listedPass();
    await afterWrite.read("secret-listed7");
    expect(afterWrite.calls.singles).toEqual(["secret-listed7"]);
  });

  test("outside a pulumi run there are no notes", () => {
    expect(RunCache.open("statsig:test:none", SECRET, 60_000, Date.now, undefined)).toBeUndefined();
  });
});

describe("list-served reads", () => {
  // A scope of `total` keys "k1".."kN", 100 a page; counts the calls each way.
  const scope = (total: number, opts = { after: 3, maxPages: 5, maxAgeMs: 60_000 }, fail = false) => {
    const calls = { pages: [] as number[], singles: [] as string[] };
    let t = 0;
    const source = {
      async page(n: number): Promise<ListPage<string>> {
        calls.pages.push(n);
        if (fail) throw new Error("list failed");
        const items = Array.from({ length: Math.max(0, Math.min(100, total - (n - 1) * 100)) }, (_, i) => `k${(n - 1) * 100 + i + 1}`);
        return { items, more: n * 100 < total, pages: Math.ceil(total / 100) };
      },
      idOf: (k: string) => k,
    };
    const reads = new ListServedReads(source, opts, () => t);
    const read = (id: string) =>
      reads.read(id, async () => {
        calls.singles.push(id);
        return id.startsWith("k") && Number(id.slice(1)) <= total ? id : undefined;
      });
    return { reads, read, calls, tick: (ms: number) => (t += ms) };
  };

  test("once the first page gives the count, the other pages are asked for together: the same calls, not one after another", async () => {
    let inFlight = 0;
    let most = 0;
    const pages: number[] = [];
    const source = {
      async page(n: number): Promise<ListPage<string>> {
        pages.push(n);
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        const items = Array.from({ length: 100 }, (_, i) => `k${(n - 1) * 100 + i + 1}`);
        return { items, more: n < 5, pages: 5 };
      },
      idOf: (k: string) => k,
    };
    const reads = new ListServedReads(source, { after: 0, maxPages: 25, maxAgeMs: 60_000 }, () => 0);
    expect(await reads.read("k450", async () => undefined)).toBe("k450");
    expect(pages).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(4);
  });

  test("a few reads cost one call each; past them, one shared listing serves the rest", async () => {
    const s = scope(250);
    for (const id of ["k1", "k2", "k3"]) expect(await s.read(id)).toBe(id);
    expect(s.calls).toEqual({ pages: [], singles: ["k1", "k2", "k3"] });
    const ids = Array.from({ length: 200 }, (_, i) => `k${i + 4}`);
    expect(await Promise.all(ids.map(s.read))).toEqual(ids);
    expect(s.calls.pages).toEqual([1, 2, 3]);
    expect(s.calls.singles).toHaveLength(3);
  });

  test("a key missing from the listing is read on its own (gone stays gone)", async () => {
    const s = scope(50);
    for (const id of ["k1", "k2", "k3", "k4"]) await s.read(id);
    expect(await s.read("k999")).toBeUndefined();
    expect(s.calls.singles).toEqual(["k1", "k2", "k3", "k999"]);
  });

  test("a write invalidates the listing, and an old one is taken again", async () => {
    const s = scope(50);
    for (const id of ["k1", "k2", "k3", "k4", "k5"]) await s.read(id);
    expect(s.calls.pages).toEqual([1]);
    s.reads.invalidate();
    await s.read("k6");
    expect(s.calls.pages).toEqual([1, 1]);
    s.tick(60_001);
    await s.read("k7");
    expect(s.calls.pages).toEqual([1, 1, 1]);
  });

  test("a huge scope is listed no further than its first page", async () => {
    const s = scope(10_000);
    for (const id of ["k1", "k2", "k3"]) await s.read(id);
    expect(await s.read("k50")).toBe("k50");
    expect(await s.read("k5000")).toBe("k5000");
    expect(s.calls.pages).toEqual([1]);
    expect(s.calls.singles).toEqual(["k1", "k2", "k3", "k5000"]);
  });

  test("a failed listing falls back to single reads", async () => {
    const s = scope(50, undefined, true);
    for (const id of ["k1", "k2", "k3", "k4", "k5"]) expect(await s.read(id)).toBe(id);
    expect(s.calls.pages).toEqual([1]);
    expect(s.calls.singles).toEqual(["k1", "k2", "k3", "k4", "k5"]);
  });
});

describe("redaction", () => {
  test("registered secrets and key-shaped strings never survive", () => {
    registerSecret("my-very-private-token-123");
    const msg = redact("failed with my-very-private-token-123 and secret-AbCdEf123456 and Bearer abc.def.ghi and x-api-key: live_abcdefghijklmnop");
    expect(msg).not.toContain("my-very-private-token-123");
    expect(msg).not.toContain("secret-AbCdEf123456");
    expect(msg).not.toContain("abc.def.ghi");
    expect(msg).not.toContain("live_abcdefghijklmnop");
    expect(msg).toContain("[REDACTED]");
  });

  test("errors redact their messages and carry stable codes", () => {
    registerSecret("console-abcdefghijklmnop");
    const e = new HttpStatusError({ api: "statsig", method: "GET", route: "/console/v1/keys/{id}" }, 401, "bad key console-abcdefghijklmnop");
    expect(e.code).toBe("PAK_UNAUTHORIZED");
    expect(e.kind).toBe("user");
    expect(e.message).not.toContain("console-abcdefghijklmnop");
    expect(e.message).toContain("/console/v1/keys/{id}");
    expect(new TransportError({ api: "x", method: "GET", route: "/" }, "UND_ERR_HEADERS_TIMEOUT", true).code).toBe("PAK_TIMEOUT");
    expect(new HttpStatusError({ api: "x", method: "GET", route: "/" }, 503, "").code).toBe("PAK_SERVER_ERROR");
  });

  test("the SDK's debug dump of an RPC response loses its response, other debug messages are kept", async () => {
    const dump = "RegisterResource RPC finished: resource:server[pulumi-nodejs:dynamic/statsig:Key]; err: null, resp: urn:x,key,,,value,,,secret-AbCdEf123456";
    expect(withoutRpcResponse(dump)).toBe(
      `RegisterResource RPC finished: resource:server[pulumi-nodejs:dynamic/statsig:Key]; err: null, resp: ${RESPONSE_ELIDED}`,
    );
    expect(withoutRpcResponse("Invoke RPC finished: tok=x; err: null, resp: secret-AbCdEf123456")).not.toContain("secret-AbCdEf123456");
    expect(withoutRpcResponse("Registering resource: t=x, name=y")).toBe("Registering resource: t=x, name=y");

    // Installed on the module object the SDK's runtime calls through, once however often it is asked.
    const sdkLog = require("@pulumi/pulumi/log") as { debug: (msg: string) => Promise<void> };
    const real = sdkLog.debug;
    const sent: string[] = [];
    sdkLog.debug = async (msg: string) => void sent.push(msg);
    try {
      redactSdkRpcResponses();
      const installed = sdkLog.debug;
      redactSdkRpcResponses();
      expect(sdkLog.debug).toBe(installed);
      await sdkLog.debug(dump);
      await sdkLog.debug("Registering resource: t=x, name=y");
      expect(sent).toEqual([withoutRpcResponse(dump), "Registering resource: t=x, name=y"]);
    } finally {
      sdkLog.debug = real;
    }
  });

  test("fingerprints are stable, short and not the secret", () => {
    expect(fingerprint("secret-abc")).toBe(fingerprint("secret-abc"));
    expect(fingerprint("secret-abc")).toHaveLength(16);
    expect(fingerprint("secret-abc")).not.toBe(fingerprint("secret-abd"));
    // The value every existing state records: the first 16 hex digits of the value's SHA-256.
    expect(fingerprint("secret-abc")).toBe(createHash("sha256").update("secret-abc").digest("hex").slice(0, 16));
  });

  test("a fingerprint kept for a value is that value's, past the bound on how many are kept", () => {
    const sha = (v: string) => createHash("sha256").update(v).digest("hex").slice(0, 16);
    const values = Array.from({ length: 10_050 }, (_, i) => `secret-value-${i}`);
    for (const v of values) fingerprint(v);
    // Asked again, from fresh string objects as each request's parse makes them: the same answers.
    for (const v of [values[0]!, values[9_999]!, values[10_049]!]) expect(fingerprint(`${v}`.split("").join(""))).toBe(sha(v));
  });
});

describe("diff", () => {
  test("canonical form: absent, null and empty are the same; key order is not a change", () => {
    expect(canonical({ b: 1, a: [], c: null })).toEqual({ b: 1 });
    expect(sameValue({ x: 1, y: 2 }, { y: 2, x: 1 })).toBe(true);
    expect(sameValue(["a", "b"], ["b", "a"], true)).toBe(true);
    expect(sameValue(["a", "b"], ["b", "a"], false)).toBe(false);
    expect(sameValue(undefined, [])).toBe(true);
  });

  test("a set's canonical form is its members sorted, once each, in a new list", () => {
    const lists: string[][] = [
      [],
      ["a"],
      ["a", "b"],
      ["b", "a"],
      ["a", "a"],
      ["a", "b", "b"],
      ["é", "e", "Z", "z"],
      ["omni_read_only"],
      ["x", "y", "x"],
      ["10", "9", "1"],
    ];
    for (const xs of lists) {
      const c = canonicalSet(xs);
      expect(c).toEqual([...new Set(xs)].sort());
      expect(c).not.toBe(xs); // the caller may keep and change it
    }
    expect(canonicalSet(undefined)).toEqual([]);
    expect(canonicalSet(null)).toEqual([]);
  });

  test("the fast paths for scalars and lists of strings agree with the canonical comparison", () => {
    // Each pair against canonical JSON, the rule the fast paths shortcut (a set: members de-duplicated, sorted).
    const slow = (a: unknown, b: unknown, asSet: boolean) => {
      const norm = (x: unknown) => {
        const c = canonical(x);
        return JSON.stringify(asSet && Array.isArray(c) ? [...new Set(c.map((e) => JSON.stringify(e)))].sort() : (c ?? null));
      };
      return norm(a) === norm(b);
    };
    const values: unknown[] = [
      undefined,
      null,
      [],
      "",
      "a",
      "true",
      true,
      false,
      0,
      1,
      ["a"],
      ["a", "a"],
      ["b", "a"],
      ["a", "b"],
      ["a", 1],
      [null],
      {},
      { a: 1 },
    ];
    for (const a of values)
      for (const b of values) for (const asSet of [false, true]) expect([a, b, asSet, sameValue(a, b, asSet)]).toEqual([a, b, asSet, slow(a, b, asSet)]);
    expect(sameValue(["a", "a", "b"], ["b", "a"], true)).toBe(true);
    expect(sameValue("", undefined)).toBe(false);
    expect(sameValue(true, "true")).toBe(false);
  });

  test("policy decides update vs replace; unlisted fields are ignored", () => {
    const d = diffInputs<Record<string, unknown>>(
      { type: "replace", scopes: "set", description: "update", active: (o, n) => (o === false && n !== false ? "replace" : "update") },
      { type: "SERVER", scopes: ["a", "b"], description: "x", active: true, key: "old" },
      { type: "CLIENT", scopes: ["b", "a"], description: "y", active: false, key: "new" },
    );
    expect(d.changed.sort()).toEqual(["active", "description", "type"]);
    expect(d.replaces).toEqual(["type"]);
    const back = diffInputs({ active: (o, n) => (o === false && n !== false ? "replace" : "update") }, { active: false }, { active: true });
    expect(back.replaces).toEqual(["active"]);
  });
});

describe("checks", () => {
  test("canonical inputs: sets sorted, defaults filled", () => {
    const r = checkInputs(keyArgsCanonical(), {
      type: "SERVER",
      description: "d",
      scopes: ["omni_read_write", "can_access_keys"],
      environments: ["prod", "dev"],
    });
    expect(r.inputs).toEqual({
      type: "SERVER",
      description: "d",
      scopes: ["can_access_keys", "omni_read_write"],
      environments: ["dev", "prod"],
      secondaryTargetApps: [],
      active: true,
    });
  });

  test("unknown values (computed at apply) are not judged at preview", () => {
    const r = checkInputs(keyArgsCanonical(), { type: "SERVER", description: UNKNOWN, targetApp: UNKNOWN });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({ description: UNKNOWN, targetApp: UNKNOWN });
  });

  test("failures name the field and the rule", () => {
    const r = checkInputs(keyArgsCanonical(), {
      type: "PUBLIC",
      description: "",
      scopes: ["nope"],
      targetApp: "a",
      secondaryTargetApps: ["a"],
      rotation: "",
      extra: 1,
    });
    const byProp = Object.fromEntries((r.failures ?? []).map((f) => [f.property, f.reason]));
    expect(byProp["type"]).toMatch(/must be one of SERVER, CLIENT/);
    expect(byProp["description"]).toBe("must not be empty");
    expect(byProp["scopes[0]"]).toMatch(/must be one of omni_read_only/);
    expect(byProp["rotation"]).toBe("must not be empty");
    expect(byProp["extra"]).toMatch(/unknown input/);
  });

  test("a provider process builds no rule as it loads; its first check builds the Args rules, and later checks reuse them", async () => {
    // zod hands every schema it builds to the postProcessor: a refresh's processes, which never check, build none.
    let built = 0;
    z.config({ postProcessor: () => void built++ });
    try {
      let providers!: Record<string, LifecycleProvider>;
      jest.isolateModules(() => {
        const { ENTRIES } = require("../../provider/registry") as typeof import("../../provider/registry");
        providers = Object.fromEntries(ENTRIES.map((e) => [e.api, e.provider()]));
      });
      expect(built).toBe(0);
      const statsig = providers.statsig!;
      const first = await statsig.check!({ type: "SERVER" }, { type: "SERVER", description: "d", scopes: ["omni_read_only"] });
      expect(first.failures ?? []).toEqual([]);
      const afterFirst = built;
      expect(afterFirst).toBeGreaterThan(0);
      const second = await statsig.check!({ type: "SERVER" }, { type: "SERVER", description: "e", environments: ["production"] });
      expect(second.inputs).toMatchObject({ description: "e", environments: ["production"] });
      expect(built).toBe(afterFirst);
      // The rules it built are the whole rules (a failed check also builds its zod error, so it comes last).
      const bad = await statsig.check!({ type: "SERVER" }, { type: "SERVER", description: "" });
      expect(bad.failures).toEqual([{ property: "", reason: "description: must not be empty" }]);
    } finally {
      z.config({ postProcessor: undefined });
    }
  });

  test("conflicting fields are rejected", () => {
    const r = checkInputs(keyArgsCanonical(), { type: "SERVER", description: "d", targetApp: "a", secondaryTargetApps: ["a", "b"] });
    expect(r.failures).toEqual([{ property: "secondaryTargetApps", reason: "must not repeat targetApp" }]);
    // A rotation trigger never stops a key from being deactivated (the provider refuses only rotating a key that stays off).
    const r2 = checkInputs(keyArgsCanonical(), { type: "SERVER", description: "d", active: false, rotation: "1" });
    expect(r2.failures).toBeUndefined();
  });
});

describe("request timeout setting", () => {
  const cfg = (v?: string) => ({ get: (k: string) => (k === "pulumi-api-keys:requestTimeoutMs" ? v : undefined) });
  test("unset keeps the defaults; a number of ms sets both the headers and the body timeout", () => {
    expect(httpOptionsFrom(cfg(undefined))).toEqual({});
    expect(httpOptionsFrom(cfg("2500"))).toEqual({ timeouts: { headersMs: 2500, bodyMs: 2500 } });
  });
  test("a bad value is the user's error, naming the setting and the rule", () => {
    for (const bad of ["soon", "1.5", "0", "99", "600001"]) {
      expect(() => httpOptionsFrom(cfg(bad))).toThrow(
        /pulumi-api-keys:requestTimeoutMs \(or PULUMI_API_KEYS_REQUEST_TIMEOUT_MS\) must be a whole number of milliseconds from 100 to 600000/,
      );
    }
  });
});

describe("declared values kept across refresh", () => {
  const policy = { description: "update", scopes: "set", targetApp: "update", customKey: "update" } as const;
  const declared = { description: "svc", scopes: ["a", "b"], customKey: "s3cret" };

  test("in sync stores nothing; a drifted field keeps the declared value (null for not set), a set compares by members", () => {
    expect(declaredAfterRead(policy, declared, { description: "svc", scopes: ["b", "a"], customKey: "s3cret" })).toEqual({});
    const live = { description: "edited", scopes: ["a"], targetApp: "other", customKey: "changed" };
    expect(declaredAfterRead(policy, declared, live, ["customKey"])).toEqual({
      declared: { description: "svc", scopes: ["a", "b"], targetApp: null },
    });
  });

  test("a second refresh keeps the first declaration, and drops a field that is back in line", () => {
    const afterFirst = { description: "edited", scopes: ["a"], declared: { description: "svc", scopes: ["a", "b"] } };
    expect(declaredAfterRead(policy, afterFirst, { description: "edited again", scopes: ["a", "b"] })).toEqual({ declared: { description: "svc" } });
    expect(declaredAfterRead(policy, afterFirst, { description: "svc", scopes: ["a", "b"] })).toEqual({});
  });

  test("the drift command compares with the declaration; an update settles it even when the program now declares what is live", () => {
    const outputs = { description: "edited", declared: { description: "svc", targetApp: null } };
    expect(declaredInputs({ description: "edited", targetApp: "other" }, outputs)).toEqual({ description: "svc", targetApp: null });
    expect(diff(policy, outputs, { description: "edited" }).changes).toBe(true);
    expect(diff(policy, { description: "edited" }, { description: "edited" }).changes).toBe(false);
  });
});

describe("inputs at their default, as state keeps them", () => {
  const defaults = defaultsOf(KEY_FIELDS);

  test("the table's defaults: state leaves them out, the lifecycle fills them, an old state's explicit ones read the same", () => {
    expect(defaults).toEqual({ scopes: [], environments: [], secondaryTargetApps: [], active: true });
    const declared: Record<string, unknown> = { type: "SERVER", description: "svc", scopes: ["omni_read_only"] };
    const full = { ...declared, environments: [], secondaryTargetApps: [], active: true };
    expect(withoutDefaults(defaults, full)).toEqual(declared);
    expect(withDefaults(defaults, declared)).toEqual(full);
    expect(withDefaults(defaults, { ...declared, active: null })).toEqual(full); // null is "not set" (a displaced declaration)
    // Nothing to do, nothing made: a refresh passes every key through both.
    expect(withDefaults(defaults, full)).toBe(full);
    expect(withoutDefaults(defaults, declared)).toBe(declared);
    // A value other than the default stays, and a filled default is the key's own to change.
    expect(withoutDefaults(defaults, { ...declared, active: false })).toEqual({ ...declared, active: false });
    const filled = withDefaults(defaults, declared);
    (filled.secondaryTargetApps as string[]).push("x");
    expect(withDefaults(defaults, declared).secondaryTargetApps).toEqual([]);
  });

  test("a default is kept where the engine held another value: a change back to it shows as false => true, not as a removal", () => {
    const back = { type: "SERVER", description: "svc", active: true };
    expect(withoutDefaults(defaults, back, { active: false })).toEqual(back);
    expect(withoutDefaults(defaults, back, { active: true })).toEqual({ type: "SERVER", description: "svc" });
    expect(withoutDefaults(defaults, back, {})).toEqual({ type: "SERVER", description: "svc" });
  });
});

describe("docs/REFERENCE.md", () => {
  test("is what the plugin's schema generates (npm run reference)", () => {
    const { referenceMarkdown } = require("../../provider/plugin/reference") as typeof import("../../provider/plugin/reference");
    const file = require("node:fs").readFileSync(require("node:path").join(__dirname, "../../docs/REFERENCE.md"), "utf8");
    expect(file).toBe(referenceMarkdown());
  });
});

describe("setMemberChanges", () => {
  const { setMemberChanges } = require("../../provider/core/diff") as typeof import("../../provider/core/diff");
  test("a member added and another removed are an add and a delete, not shifted positions", () => {
    expect(setMemberChanges("s", ["a", "b"], ["b", "c"])).toEqual({ "s[0]": "delete", "s[1]": "add" });
  });
  test("only an add, or only a delete", () => {
    expect(setMemberChanges("s", ["a"], ["a", "b"])).toEqual({ "s[1]": "add" });
    expect(setMemberChanges("s", ["a", "b"], ["b"])).toEqual({ "s[0]": "delete" });
  });
  test("a member replaced at the same sorted position is one update there", () => {
    expect(setMemberChanges("s", ["production"], ["staging"])).toEqual({ "s[0]": "update" });
  });
});

describe("rotation policy", () => {
  const r = require("../../provider/core/rotation") as typeof import("../../provider/core/rotation");
  const day = 86_400_000;
  test("durations in hours, days and weeks; anything else refused", () => {
    expect(r.policyMs("720h")).toBe(30 * day);
    expect(r.policyMs("90d")).toBe(90 * day);
    expect(r.policyMs("12w")).toBe(84 * day);
    for (const bad of ["90", "90 d", "0d", "1.5d", "3m", "-1d", "d"]) expect(r.rotateAfterRule().safeParse(bad).success).toBe(false);
  });
  test("due when the value is as old as the policy, judged on rotatedAt, else createdAt", () => {
    const now = Date.parse("2027-03-01T00:00:00Z");
    const at = new Date(now - 92 * day).toISOString();
    expect(r.rotationDue("90d", { rotatedAt: at }, now)).toEqual({ due: true, ageDays: 92, policy: "90d" });
    expect(r.rotationDue("13w", { createdAt: at }, now)).toEqual({ due: true, ageDays: 92, policy: "13w" });
    expect(r.rotationDue("14w", { rotatedAt: at }, now)?.due).toBe(false);
    expect(r.rotationDue(undefined, { rotatedAt: at }, now)).toBeUndefined();
    expect(r.rotationDue("90d", {}, now)).toBeUndefined(); // age unknown: never due
    expect(r.dueMessage({ due: true, ageDays: 92, policy: "90d" })).toBe("rotation due: 92 days old, policy 90d");
  });
});

describe("a provider's client", () => {
  class Recorded {
    static made: ClientOptions[] = [];
    constructor(readonly options: ClientOptions) {
      Recorded.made.push(options);
    }
  }
  class Probe extends ApiProvider<Recorded> {
    constructor() {
      super(STATSIG, Recorded);
    }
    get current(): Recorded {
      return this.client();
    }
    // Only the client is exercised here.
    protected checkKey = unused;
    protected createKey = unused;
    protected readKey = unused;
    protected updateKey = unused;
    protected adoptKey = unused;
    protected deleteKey = unused;
  }
  function unused(): never {
    throw new Error("not part of this test");
  }
  const config = (values: Record<string, string>) => ({ config: { get: (k: string) => values[k] } });
  const saved = process.env.PULUMI_API_KEYS_RATE_LIMITS;
  afterEach(() => {
    Recorded.made = [];
    if (saved === undefined) delete process.env.PULUMI_API_KEYS_RATE_LIMITS;
    else process.env.PULUMI_API_KEYS_RATE_LIMITS = saved;
  });

  test("is made once per configuration and made again when what it is made from changes", async () => {
    const p = new Probe();
    await p.configure(config({ "pulumi-api-keys:statsigConsoleApiKey": "console-first-credential", "pulumi-api-keys:statsigApiUrl": "http://a.invalid" }));
    const first = p.current;
    expect(p.current).toBe(first);
    expect(Recorded.made).toHaveLength(1);
    process.env.PULUMI_API_KEYS_RATE_LIMITS = "off";
    expect(p.current).not.toBe(first);
    await p.configure(config({ "pulumi-api-keys:statsigConsoleApiKey": "console-second-credential", "pulumi-api-keys:statsigApiUrl": "http://a.invalid" }));
    expect(p.current.options.credential).toBe("console-second-credential");
    expect(Recorded.made.map((o) => [o.credential, o.baseUrl])).toEqual([
      ["console-first-credential", "http://a.invalid"],
      ["console-first-credential", "http://a.invalid"],
      ["console-second-credential", "http://a.invalid"],
    ]);
  });

  test("unconfigured, from the environment: equal settings reuse it, a changed one makes another", async () => {
    const p = new Probe();
    const env = STATSIG.credential.setting.env;
    const before = process.env[env];
    try {
      process.env[env] = "console-from-the-environment";
      const first = p.current;
      expect(p.current).toBe(first);
      process.env[env] = "console-changed-in-the-environment";
      expect(p.current.options.credential).toBe("console-changed-in-the-environment");
      expect(Recorded.made).toHaveLength(2);
    } finally {
      if (before === undefined) delete process.env[env];
      else process.env[env] = before;
    }
  });
});
