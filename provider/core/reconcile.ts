// After a write whose answer was lost, find out what happened instead of sending it again blind.
//
// A create or rotate makes a key that did not exist before. So, per vendor scope and process (one
// process serves a whole `pulumi up`), the keys that existed before this run's first such write are
// listed once, and every key this run made is remembered. After a failure that leaves the outcome
// unknown, a listed key that matches the declaration and is neither old nor already claimed is the one
// this call made: it is adopted. A request that got no answer may still be at work on the server, so
// the listing is repeated for a grace period before the write is judged not to have happened.
import { ApiKeysError } from "./errors";

/** How a failed write left things: it did not happen, or nobody knows (answered: the server finished). */
export type WriteOutcome = "not-applied" | "unknown-answered" | "unknown-unanswered";

export function outcomeOf(e: unknown): WriteOutcome {
  switch ((e as ApiKeysError).code) {
    case "PAK_SERVER_ERROR":
    case "PAK_BAD_RESPONSE":
      return "unknown-answered"; // a 5xx or a garbled 2xx: the server is done, one look tells
    case "PAK_NETWORK":
    case "PAK_TIMEOUT":
      return "unknown-unanswered"; // sent, no answer: it may still land
    default:
      return "not-applied";
  }
}

/** How long to keep looking for a write that got no answer: two request timeouts, within bounds. */
export function graceMsFor(requestTimeoutMs: number): number {
  return Math.min(60_000, Math.max(5_000, 2 * requestTimeoutMs));
}

/** One vendor scope's memory for this process: what existed before our first write, what we made since. */
class Ledger {
  private before?: Promise<Set<string>>;
  private readonly ours = new Set<string>();
  private inflight = 0;
  private idle: Array<() => void> = [];
  private lock: Promise<void> = Promise.resolve();

  /** The scope's keys before this run's first create or rotate, listed once. */
  snapshot(list: () => Promise<string[]>): Promise<Set<string>> {
    if (!this.before) {
      this.before = list().then((ids) => new Set(ids));
      this.before.catch(() => (this.before = undefined)); // a failed listing is tried again next time
    }
    return this.before;
  }

  claim(id: string): void {
    this.ours.add(id);
  }

  /** A key that is neither from before this run nor already this run's. */
  isNew(id: string, before: Set<string>): boolean {
    return !before.has(id) && !this.ours.has(id);
  }

  /** Runs a write, counted so that reconciliation can wait for the others in flight. */
  async writing<T>(fn: () => Promise<T>): Promise<T> {
    this.inflight++;
    try {
      return await fn();
    } finally {
      if (--this.inflight === 0) for (const r of this.idle.splice(0)) r();
    }
  }

  /** One reconciliation at a time, after the scope's other writes have answered (their keys are claimed by then). */
  async exclusively<T>(fn: () => Promise<T>): Promise<T> {
    const turn = this.lock.then(async () => {
      if (this.inflight > 0) await new Promise<void>((r) => this.idle.push(r));
      return fn();
    });
    this.lock = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }
}

const ledgers = new Map<string, Ledger>();

/** Forgets every scope's snapshot, as a new process would (tests that call the provider as one run after another). */
export function startNewRun(): void {
  ledgers.clear();
}
function ledgerFor(scope: string): Ledger {
  let l = ledgers.get(scope);
  if (!l) ledgers.set(scope, (l = new Ledger()));
  return l;
}

export interface ScopeListing<K> {
  /** A name for the scope (API, endpoint, credential, project): one ledger per scope and process. */
  scope: string;
  /** Every key in the scope now. */
  list: () => Promise<K[]>;
  /** Every key in the scope before this run's first write, if it can come from this run's notes (else `list`). */
  before?: () => Promise<K[]>;
  /** A key's stable identity (a fingerprint, or the vendor's id). */
  idOf: (k: K) => string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Looks for the key an unsettled write made: new in the scope, matching `made`. Looks once after an
 * answered failure, and until the grace period is over after an unanswered one. Claims what it finds.
 */
async function findMade<K>(s: ScopeListing<K>, before: Set<string>, made: (k: K) => boolean, outcome: WriteOutcome, graceMs: number): Promise<K | undefined> {
  const ledger = ledgerFor(s.scope);
  return ledger.exclusively(async () => {
    const deadline = Date.now() + (outcome === "unknown-unanswered" ? graceMs : 0);
    for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
      const found = (await s.list()).find((k) => made(k) && ledger.isNew(s.idOf(k), before));
      if (found) {
        ledger.claim(s.idOf(found));
        return found;
      }
      if (Date.now() >= deadline) return undefined;
      await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
    }
  });
}

export interface CreateSpec<K> extends ScopeListing<K> {
  create: () => Promise<K>;
  /** Whether a listed key matches the declaration (the API's one definition; see each schema). */
  matches: (k: K) => boolean;
  graceMs: number;
}

