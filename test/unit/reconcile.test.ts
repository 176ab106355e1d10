// Reconciling writes whose answer was lost, on an in-memory vendor: what is adopted, what is sent again.
import { ApiKeysError } from "../../provider/core/errors";
import { createOnce, outcomeOf, settleOnce, startNewRun } from "../../provider/core/reconcile";

interface Key {
  id: string;
  label: string;
}

/** A vendor project in memory whose next creates can fail before or after acting, or land late. */
function vendor(initial: Key[] = []) {
  const keys = [...initial];
  let n = 0;
  const plan: Array<"ok" | "before" | "after" | "late"> = [];
  const calls = { create: 0, list: 0 };
  return {
    keys,
    calls,
    plan,
    list: async () => (calls.list++, keys.map((k) => ({ ...k }))),
    create: (label: string) => async (): Promise<Key> => {
      calls.create++;
      const key = { id: `k${++n}`, label };
      const how = plan.shift() ?? "ok";
      if (how === "before") throw new ApiKeysError("PAK_SERVER_ERROR", "api", "500 before acting");
      if (how === "late") {
        setTimeout(() => keys.push(key), 150); // the server acts after the client gave up
        throw new ApiKeysError("PAK_TIMEOUT", "api", "timed out");
      }
      keys.push(key);
      if (how === "after") throw new ApiKeysError("PAK_NETWORK", "api", "connection reset after acting");
      return key;
    },
  };
}

const spec = (v: ReturnType<typeof vendor>, scope: string, label: string) => ({
  scope,
  list: v.list,
  idOf: (k: Key) => k.id,
  graceMs: 600,
  create: v.create(label),
  matches: (k: Key) => k.label === label,
});

beforeEach(() => startNewRun());

test("outcomes: a 5xx or garbled answer is unknown but finished; no answer may still land; a 4xx did not happen", () => {
  expect(outcomeOf(new ApiKeysError("PAK_SERVER_ERROR", "api", ""))).toBe("unknown-answered");
  expect(outcomeOf(new ApiKeysError("PAK_BAD_RESPONSE", "api", ""))).toBe("unknown-answered");
  expect(outcomeOf(new ApiKeysError("PAK_TIMEOUT", "api", ""))).toBe("unknown-unanswered");
  expect(outcomeOf(new ApiKeysError("PAK_REJECTED", "user", ""))).toBe("not-applied");
});

test("a create that acted but lost its answer is adopted, never sent again", async () => {
  const v = vendor();
  v.plan.push("after");
  const r = await createOnce(spec(v, "s1", "ci"));
  expect(r).toEqual({ key: { id: "k1", label: "ci" }, adopted: true });
  expect(v.keys).toHaveLength(1);
  expect(v.calls.create).toBe(1);
});

test("a create that did not act is sent again; one that lands late is found within the grace period", async () => {
  const v = vendor();
  v.plan.push("before");
  expect((await createOnce(spec(v, "s2", "ci"))).adopted).toBe(false);
  expect(v.keys.map((k) => k.label)).toEqual(["ci"]);

  v.plan.push("late");
  const late = await createOnce(spec(v, "s2", "web"));
  expect(late).toMatchObject({ key: { label: "web" }, adopted: true });
  expect(v.keys.map((k) => k.label)).toEqual(["ci", "web"]);
  expect(v.calls.create).toBe(3);
});

test("an identical key that existed before the run is never taken for the lost one", async () => {
  const v = vendor([{ id: "by-hand", label: "ci" }]);
  v.plan.push("before");
  const r = await createOnce(spec(v, "s3", "ci"));
  expect(r.key.id).not.toBe("by-hand");
  expect(v.keys).toHaveLength(2);
});

test("two identical declarations created together: the one whose answer was lost does not take the other's key", async () => {
  const v = vendor();
  v.plan.push("after", "ok");
  const [a, b] = await Promise.all([createOnce(spec(v, "s4", "twin")), createOnce(spec(v, "s4", "twin"))]);
  expect(new Set([a.key.id, b.key.id]).size).toBe(2);
  expect(v.keys).toHaveLength(2);
  expect(v.calls.create).toBe(2);
});

test("a value change is settled by looking: landed is kept, not landed while the old still works is sent again, neither is unsettled", async () => {
  let value = "old";
  let sends = 0;
  const lookups = { landed: async () => (value === "new" ? value : undefined), stillOld: async () => value === "old", graceMs: 0, what: "the rotate" };
  // The server acted, the answer was lost: found under the new value, sent once.
  await expect(
    settleOnce({
      ...lookups,
      write: async () => {
        sends++;
        value = "new";
        throw new ApiKeysError("PAK_SERVER_ERROR", "api", "500 after acting");
      },
    }),
  ).resolves.toBe("new");
  expect(sends).toBe(1);

  // It did not act: the old value still works, so it is sent again.
  value = "old";
  sends = 0;
  await expect(
    settleOnce({
      ...lookups,
      write: async () => {
        if (++sends === 1) throw new ApiKeysError("PAK_SERVER_ERROR", "api", "500 before acting");
        return (value = "new");
      },
    }),
  ).resolves.toBe("new");
  expect(sends).toBe(2);

  // The old value stopped working and the new one is nowhere: the caller must keep the key, marked.
  value = "old";
  const err = await settleOnce({
    ...lookups,
    landed: async () => undefined,
    write: async () => {
      value = "gone";
      throw new ApiKeysError("PAK_BAD_RESPONSE", "api", "garbled");
    },
  }).catch((e) => e);
  expect(err.code).toBe("PAK_UNSETTLED_WRITE");
});
