// One refresh's provider processes for bench/refresh-phases.ts: `--run <project> <state>` is the CLI run
// (its two passes, one after the other); `--pass <project> <state> <preview|real>` is one provider process,
// which prints its CPU by phase. Node's built-ins alone are loaded before what is measured.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";

/** One provider process's CPU by phase, in ms. */
export interface PassPhases {
  pass: "preview" | "real";
  /** Loading the package's entry point (the SDK already loaded). */
  entry: number;
  /** From the first call to the first read's answer: everything any read did meanwhile. */
  firstRead: number;
  /** The other reads and every diff. */
  rest: number;
}

/** `--run`: one CLI run's two passes, one after the other. `--pass`: one provider process. */
async function main(args: string[]): Promise<void> {
  const [mode, dir, stateFile, pass] = args;
  if (mode === "--run") {
    for (const p of ["preview", "real"]) {
      const r = spawnSync(process.execPath, [__filename, "--pass", dir!, stateFile!, p], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
      if (r.status !== 0) process.exit(1);
      process.stdout.write(r.stdout);
    }
    return;
  }
  const start = process.cpuUsage();
  const cpu = () => {
    const u = process.cpuUsage(start);
    return (u.user + u.system) / 1000;
  };
  require(require.resolve("@pulumi/pulumi", { paths: [dir!] })); // the dynamic-provider host has it loaded
  const sdk = cpu();
  const provider = require(require.resolve("pulumi-api-keys/providers/statsig", { paths: [dir!] }));
  const entry = cpu() - sdk;
  const settings: Record<string, string> = {
    "pulumi-api-keys:statsigApiUrl": process.env.PAK_BENCH_STATSIG_URL ?? "",
    "pulumi-api-keys:statsigConsoleApiKey": process.env.PAK_BENCH_STATSIG_KEY ?? "",
  };
  await provider.configure({ config: { get: (k: string) => settings[k] } });
  const keys = JSON.parse(fs.readFileSync(stateFile!, "utf8")) as Array<{ id: string; inputs: object; outputs: object }>;
  // Each call's arguments as the host gets them from gRPC: its own objects, made before the clock starts.
  const calls = keys.map((k) => ({ id: k.id, outputs: structuredClone(k.outputs), inputs: structuredClone(k.inputs) }));
  const from = cpu();
  let firstRead: number | undefined;
  await Promise.all(
    calls.map(async (k) => {
      const read = await provider.read(k.id, k.outputs);
      firstRead ??= cpu() - from;
      if (!read.id) throw new Error(`key ${k.id} read as gone`);
      await provider.diff(k.id, read.props, read.inputs ?? k.inputs); // the engine's refresh diff: live outputs against the inputs
    }),
  );
  const phases: PassPhases = { pass: pass as PassPhases["pass"], entry, firstRead: firstRead!, rest: cpu() - from - firstRead! };
  process.stdout.write(JSON.stringify(phases) + "\n");
  process.exit(0); // at once, as the engine ends it (its exit hooks write any notes still due, outside the phases)
}

void main(process.argv.slice(2));