/**
 * Takes the scope's snapshot ahead of a create (a check of a new resource calls it): in a preview, the
 * listing is noted for the real pass, which then spends none of its rate budget on it.
 */
export function takeSnapshot<K>(spec: ScopeListing<K>): Promise<Set<string>> {
  return ledgerFor(spec.scope).snapshot(async () => (await (spec.before ?? spec.list)()).map(spec.idOf));
}

/** From a check of a new resource: takes the snapshot now, best effort (a failure here is met again, and reported, by the create). */
export async function aheadOfCreates<K>(listing: () => ScopeListing<K>): Promise<void> {
  try {
    await takeSnapshot(listing());
  } catch {
    /* the create lists again and says what is wrong */
  }
}

/**
 * Creates a key at most once. After a failure with an unknown outcome, the key this call made is found
 * and adopted (`adopted: true`: the create's own answer, with any create-only value, was lost); only
 * when none appeared within the grace period is the create sent again.
 */
export async function createOnce<K>(spec: CreateSpec<K>): Promise<{ key: K; adopted: boolean }> {
  const ledger = ledgerFor(spec.scope);
  const before = await takeSnapshot(spec);
  for (let attempt = 1; ; attempt++) {
    try {
      const key = await ledger.writing(spec.create);
      ledger.claim(spec.idOf(key));
      return { key, adopted: false };
    } catch (e) {
      const outcome = outcomeOf(e);
      if (outcome === "not-applied") throw e;
      const found = await findMade(spec, before, spec.matches, outcome, spec.graceMs);
      if (found) return { key: found, adopted: true };
      if (attempt >= 3) throw e; // it did not happen, three times over: the API is failing, say so
    }
  }
}

/** Thrown when a write's outcome cannot be found out: the key must stay in state with its old value. */
export class UnsettledWriteError extends ApiKeysError {
  constructor(message: string) {
    super("PAK_UNSETTLED_WRITE", "api", message);
  }
}

/** A read that cannot find a key whose last rotate was never settled: the key is not called deleted. */
export function unsettledRead(id: string): ApiKeysError {
  return new ApiKeysError(
    "PAK_UNSETTLED_WRITE",
    "api",
    `${id}: a change of its value (a rotate, or a new custom key) failed without an answer, its old value no longer works, and its new value ` +
      "was never found. It is kept in state rather than called deleted: delete the key in the vendor console if it is there, then " +
      "`pulumi state delete` this resource, and `pulumi up` creates a new one",
  );
}

export interface SettleSpec<T> {
  /** The write that gives the key a new value (a rotate, a new custom key). */
  write: () => Promise<T>;
  /** The key under its new value, if the write happened (looked up without sending the write again). */
  landed: () => Promise<T | undefined>;
  /** Whether the key still answers to its old value. */
  stillOld: () => Promise<boolean>;
  graceMs: number;
  /** "the rotate", "the custom key change": for the message. */
  what: string;
}

/**
 * Changes a key's value at most once. After a failure with an unknown outcome, looks for the key under
 * its new value (for a grace period when no answer came): found, the write happened; still under its
 * old value at the end, it did not, and is sent again; neither, the outcome cannot be settled.
 */
export async function settleOnce<T>(spec: SettleSpec<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spec.write();
    } catch (e) {
      const outcome = outcomeOf(e);
      if (outcome === "not-applied") throw e;
      const deadline = Date.now() + (outcome === "unknown-unanswered" ? spec.graceMs : 0);
      let old: boolean;
      for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
        const found = await spec.landed();
        if (found) return found;
        old = await spec.stillOld();
        if (Date.now() >= deadline) break;
        await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
      }
      if (old) {
        if (attempt >= 3) throw e;
        continue; // the old value still works and nothing new appeared: the write did not happen
      }
      throw new UnsettledWriteError(
        `${spec.what} failed (${(e as Error).message}); the old value no longer works, and the new one was not found. ` +
          "The key stays in state: run `pulumi refresh` once the API answers again",
      );
    }
  }
}

export interface RotateSpec<K> extends ScopeListing<K> {
  rotate: () => Promise<K>;
  stillOld: () => Promise<boolean>;
  /** Whether a listed key is the rotated one: it matches the declaration. */
  matches: (k: K) => boolean;
  graceMs: number;
}

/** Rotates at most once (see settleOnce): the rotated value is the matching key that is new in the scope. */
export async function rotateOnce<K>(spec: RotateSpec<K>): Promise<K> {
  const ledger = ledgerFor(spec.scope);
  const before = await takeSnapshot(spec);
  return settleOnce({
    what: "the rotate",
    graceMs: spec.graceMs,
    stillOld: spec.stillOld,
    write: async () => {
      const key = await ledger.writing(spec.rotate);
      ledger.claim(spec.idOf(key));
      return key;
    },
    landed: () => findMade(spec, before, spec.matches, "unknown-answered", 0),
  });
}
