// A process-wide request budget per API and project. One Node process serves every dynamic resource
// of a deployment, so a module-level registry keeps all of them, together, under the vendor's limits.
//
// Each request counts from the moment its answer arrives: the server saw it no later than that, and the
// next request reaches the server no earlier than it is sent, so holding a slot for a full window from the
// answer keeps the server's count under the limit with no safety margin to guess (the margin is the
// round trip itself: nothing on loopback, ~100 ms over the internet). A request still in flight holds
// its slot until it answers.

export interface Window {
  limit: number;
  windowMs: number;
}

/** Returned by `acquire`: call it when the answer (or the failure) arrives. */
export type Release = () => void;

/** Sliding-window limiter over several windows at once (e.g. 100 / 10 s and 900 / 15 min). FIFO. */
export class RateLimiter {
  /** Per window: when each finished request answered, ascending. */
  private readonly stamps: number[][];
  private inflight = 0;
  private released: Array<() => void> = [];
  private tail: Promise<void> = Promise.resolve();
  private pausedUntil = 0;

  constructor(
    readonly windows: Window[],
    private readonly now: () => number = Date.now,
  ) {
    this.stamps = windows.map(() => []);
  }

  /** Resolves when one more request fits in every window; the request holds its slot until released. */
  acquire(): Promise<Release> {
    const turn = this.tail.then(() => this.waitForRoom());
    this.tail = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /**
   * How long a request arriving now would wait, in ms (0 if it fits); Infinity while the requests
   * in flight alone fill a window (the wait ends when one of them answers).
   */
  delayNow(): number {
    const t = this.now();
    let wait = 0;
    this.windows.forEach((w, i) => {
      const s = this.prune(i, t);
      const excess = s.length + this.inflight - w.limit + 1; // how many finished requests must age out first
      if (excess <= 0) return;
      wait = Math.max(wait, excess > s.length ? Infinity : s[excess - 1]! + w.windowMs - t);
    });
    return wait;
  }

  /** Pushes every window's next slot to at least `ms` from now (a 429's Retry-After says the budget is spent). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Counts `calls` requests another process of this run made, answered at `at` (they share the vendor's window). */
  noteAnswered(calls: number, at: number): void {
    for (let c = 0; c < calls; c++) for (const s of this.stamps) insertSorted(s, at);
  }

  private prune(i: number, t: number): number[] {
    const s = this.stamps[i]!;
    const w = this.windows[i]!;
    let drop = 0;
    while (drop < s.length && s[drop]! <= t - w.windowMs) drop++;
    if (drop) s.splice(0, drop);
    return s;
  }

  private async waitForRoom(): Promise<Release> {
    for (;;) {
      const wait = Math.max(this.delayNow(), this.pausedUntil - this.now());
      if (wait <= 0) break;
      if (wait === Infinity) await new Promise<void>((r) => this.released.push(r));
      else await new Promise((r) => setTimeout(r, wait));
    }
    this.inflight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inflight--;
      const t = this.now();
      for (const s of this.stamps) insertSorted(s, t);
      for (const r of this.released.splice(0)) r();
    };
  }
}

/** Answers mostly come in order: insert from the end. */
function insertSorted(s: number[], t: number): void {
  let at = s.length;
  while (at > 0 && s[at - 1]! > t) at--;
  s.splice(at, 0, t);
}

const registry = new Map<string, RateLimiter>();

/**
 * The shared limiter for `key` (API + project); created with `windows` the first time. Undefined when
 * PULUMI_API_KEYS_RATE_LIMITS=off: for an emulator without limits, or a vendor plan with higher ones.
 */
export function limiterFor(key: string, windows: Window[]): RateLimiter | undefined {
  if (process.env.PULUMI_API_KEYS_RATE_LIMITS === "off") return undefined;
  let l = registry.get(key);
  if (!l) {
    l = new RateLimiter(windows);
    registry.set(key, l);
  }
  return l;
}
