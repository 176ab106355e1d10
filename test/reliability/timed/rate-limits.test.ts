// 300 Statsig keys in one `pulumi up` with the emulator enforcing Statsig's documented limits
// (100 requests / 10 s, 900 / 15 min): every create succeeds, none is refused with a 429, and the run
// takes at most 1.1 x its floors, measured beside it through the same engine with a no-op provider: alone
// (the engine floor), and making ours' calls as soon as the windows allow (the rate-limit floor).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { floorProgram } from "../../../bench/floors";
import { windowMinimumMs } from "../../../bench/noop-provider";
import { EmulatorAdmin } from "../../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../../support/emulator-stack";
import { makeProject, PulumiProject } from "../../support/harness";
import { record, table } from "../record";

const N = 300;
const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig } = require("pulumi-api-keys");
const n = Number(new pulumi.Config().require("count"));
for (let i = 0; i < n; i++) new statsig.Key("k" + i, { type: "SERVER", description: "load key " + i, environments: ["production"] });
`;

describe("Statsig rate limits through the Pulumi CLI", () => {
  jest.setTimeout(20 * 60_000);
  let admin: EmulatorAdmin;
  let project: PulumiProject;

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("rate-limits", { "index.js": program }, { emulator: { rateLimits: true }, config: { count: String(N) } });
    ({ project } = stack);
    admin = await stack.admin.remember();
  });
  afterAll(() => stack?.close());

  test(`${N} keys created in one up with the limits enforced: zero failures, within 1.1x the larger floor`, async () => {
    // The floors first: the same 300 creates through the same engine, answered by a no-op provider; then
    // again on a second stack, with the no-op making ours' 301 calls (a listing, then one per key) under the limits.
    const limits = path.join(os.tmpdir(), `pak-rate-floor-${process.pid}`);
    fs.writeFileSync(limits, "");
    const floor = makeProject("rate-limits-floor", { "index.js": floorProgram });
    let engineMs: number;
    let rateFloorMs: number;
    try {
      await floor.init({ n: String(N) });
      let t = Date.now();
      await floor.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 15 * 60_000 });
      engineMs = Date.now() - t;
      const limited = new PulumiProject(floor.dir, "limited");
      await limited.init({ n: String(N) });
      t = Date.now();
      await limited.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 15 * 60_000, env: { PAK_BENCH_FLOOR_LIMITS: limits } });
      rateFloorMs = Date.now() - t;
      expect(fs.readFileSync(limits, "utf8").split("\n").filter(Boolean)).toHaveLength(N + 1);
    } finally {
      fs.rmSync(floor.dir, { recursive: true, force: true });
      fs.rmSync(limits, { force: true });
    }

    const started = Date.now();
    const up = await project.run(["up", "--yes", "--skip-preview"], { timeoutMs: 15 * 60_000 });
    const seconds = (Date.now() - started) / 1000;
    const log = await admin.requests();
    const refused = log.filter((r) => r.status === 429).length;
    const failed = log.filter((r) => r.status >= 300 && r.status !== 429).length;

    expect(up.code).toBe(0);
    expect((await admin.made()).statsig).toHaveLength(N);
    expect(log.filter((r) => r.method === "POST")).toHaveLength(N); // one call per key, none repeated
    expect(failed).toBe(0);
    expect(refused).toBe(0); // the client's shared budget kept every request inside the limit
    expect(await admin.violations()).toEqual([]);
    // The window alone: ours' N + 1 calls, 100 at once, then 100 per 10 s.
    const windowMinimum = windowMinimumMs(N + 1) / 1000;
    const ratio = (seconds * 1000) / Math.max(engineMs, rateFloorMs);
    await project.expectNoChanges();

    record(
      "rate-limits",
      table(
        [
          "keys",
          "`pulumi up` wall",
          "engine floor (no-op provider)",
          "rate-limit floor (no-op, ours' calls under the limits)",
          "window minimum",
          "ours / max(engine, rate-limit)",
          "calls",
          "answered 429",
          "other failures",
        ],
        [
          [
            N,
            `${seconds.toFixed(1)} s`,
            `${(engineMs / 1000).toFixed(1)} s`,
            `${(rateFloorMs / 1000).toFixed(1)} s`,
            `${windowMinimum} s`,
            `${ratio.toFixed(2)}x`,
            log.length,
            refused,
            failed,
          ],
        ],
      ),
      {
        n: N,
        seconds,
        engineFloorSeconds: engineMs / 1000,
        rateFloorSeconds: rateFloorMs / 1000,
        windowMinimumSeconds: windowMinimum,
        ratio,
        requests: log.length,
        refused,
        failed,
      },
    );
    expect(ratio).toBeLessThanOrEqual(1.1);
  });
});
