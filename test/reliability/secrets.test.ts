// No credential and no key value in plaintext anywhere a user or CI keeps: a whole lifecycle on the three
// APIs (create, refresh, out-of-band edits and the drift command, rotation, failing runs, destroy) with
// the engine's verbose logs on, then every byte of CLI output, the drift reports, the engine's log
// files and the state backend's files (checkpoints, history, backups) is scanned for every credential
// and every key value the emulator ever held.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AUTHAPI_PROJECT, authApiCredentials } from "../../emulator/apis/authapi";
import { BASIC_PROJECT, BASIC_TOKEN } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { EmulatorAdmin } from "../e2e/emulator-client";
import { CliResult, makeProject, PulumiProject, REPO_ROOT } from "../e2e/harness";
import { record, table } from "./record";

const CUSTOM_KEY = "custom-partner-key-7f3a9c2e5b1d4086";
const WRONG_CONSOLE_KEY = "console-wrongButSecretValue0000000000";

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, basic, authapi } = require("pulumi-api-keys");
const cfg = new pulumi.Config();
const rotation = cfg.get("rotation");
const server = new statsig.Key("server", { type: "SERVER", description: "server", scopes: ["omni_read_only"], environments: ["production"], rotation });
const client = new statsig.Key("client", { type: "CLIENT", description: "client", environments: ["production"] });
const deploys = new basic.ProjectKey("deploys", { projectId: "${BASIC_PROJECT}", label: cfg.get("label") || "deploys", roles: ["read", "write"] });
const partner = new authapi.ApiKey("partner", { projectId: "${AUTHAPI_PROJECT}", name: "partner", customKey: cfg.requireSecret("customKey") });
const billing = new authapi.ApiKey("billing", { projectId: "${AUTHAPI_PROJECT}", name: "billing", rotation });
if (cfg.get("extra")) new authapi.ApiKey("extra", { projectId: "${AUTHAPI_PROJECT}", name: "extra" });
exports.serverKey = server.key;
exports.clientKey = client.key;
exports.deploysValue = deploys.value;
exports.partnerKey = partner.key;
exports.billingKey = billing.key;
exports.fingerprint = server.keyFingerprint;
`;

describe("secrets never in plaintext", () => {
  jest.setTimeout(20 * 60_000);
  let emulator: Emulator;
  let admin: EmulatorAdmin;
  let project: PulumiProject;
  let logDir: string;
  const outputs: CliResult[] = [];
  const secrets = new Set<string>([STATSIG_CONSOLE_KEY, BASIC_TOKEN, authApiCredentials().admin, CUSTOM_KEY, WRONG_CONSOLE_KEY]);

  /** Every key value the emulator holds now joins the set to look for (rotated-away ones included). */
  const collect = async () => {
    const d = await admin.state();
    for (const k of d.statsig) secrets.add(k.key);
    for (const k of d.basic) secrets.add(k.value);
    for (const k of d.authapi) secrets.add(k.key);
  };
  // -v=9 turns on the engine's most verbose logging, written under TMPDIR (scanned below).
  const pulumi = async (args: string[], expectOk = true) => {
    const r = await project.run([...args, "-v=9", "--logflow"], { env: { TMPDIR: logDir }, timeoutMs: 300_000 });
    outputs.push(r);
    if (expectOk && r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    await collect();
    return r;
  };
  const drift = (format: string) =>
    new Promise<CliResult>((resolve) =>
      execFile("node", [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", project.dir, "--stack", project.stack, "--format", format], { env: project.env() }, (err, stdout, stderr) => {
        const r = { code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr };
        outputs.push(r);
        resolve(r);
      }),
    );

  beforeAll(async () => {
    emulator = createEmulator({ port: 0, rateLimits: false });
    admin = new EmulatorAdmin(await emulator.start());
    project = makeProject("secrets-scan", { "index.js": program });
    logDir = path.join(project.dir, ".logs");
    fs.mkdirSync(logDir);
    await project.init(
      { "pulumi-api-keys:statsigApiUrl": admin.url, "pulumi-api-keys:basicApiUrl": admin.url, "pulumi-api-keys:theauthapiApiUrl": admin.url },
      {
        "pulumi-api-keys:statsigConsoleApiKey": STATSIG_CONSOLE_KEY,
        "pulumi-api-keys:basicApiToken": BASIC_TOKEN,
        "pulumi-api-keys:theauthapiAccessKey": authApiCredentials().admin,
        customKey: CUSTOM_KEY,
      },
    );
  });
  afterAll(async () => {
    await emulator?.stop();
    if (project) fs.rmSync(project.dir, { recursive: true, force: true });
  });

  test("a whole lifecycle with verbose logs leaves no credential or key value in output, logs or state files", async () => {
    await pulumi(["up", "--yes"]);
    await pulumi(["refresh", "--yes"]);
    await pulumi(["stack", "output", "--json"]);
    await pulumi(["stack", "export"]);

    // Out-of-band edits, then the drift command in every format, then repair.
    const live = await admin.state();
    await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(live.statsig[0].key)}`, { description: "edited by hand" });
    await admin.call("POST", "/statsig/keys", { type: "SERVER", description: "made by hand" });
    await collect();
    for (const f of ["text", "json", "markdown"]) expect((await drift(f)).code).toBe(2);
    await pulumi(["up", "--yes", "--refresh"]);

    // Rotation and an update: new values appear; the old ones must not linger anywhere either.
    await project.ok(["config", "set", "rotation", "1"]);
    await project.ok(["config", "set", "label", "deploys-v2"]);
    await pulumi(["up", "--yes"]);
    await pulumi(["preview", "--diff"]);

    // Failing runs: a refused credential, and a create whose answer is lost (the error names a fingerprint).
    await project.ok(["config", "set", "--secret", "pulumi-api-keys:statsigConsoleApiKey", WRONG_CONSOLE_KEY]);
    const refused = await pulumi(["refresh", "--yes"], false);
    expect(refused.stdout + refused.stderr).toMatch(/PAK_UNAUTHORIZED/);
    await project.ok(["config", "set", "--secret", "pulumi-api-keys:statsigConsoleApiKey", STATSIG_CONSOLE_KEY]);
    await project.ok(["config", "set", "extra", "yes"]);
    await admin.fault({ kind: "reset-after", api: "authapi", method: "POST", route: "/api-keys", times: 1 });
    const ambiguous = await pulumi(["up", "--yes"], false);
    expect(ambiguous.stdout + ambiguous.stderr).toMatch(/PAK_AMBIGUOUS_CREATE/);
    await pulumi(["up", "--yes"]);
    await pulumi(["stack", "history", "--json"]);
    await pulumi(["destroy", "--yes"]);

    // The scan.
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const logFiles = files(logDir);
    const stateFiles = files(project.stateDir);
    const haystacks: Array<[string, string]> = [
      ...outputs.map((o, i): [string, string] => [`command ${i + 1} output`, o.stdout + o.stderr]),
      ...logFiles.map((f): [string, string] => [path.relative(project.dir, f), fs.readFileSync(f, "utf8")]),
      ...stateFiles.map((f): [string, string] => [path.relative(project.dir, f), fs.readFileSync(f, "utf8")]),
    ];
    const found = haystacks.flatMap(([where, text]) => [...secrets].filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 6)}…`));
    expect(logFiles.length).toBeGreaterThan(0); // the verbose logs were really written, and scanned
    expect(stateFiles.length).toBeGreaterThan(2);
    expect(secrets.size).toBeGreaterThan(12);
    expect(found).toEqual([]);

    const bytes = (list: Array<[string, string]>) => list.reduce((n, [, t]) => n + t.length, 0);
    record(
      "secrets-scan",
      table(
        ["scanned", "items", "bytes", "plaintext secrets found"],
        [
          ["CLI output (stdout + stderr) of every command, drift reports", outputs.length, bytes(haystacks.slice(0, outputs.length)), 0],
          ["engine log files (`-v=9 --logflow`)", logFiles.length, bytes(haystacks.slice(outputs.length, outputs.length + logFiles.length)), 0],
          ["state backend files (checkpoints, history, backups)", stateFiles.length, bytes(haystacks.slice(outputs.length + logFiles.length)), 0],
        ],
      ) + `\n\nLooked for ${secrets.size} values: the three API credentials, a refused credential, a custom key given as secret config, and every key value the emulator held after each step (rotated-away values included).`,
      { commands: outputs.length, logFiles: logFiles.length, stateFiles: stateFiles.length, values: secrets.size, found },
    );
  });
});
