#!/usr/bin/env node
// `npm run emulator [-- --port N] [--state FILE] [--no-rate-limits] [--empty]`: the three APIs on one port.
// Projects start as real ones do (Statsig's console credential and default keys, a hand-made key in
// the Basic and Auth API projects); `--empty` keeps only the console credential.
import { AUTHAPI_PROJECT, authApiCredentials, authapiApi } from "./apis/authapi";
import { basicApi, BASIC_PROJECT, BASIC_TOKEN } from "./apis/basic";
import { statsigApi, STATSIG_CONSOLE_KEY } from "./apis/statsig";
import { Emulator } from "./server";

/** The three APIs on one server. Projects hold what real ones do unless `empty` (see EmulatorOptions). */
export function createEmulator(opts: { port?: number; stateFile?: string; rateLimits?: boolean; empty?: boolean } = {}): Emulator {
  return new Emulator({ ...opts, apis: [statsigApi(), basicApi(), authapiApi()] });
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
  console.log(`  Statsig      STATSIG_API_URL=${url}  STATSIG_CONSOLE_API_KEY=${STATSIG_CONSOLE_KEY}`);
  console.log(`  Basic        BASIC_API_URL=${url}  BASIC_API_TOKEN=${BASIC_TOKEN}  (any UUID is a project, e.g. ${BASIC_PROJECT})`);
  const creds = authApiCredentials();
  console.log(
    `  The Auth API THEAUTHAPI_API_URL=${url}  THEAUTHAPI_ACCESS_KEY=${creds.admin}  (account-level: pass projectId, e.g. ${AUTHAPI_PROJECT}; viewer: ${creds.viewer})`,
  );
  console.log(`  admin        ${url}/_admin/{requests,faults,state,reset}`);
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) void main(process.argv.slice(2));
