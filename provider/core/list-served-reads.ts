// A refresh reads each key with its own GET. Under Statsig's budget (100 / 10 s, 900 / 15 min) 500 of them
// take 50 s and most of a quarter-hour's allowance, while one list call returns 100 keys. So once a
// provider process has made `after` single reads in one scope (an API account or project), the next reads
// are answered from one listing of that scope, taken once and shared; a key missing from the listing is
// still read on its own (that is how "gone" is confirmed). Up to `after` reads cost one call each, as before.
// Every answer is also noted for the rest of the CLI run (core/run-cache.ts), so that the real pass of a
// refresh with preview reads nothing the preview already read: a listing as one note, a single read as one.
import { RunCache, writeRunNotes } from "./run-cache";

export interface ListPage<T> {
  items: T[];
  /** Whether a next page exists. */
  more: boolean;
  /** How many pages there are in all, when the API says. */
  pages?: number;
}

export interface ListSource<T> {
  /** Page `n`, from 1. */
  page(n: number): Promise<ListPage<T>>;
  /** The id a single read would use for this item; undefined when the item cannot be matched. */
  idOf(item: T): string | undefined;
  /** The scope's credential: it seals the run's notes (none are kept without it). */
  credential?: string;
  /** Told of calls another process of this run made in the scope (a listing it noted), for the rate budget. */
  spent?(calls: number, answeredAt: number): void;
}

/** The note that holds a whole listing of the scope (see `everything`). */
const EVERYTHING = "\0every key in the scope";
/** The note that holds what a listing for reads found (maybe not every key: see `take`). */
const LISTED = "\0keys listed for reads";

/** Every item of a paged listing, page 1 onwards, until a page says there is no next one (or comes back empty). */
export async function everyPage<T>(page: (n: number) => Promise<ListPage<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let n = 1; ; n++) {
    const p = await page(n);
    out.push(...p.items);
    if (!p.more || p.items.length === 0) return out;
  }
}

export interface ListServedReadsOptions {
  /** Single reads before a listing is worth taking. */
  after: number;
  /** A listing stops after this many pages, or after its first when the API says it has more: a few keys in a huge account. */
  maxPages: number;
  /** A listing older than this is taken again. */
  maxAgeMs: number;
}

export const LIST_SERVED_READS: ListServedReadsOptions = { after: 10, maxPages: 25, maxAgeMs: 60_000 };

interface Listing<T> {
  takenAt: number;
  byId: Promise<Map<string, T> | undefined>;
}

export class ListServedReads<T> {
  private reads = 0;
  private listing?: Listing<T>;

  constructor(
    private readonly source: ListSource<T>,
    private readonly opts: ListServedReadsOptions = LIST_SERVED_READS,
    private readonly now: () => number = Date.now,
    private readonly run?: RunCache,
  ) {}

  /** The item with this id: from this run's notes, the shared listing when one is worth it, else (or if absent) from `single`. */
  async read(id: string, single: () => Promise<T | undefined>): Promise<T | undefined> {
    // The noted listing first: a lookup by id, where a single read's note costs a keyed hash of the id.
    // Either is this run's answer with no write since; a key read on its own was one the listing missed,
    // or one read before the listing was taken.
    const listed = this.notedListing()?.get(id);
    if (listed !== undefined) return listed;
    const noted = this.run?.get(id);
    if (noted) return noted.value as T | undefined;
    const takenAt = this.now();
    underway++;
    try {
      const hit = await this.fromListing(id);
      if (hit !== undefined) return hit; // the listing's own note covers it
      const item = await single();
      this.run?.put(id, item, takenAt);
      return item;
    } finally {
      underway--;
    }
  }

  /** The item from the shared listing, once reads in the scope make one worth taking. */
  private async fromListing(id: string): Promise<T | undefined> {
    this.reads++;
    if (this.listing && this.now() - this.listing.takenAt > this.opts.maxAgeMs) this.listing = undefined;
    if (!this.listing && this.reads <= this.opts.after) return undefined;
    this.listing ??= { takenAt: this.now(), byId: this.take() };
    return (await this.listing.byId)?.get(id);
  }

