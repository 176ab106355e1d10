// The programs the benchmarks run, and the floors ours is measured against. Shared with the reliability
// suite's rate-limit test, which holds 300 creates to the same rate-limit floor.

const STATSIG_WINDOW = { limit: 100, windowMs: 10_000 };

export const floorProgram = `
const pulumi = require("@pulumi/pulumi");
const cfg = new pulumi.Config();
const n = cfg.requireNumber("n"), changed = cfg.getNumber("changed") || 0, round = cfg.get("round") || "";
// The floor: a dynamic provider that makes no HTTP call, over resources of the same shape. It notes when
// the engine asks for each create, for the rate-limit floor.
const provider = {
  async create(inputs) {
    if (process.env.PAK_BENCH_CALL_TIMES) require("fs").appendFileSync(process.env.PAK_BENCH_CALL_TIMES, Date.now() + "\\n");
    return { id: "noop-" + inputs.description, outs: { ...inputs, key: "x", keyFingerprint: "f", status: "active" } };
  },
  async diff(id, olds, news) { return { changes: olds.description !== news.description }; },
  async update(id, olds, news) { return { outs: { ...olds, ...news } }; },
  async read(id, props) { return { id, props }; },
  async delete() {},
};
class Noop extends pulumi.dynamic.Resource { constructor(name, args) { super(provider, name, { ...args, key: undefined }, { additionalSecretOutputs: ["key"] }); } }
for (let i = 0; i < n; i++) new Noop("k" + i, { type: "SERVER", description: "key " + i + (i < changed ? " v" + round : ""), scopes: ["omni_read_only"], environments: ["production"] });
`;

export const keysProgram = `
const pulumi = require("@pulumi/pulumi");
const { statsig } = require("pulumi-api-keys");
const cfg = new pulumi.Config();
const n = cfg.requireNumber("n"), changed = cfg.getNumber("changed") || 0, round = cfg.get("round") || "";
for (let i = 0; i < n; i++) new statsig.Key("k" + i, { type: "SERVER", description: "key " + i + (i < changed ? " v" + round : ""), scopes: ["omni_read_only"], environments: ["production"] });
`;

/** The time the no-op run would take if its create calls were held to Statsig's window (see README). */
/**
 * The time the no-op run would take if its create calls were held to Statsig's window: call i goes no
 * earlier than the engine asked for it, no earlier than 10 s after call i - 100, and (`paced`) no sooner
 * after call i - 1 than the engine took between them (its own work per key does not vanish while it waits).
 */
export function rateLimitedFloorMs(
  callTimes: number[],
  startedAt: number,
  totalMs: number,
  opts: { paced?: boolean; window?: typeof STATSIG_WINDOW } = {},
): number {
  const w = opts.window ?? STATSIG_WINDOW;
  const a = [...callTimes].sort((x, y) => x - y).map((t) => t - startedAt);
  if (a.length === 0) return totalMs;
  const s: number[] = [];
  a.forEach((t, i) => {
    let at = t;
    if (i >= w.limit) at = Math.max(at, s[i - w.limit]! + w.windowMs);
    if (opts.paced && i > 0) at = Math.max(at, s[i - 1]! + (t - a[i - 1]!));
    s.push(at);
  });
  return Math.round(s[s.length - 1]! + (totalMs - a[a.length - 1]!));
}
