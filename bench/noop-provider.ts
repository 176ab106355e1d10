// The floors' dynamic provider: answers at once and calls nothing. Its resources' state refers to this
// file by path, as ours refer to the package's entry point, so both floors and ours store the same few
// bytes of provider per key (the SDK's serialized closure would add ~3 KB, which the engine rewrites on
// every step).
//
// With PAK_BENCH_FLOOR_LIMITS=<file>, it is the rate-limit floor: it makes the calls ours must make, one
// listing before the first create and one call per create, each as soon as Statsig's windows allow by
// send time, with nothing else in the way. The file holds the send times of one `pulumi` run, shared by
// its preview's provider process and its update's.
import * as fs from "node:fs";

export interface Window {
  limit: number;
  windowMs: number;
}

export const STATSIG_WINDOWS: Window[] = [
  { limit: 100, windowMs: 10_000 },
  { limit: 900, windowMs: 900_000 },
];

/** What `calls` need of the first window alone if each batch of `limit` went at once, in ms. */
export function windowMinimumMs(calls: number, window: Window = STATSIG_WINDOWS[0]!): number {
  return (Math.ceil(calls / window.limit) - 1) * window.windowMs;
}

/** Sliding windows over send times, FIFO: what a perfect client would do (no round trip to allow for). */
export class IdealWindows {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly windows: Window[],
    readonly sent: number[] = [],
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** How long a call made now would wait, in ms. */
  delayNow(): number {
    const t = this.now();
    let wait = 0;
    for (const w of this.windows) {
      const last = this.sent.length - w.limit; // the call that must leave the window first
      if (last >= 0) wait = Math.max(wait, this.sent[last]! + w.windowMs - t);
    }
    return wait;
  }

  /** Resolves at the send time of one more call, which is then counted. */
  take(): Promise<number> {
    const turn = this.tail.then(async () => {
      for (let wait = this.delayNow(); wait > 0; wait = this.delayNow()) await this.sleep(wait);
      const at = this.now();
      this.sent.push(at);
      return at;
    });
    this.tail = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }
}

let windows: IdealWindows | undefined;
let listed = false;
function limits(): IdealWindows | undefined {
  const file = process.env.PAK_BENCH_FLOOR_LIMITS;
  if (!file) return undefined;
  if (!windows) {
    const earlier = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number) : [];
    windows = new IdealWindows(STATSIG_WINDOWS, earlier);
    listed = earlier.length > 0;
  }
  return windows;
}

async function call(): Promise<void> {
  const w = limits();
  if (!w) return;
  const at = await w.take();
  fs.appendFileSync(process.env.PAK_BENCH_FLOOR_LIMITS!, `${at}\n`);
}

interface Inputs {
  description: string;
  [k: string]: unknown;
}

export const provider = {
  async check(olds: Inputs | undefined, news: Inputs) {
    // Ours lists the project once per run before its first create (to recognise a create whose answer
    // is lost), in the check of a new key, as early as the preview.
    const w = limits();
    if (w && !olds?.description && !listed) {
      listed = true;
      await call();
    }
    return { inputs: news };
  },
  async create(inputs: Inputs) {
    await call();
    // The fields ours stores, at their sizes, so that the engine handles as much state per key.
    const outs = {
      ...inputs,
      active: true,
      secondaryTargetApps: [],
      key: `secret-${"x".repeat(31)}`,
      keyFingerprint: "0123456789abcdef",
      credentialFingerprint: "0123456789abcdef",
      rotatedAt: new Date().toISOString(),
      status: "active",
    };
    return { id: `statsig-server-${inputs.description}`, outs };
  },
  async diff(_id: string, olds: Inputs, news: Inputs) {
    return { changes: olds.description !== news.description };
  },
  async update(_id: string, olds: Inputs, news: Inputs) {
    return { outs: { ...olds, ...news } };
  },
  async read(id: string, props: Inputs) {
    return { id, props };
  },
  async delete() {},
};