  private listedFrom?: unknown;
  private listedById?: Map<string, T>;
  /**
   * What an earlier pass of this run listed (or this process, once its listing is noted), by id. One note
   * for the whole listing: writing one per key it answered cost more than the reads themselves.
   */
  private notedListing(): Map<string, T> | undefined {
    const items = this.run?.get(LISTED)?.value as T[] | undefined;
    if (items !== this.listedFrom) {
      this.listedFrom = items;
      this.listedById = items && this.index(items);
    }
    return this.listedById;
  }

  private index(items: T[], into = new Map<string, T>()): Map<string, T> {
    for (const item of items) {
      const id = this.source.idOf(item);
      if (id !== undefined) into.set(id, item);
    }
    return into;
  }

  /**
   * Every item in the scope, for recognising a write whose answer is lost (core/reconcile.ts): listed now,
   * or taken from this run's notes when an earlier pass (the preview) listed it and nothing was written
   * since. The preview lists while the engine plans, so the real pass's first write waits for nothing
   * and its first 100 calls are all writes.
   */
  async everything(): Promise<T[]> {
    const noted = this.run?.get(EVERYTHING)?.value as { items: T[]; calls: number; answeredAt: number } | undefined;
    if (noted) {
      this.source.spent?.(noted.calls, noted.answeredAt);
      return noted.items;
    }
    const takenAt = this.now();
    let calls = 0;
    const items = await everyPage((n) => (calls++, this.source.page(n)));
    this.run?.put(EVERYTHING, { items, calls, answeredAt: this.now() }, takenAt);
    return items;
  }

  /** After a write in this scope: the listing and the run's notes no longer describe it. */
  invalidate(): void {
    this.listing = undefined;
    this.run?.invalidate();
  }

  /** The listing (see `pages`), noted as one answer for the run's later passes. */
  private async take(): Promise<Map<string, T> | undefined> {
    const takenAt = this.now();
    const byId = await this.pages();
    if (byId?.size) this.run?.put(LISTED, [...byId.values()], takenAt);
    return byId;
  }

  /**
   * The listing, or undefined when it failed (the reads then go one by one and report any real error).
   * Every read waiting for it waits on its last page, so once the first page says how many there are, the
   * rest are asked for together: the same calls, in the time of about two.
   */
  private async pages(): Promise<Map<string, T> | undefined> {
    const byId = new Map<string, T>();
    const add = (items: T[]) => void this.index(items, byId);
    try {
      const first = await this.source.page(1);
      add(first.items);
      if (!first.more || first.items.length === 0) return byId;
      // Past the cap, stop: what was listed still serves, the rest is read key by key.
      if ((first.pages ?? 2) > this.opts.maxPages) return byId;
      if (first.pages !== undefined) {
        const rest = await Promise.allSettled(Array.from({ length: first.pages - 1 }, (_, i) => this.source.page(i + 2)));
        for (const r of rest) if (r.status === "fulfilled") add(r.value.items);
        // A page that failed, or a scope that grew past the count: what was listed serves, the rest is read key by key.
        return byId;
      }
      for (let n = 2; ; n++) {
        const p = await this.source.page(n);
        add(p.items);
        if (!p.more || p.items.length === 0) return byId;
        if ((p.pages ?? n + 1) > this.opts.maxPages) return byId;
      }
    } catch {
      return byId.size > 0 ? byId : undefined;
    }
  }
}

/** Reads of this process waiting for an answer. */
let underway = 0;

/**
 * Writes this run's pending notes once no read is waiting for its answer. A provider's `diff` calls it: in
 * a refresh the engine diffs each key after reading it, so the last diff of a pass finds every read
 * answered and writes the rest, before the engine ends the process (which it does without a clean exit).
 * While reads are still coming, the notes go in batches (core/run-cache.ts).
 */
export function writeRunNotesWhenSettled(): void {
  if (underway === 0) writeRunNotes();
}

const registry = new Map<string, ListServedReads<unknown>>();

/** The process-wide `ListServedReads` for one scope (`api:baseUrl:credential fingerprint[:project]`). */
export function listServedReadsFor<T>(scope: string, source: ListSource<T>): ListServedReads<T> {
  let r = registry.get(scope) as ListServedReads<T> | undefined;
  if (!r) {
    r = new ListServedReads(
      source,
      LIST_SERVED_READS,
      Date.now,
      source.credential ? RunCache.open(scope, source.credential, LIST_SERVED_READS.maxAgeMs) : undefined,
    );
    registry.set(scope, r as ListServedReads<unknown>);
  }
  return r;
}
