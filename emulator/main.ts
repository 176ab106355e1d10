#!/usr/bin/env node
// `npm run emulator [-- --port N] [--state FILE] [--no-rate-limits] [--empty]`: every emulated API on one port.
// Projects start as real ones do (Statsig's console credential and default keys, a hand-made key in
// the Basic and Auth API projects); `--empty` keeps only the console credential.
import * as fs from "node:fs";
import * as path from "node:path";
import type { EmulatedApi } from "./api";
import { Emulator } from "./server";

/** Every module of apis/ that exports `emulatedApi`, by file name: adding an API is adding its module. */
export function emulatedApis(): EmulatedApi[] {
  const dir = path.join(__dirname, "apis");
  return fs
    .readdirSync(dir)
    .filter((f) => /\.[tj]s$/.test(f) && !f.endsWith(".d.ts"))
    .sort()
    .flatMap((f) => {
      const m = require(path.join(dir, f)) as { emulatedApi?: () => EmulatedApi };
      return m.emulatedApi ? [m.emulatedApi()] : [];
    });
}

/** Every API on one server. Projects hold what real ones do unless `empty` (see EmulatorOptions). */
export function createEmulator(opts: { port?: number; stateFile?: string; rateLimits?: boolean; empty?: boolean } = {}): Emulator {
  return new Emulator({ ...opts, apis: emulatedApis() });
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const emulator = createEmulator({
    port: Number(arg("--port") ?? 8787),
    stateFile: arg("--state"),
    rateLimits: !argv.includes("--no-rate-limits"),
    empty: argv.includes("--empty"),
  });
  const url = await emulator.start();
  console.log(`pulumi-api-keys emulator listening on ${url}`);
  for (const api of emulator.opts.apis) console.log(`  ${api.usage(url)}`);
  console.log(`  admin        ${url}/_admin/{requests,faults,state,reset,apis}`);
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) void main(process.argv.slice(2));
