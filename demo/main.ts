// `npm run demo`: the whole job, end to end, against the local emulator. Each step says what it does.
//   --keep   leave the emulator running and the stack in place for exploring (Ctrl-C stops the emulator)
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { authApiCredentials } from "../emulator/apis/authapi";
import { BASIC_TOKEN } from "../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../emulator/apis/statsig";
import { createEmulator } from "../emulator/main";
import { installPackageCopy } from "./install";

const ROOT = path.resolve(__dirname, "..", "..");
const WORK = path.join(ROOT, ".demo");
const STACK = "demo";
const keep = process.argv.includes("--keep");

let stepNo = 0;
function step(title: string, why: string): void {
  stepNo++;
  console.log(`\n\x1b[1m== ${stepNo}. ${title}\x1b[0m\n   ${why}\n`);
}

const env = {
  ...process.env,
  PULUMI_BACKEND_URL: `file://${path.join(WORK, "state")}`,
  PULUMI_CONFIG_PASSPHRASE: "demo-passphrase",
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
};

// Asynchronous on purpose: the emulator runs in this process and must keep serving meanwhile.
async function run(cmd: string, args: string[], opts: { quiet?: boolean; allow?: number[] } = {}): Promise<{ code: number; stdout: string }> {
  if (!opts.quiet) console.log(`   $ ${cmd} ${args.join(" ")}`);
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: opts.quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"] });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const code: number = await new Promise((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  if (!(opts.allow ?? [0]).includes(code)) throw new Error(`${cmd} ${args.join(" ")} exited ${code}${opts.quiet ? `\n${out}` : ""}`);
  return { code, stdout: out };
}
const pulumi = async (args: string[], opts?: { quiet?: boolean; allow?: number[] }) => run("pulumi", [...args, "--non-interactive", "--stack", STACK], opts);
const IGNORE_FILE = path.join(WORK, "drift-ignore.yaml"); // in the demo's work dir, so the repo stays clean
const drift = (...args: string[]) =>
  run("node", [path.join(ROOT, "dist/provider/cli.js"), "drift", "--stack", STACK, "--ignore", IGNORE_FILE, ...args], { allow: [0, 2] });

async function admin(url: string, method: string, p: string, body?: unknown): Promise<any> {
  const r = await fetch(`${url}/_admin${p}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  if (!r.ok) throw new Error(`emulator admin ${method} ${p}: ${r.status}`);
  return r.json();
}

async function main(): Promise<void> {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.rmSync(path.join(ROOT, "Pulumi.demo.yaml"), { force: true });
  fs.mkdirSync(path.join(WORK, "state"), { recursive: true });
  installPackageCopy(ROOT, path.join(ROOT, "node_modules"));

  step("Start the emulator", "A local HTTP server that speaks the Statsig, Basic and The Auth API key APIs, validated against the vendors' OpenAPI files.");
  const emulator = createEmulator({ port: 0, stateFile: path.join(WORK, "emulator-state.json") });
  const url = await emulator.start();
  console.log(`   listening on ${url}`);

  try {
    step(
      "Create the stack and store credentials as secrets",
      "Credentials live in stack config, encrypted; the provider reads them at run time and never stores them.",
    );
    await run("pulumi", ["stack", "init", STACK, "--non-interactive"]);
    for (const [k, v] of Object.entries({ statsigApiUrl: url, basicApiUrl: url, theauthapiApiUrl: url }))
      await pulumi(["config", "set", `pulumi-api-keys:${k}`, v], { quiet: true });
    for (const [k, v] of Object.entries({
      statsigConsoleApiKey: STATSIG_CONSOLE_KEY,
      basicApiToken: BASIC_TOKEN,
      theauthapiAccessKey: authApiCredentials().admin,
    })) {
      await pulumi(["config", "set", "--secret", `pulumi-api-keys:${k}`, v], { quiet: true });
    }
    console.log("   pulumi-api-keys:{statsig,basic,theauthapi}* set (the three credentials with --secret)");

    step("pulumi up", "Creates the keys declared in demo/program/keys.yaml: two Statsig keys, one Basic key and one key of The Auth API.");
    await pulumi(["up", "--yes", "--skip-preview"]);

    step("Show the keys", "Outputs as Pulumi shows them: key values are secrets, masked; fingerprints are safe to show.");
    await pulumi(["stack", "output"]);

    step(
      "A baseline of the keys the projects already held",
      "Real projects hold keys nobody declares: the Statsig console key this run signs in with (named as the credential, never unmanaged), Statsig's default server and client keys, keys made by hand long ago. `drift --write-ignore` records them in an ignore file to review; from then on only new ones fail.",
    );
    const first = await drift("--write-ignore");
    if (first.code !== 0) throw new Error("expected the baseline run to exit 0");
    console.log(fs.readFileSync(IGNORE_FILE, "utf8").replace(/^/gm, "   "));

    step(
      "Someone edits keys by hand in the vendor consoles",
      "Through the emulator's admin API: a Statsig scope added, Basic roles changed, The Auth API key revoked.",
    );
    const state = await admin(url, "GET", "/state");
    const server = state.statsig.find((k: any) => k.description.startsWith("checkout service"));
    await admin(url, "PATCH", `/statsig/keys/${encodeURIComponent(server.key)}`, { scopes: ["omni_read_only", "omni_read_write"] });
    const ci = state.basic.find((k: any) => k.label === "ci deploys");
    await admin(url, "PATCH", `/basic/projects/${ci.projectId}/keys/${ci.id}`, { roles: "read,write,admin" });
    const billing = state.authapi.find((k: any) => k.name === "billing service");
    await admin(url, "POST", `/authapi/keys/${encodeURIComponent(billing.key)}/revoke`);
    console.log("   statsig checkout-server: +omni_read_write; basic ci-deploys: +admin; authapi billing: revoked");

    step("The drift report", "What CI would run: `pulumi-api-keys drift`. Exit code 2 means drift.");
    const before = await drift();
    console.log(`   (exit code ${before.code})`);
    if (before.code !== 2) throw new Error("expected the drift report to find drift");

    step("pulumi up --refresh", "Reads the live keys, sees the drift, and puts every key back as declared (one PATCH or reactivate each).");
    await pulumi(["up", "--yes", "--skip-preview", "--refresh"]);

    step("The drift report again", "Everything matches the declaration: exit code 0.");
    const after = await drift();
    console.log(`   (exit code ${after.code})`);
    if (after.code !== 0) throw new Error("expected a clean drift report after up");

    if (keep) {
      console.log(`\nKept for exploring. In another shell, from ${ROOT}:`);
      console.log(`  export PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL} PULUMI_CONFIG_PASSPHRASE=${env.PULUMI_CONFIG_PASSPHRASE}`);
      console.log(`  npm run pulumi -- stack output --stack ${STACK} --show-secrets`);
      console.log(`  npx pulumi-api-keys drift --stack ${STACK} --ignore ${IGNORE_FILE}`);
      console.log(`The emulator runs at ${url} until you press Ctrl-C; npm run demo starts over from scratch.`);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      await emulator.stop();
      return;
    }

    step("Clean up", "pulumi destroy deletes (or, for The Auth API, revokes) every key; the stack and the emulator go away.");
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    await run("pulumi", ["stack", "rm", "--yes", STACK, "--non-interactive"]);
    await emulator.stop();
    fs.rmSync(WORK, { recursive: true, force: true });
    console.log("\nDemo complete.");
  } catch (e) {
    await emulator.stop();
    throw e;
  }
}

main().catch((e) => {
  console.error(`\ndemo failed: ${(e as Error).message}`);
  process.exit(1);
});
