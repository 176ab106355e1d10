// `BENCH_ONLY=phases npm run bench`: where our own CPU goes in a refresh, by provider process and phase.
// The bench's tables time whole `pulumi refresh` runs, where a 100-key refresh's cost over the floor moves by
// about 25 ms from run to run: as much as the cost looked for. This plays the two provider processes of
// one refresh, each as its own Node process with the SDK loaded first, as the engine starts them: the
// preview, which reads every key (from bench/memory-transport.ts's vendor) and diffs it, then the real
// pass, served from the preview's notes. Both run under a parent named `pulumi`, as under the CLI, so the
// run's notes carry over. Each reports the CPU of loading the package's entry point, of the first read
// (with what the other reads did meanwhile), and of the rest. Not the engine's side (its gRPC, its
// serialization), and not a figure of the tables: a diagnostic of what our fixed cost is made of.
//   BENCH_PHASES_N=100    keys            BENCH_PHASES_ROUNDS=20    refreshes played
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STATSIG_CONSOLE_KEY } from "../emulator/apis/statsig";
import { makeProject } from "../test/support/pulumi-project";
import { revealSecrets } from "../provider/drift/stack";
import { keysProgram, MEMORY_URL, memoryVendor } from "./floors";
import { median } from "./report";
import type { PassPhases } from "./refresh-pass";

export type { PassPhases };

const PHASES = ["entry", "firstRead", "rest"] as const;
/** The provider processes' script: node's built-ins alone, so that nothing else is loaded before what is measured. */
const PASS_SCRIPT = path.join(__dirname, "refresh-pass.js");

/** Each pass's median per phase over the rounds, and the two passes' total. */
export function summarizePhases(rows: PassPhases[]): { pass: string; entry: number; firstRead: number; rest: number; total: number }[] {
  const total = (r: PassPhases | undefined) => (r ? r.entry + r.firstRead + r.rest : 0);
  const previews = rows.filter((r) => r.pass === "preview");
  const reals = rows.filter((r) => r.pass === "real");
  const summary = (pass: string, mine: PassPhases[]) => {
    const m = Object.fromEntries(PHASES.map((p) => [p, +median(mine.map((r) => r[p])).toFixed(1)])) as Record<(typeof PHASES)[number], number>;
    return { pass, ...m, total: +median(mine.map(total)).toFixed(1) };
  };
  const out = [summary("preview", previews), summary("real", reals)];
  const both = previews.map((p, i) => total(p) + total(reals[i])); // a round's two passes
  return [...out, { pass: "both", entry: NaN, firstRead: NaN, rest: NaN, total: +median(both).toFixed(1) }];
}

export function phasesMarkdown(n: number, rounds: number, rows: PassPhases[]): string {
  const cell = (v: number) => (Number.isNaN(v) ? "" : v.toFixed(1));
  return [
    `Our CPU in a ${n}-key refresh, by provider process and phase (ms, medians of ${rounds} rounds, in process: \`BENCH_ONLY=phases npm run bench\`)`,
    "",
    "| process | entry point | first read | the rest | total |",
    "|---|---|---|---|---|",
    ...summarizePhases(rows).map((r) => `| ${r.pass} | ${cell(r.entry)} | ${cell(r.firstRead)} | ${cell(r.rest)} | ${cell(r.total)} |`),
    "",
  ].join("\n");
}

/** A project of `n` keys on the in-memory vendor, created; returns it, its state (secrets revealed) and its env. */
async function memoryProject(n: number) {
  const { store, env: vendorEnv } = memoryVendor("phases");
  const env = { ...vendorEnv, PULUMI_API_KEYS_RATE_LIMITS: "off" };
  const project = makeProject("bench-phases", { "index.js": keysProgram }, env);
  await project.ok(["stack", "init", project.stack]);
  await project.ok(["config", "set-all", "--plaintext", `n=${n}`, "--plaintext", `pulumi-api-keys:statsigApiUrl=${MEMORY_URL}`]);
  await project.ok(["config", "set", "--secret", "pulumi-api-keys:statsigConsoleApiKey", STATSIG_CONSOLE_KEY]);
  await project.ok(["up", "--yes", "--skip-preview"], { timeoutMs: 600_000 });
  const state = revealSecrets((await project.exportState(true)).resources) as Array<Record<string, unknown>>;
  return { project, store, env, state };
}

export async function benchRefreshPhases(n: number, rounds: number, log: (m: string) => void): Promise<PassPhases[]> {
  const { project, store, env, state } = await memoryProject(n);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pak-bench-phases-"));
  try {
    const stateFile = path.join(work, "state.json");
    fs.writeFileSync(stateFile, JSON.stringify(state.filter((r) => r.type === "pulumi-nodejs:dynamic/statsig:Key")));
    // The run's parent as the provider processes find it: a process named `pulumi` (core/run-cache.ts cliRunId).
    const cli = path.join(work, "pulumi");
    fs.symlinkSync(process.execPath, cli);
    const rows: PassPhases[] = [];
    for (let round = 0; round <= rounds; round++) {
      const r = spawnSync(cli, [PASS_SCRIPT, "--run", project.dir, stateFile], {
        encoding: "utf8",
        env: { ...process.env, ...env, PAK_BENCH_STATSIG_URL: MEMORY_URL, PAK_BENCH_STATSIG_KEY: STATSIG_CONSOLE_KEY },
        timeout: 120_000,
      });
      if (r.status !== 0) throw new Error(`refresh phases: round ${round} failed: ${r.stderr.slice(-2000)}`);
      const passes = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as PassPhases);
      if (round > 0) rows.push(...passes); // the first round writes Node's code cache for this copy of the package
      log(`refresh phases ${round}: ${passes.map((p) => `${p.pass} ${(p.entry + p.firstRead + p.rest).toFixed(1)} ms`).join(", ")}`);
    }
    return rows;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(project.dir, { recursive: true, force: true });
    fs.rmSync(store, { force: true });
  }
}
