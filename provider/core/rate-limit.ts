// A process-wide request budget per API and project. One Node process serves every dynamic resource
// of a deployment, so a module-level registry keeps all of them, together, under the vendor's limits.

export interface Window {
  limit: number;
  windowMs: number;
}

/** Sliding-window limiter over several windows at once (e.g. 100 / 10 s and 900 / 15 min). FIFO. */
export class RateLimiter {
  private readonly stamps: number[][];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly windows: Window[],
    private readonly now: () => number = Date.now,
  ) {
    this.stamps = windows.map(() => []);
  }

  /** Resolves when one more request fits in every window, and counts it. */
  acquire(): Promise<void> {
    const turn = this.tail.then(() => this.waitForRoom());
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** How long a request arriving now would wait, in ms (0 if it fits). */
  delayNow(): number {
    const t = this.now();
    let wait = 0;
    this.windows.forEach((w, i) => {
      const s = this.prune(i, t);
      if (s.length >= w.limit) wait = Math.max(wait, s[s.length - w.limit]! + w.windowMs - t);
    });
    return wait;
  }

  /** Pushes every window's next slot to at least `ms` from now (a 429's Retry-After says the budget is spent). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
  private pausedUntil = 0;

  private prune(i: number, t: number): number[] {
    const s = this.stamps[i]!;
    const w = this.windows[i]!;
    let drop = 0;
    while (drop < s.length && s[drop]! <= t - w.windowMs) drop++;
    if (drop) s.splice(0, drop);
    return s;
  }

  private async waitForRoom(): Promise<void> {
    for (;;) {
      const wait = Math.max(this.delayNow(), this.pausedUntil - this.now());
      if (wait <= 0) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    const t = this.now();
    this.stamps.forEach((s) => s.push(t));
  }
}

const registry = new Map<string, RateLimiter>();

/** The shared limiter for `key` (API + project); created with `windows` the first time. */
export function limiterFor(key: string, windows: Window[]): RateLimiter {
  let l = registry.get(key);
  if (!l) {
    l = new RateLimiter(windows);
    registry.set(key, l);
  }
  return l;
}
