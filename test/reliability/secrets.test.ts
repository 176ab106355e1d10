// No credential and no key value in plaintext anywhere a user or CI keeps: a whole lifecycle on the three
// APIs (create, refresh, out-of-band edits and the drift command, rotation, failing runs, destroy) with
// the engine's verbose logs and --debug on, then every byte of CLI output, the drift reports, the engine's log
// files and the state backend's files (checkpoints, history, backups) is scanned for every credential
// and every key value the emulator ever held.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AUTHAPI_PROJECT, authApiCredentials } from "../../emulator/apis/authapi";
import { BASIC_PROJECT, BASIC_TOKEN } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { RESPONSE_ELIDED } from "../../provider/core/sdk-debug-redaction";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { CliResult, PulumiProject, REPO_ROOT } from "../support/harness";
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
  // -v=9 turns on the engine's verbose logging, written under TMPDIR (scanned below); --debug prints
  // debug diagnostics (the SDK's and the provider's) with the CLI output, as people do in CI.
  const pulumi = async (args: string[], expectOk = true) => {
    const debug = ["up", "preview", "refresh", "destroy"].includes(args[0] ?? "") ? ["--debug"] : [];
    const r = await project.run([...args, "-v=9", "--logflow", ...debug], { env: { TMPDIR: logDir }, timeoutMs: 300_000 });
    outputs.push(r);
    if (expectOk && r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    await collect();
    return r;
  };
  const drift = (format: string) =>
    new Promise<CliResult>((resolve) =>
      execFile(
        "node",
        [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", project.dir, "--stack", project.stack, "--format", format],
        { env: project.env() },
        (err, stdout, stderr) => {
          const r = { code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr };
          outputs.push(r);
          resolve(r);
        },
      ),
    );

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("secrets-scan", { "index.js": program }, { emulator: { rateLimits: false }, secrets: { customKey: CUSTOM_KEY } });
    ({ admin, project } = stack);
    logDir = path.join(project.dir, ".logs");
    fs.mkdirSync(logDir);
  });
  afterAll(async () => {
    if (process.env.PAK_KEEP_TEST_PROJECT) await stack?.emulator.stop();
    else await stack?.close();
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

    // A failing run (a refused credential), and a create whose answer is lost (the key is found and adopted).
    // (An `up`, since a refresh uses the provider configuration recorded at the last deployment.)
    await project.ok(["config", "set", "--secret", "pulumi-api-keys:statsigConsoleApiKey", WRONG_CONSOLE_KEY]);
    await project.ok(["config", "set", "rotation", "2"]);
    const refused = await pulumi(["up", "--yes"], false);
    expect(refused.stdout + refused.stderr).toMatch(/PAK_UNAUTHORIZED/);
    await project.ok(["config", "set", "--secret", "pulumi-api-keys:statsigConsoleApiKey", STATSIG_CONSOLE_KEY]);
    await project.ok(["config", "set", "extra", "yes"]);
    await admin.fault({ kind: "reset-after", api: "authapi", method: "POST", route: "/api-keys", times: 1 });
    const lostAnswer = await pulumi(["up", "--yes"]);
    expect(lostAnswer.stdout + lostAnswer.stderr).not.toMatch(/PAK_/);
    expect((await admin.state()).authapi.filter((k: { name: string }) => k.name === "extra")).toHaveLength(1); // adopted, not made twice
    await pulumi(["stack", "history", "--json"]);
    await pulumi(["destroy", "--yes"]);

    // The scan.
    // Regular files only: the language host leaves named pipes under TMPDIR, and reading one blocks forever.
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
    const logFiles = files(logDir);
    const stateFiles = files(project.stateDir);
    const hits = (where: string, text: string) => [...secrets].filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 6)}…`);
    const read = (f: string): [string, string] => [path.relative(project.dir, f), fs.readFileSync(f, "utf8")];
    const outputTexts = outputs.map((o, i): [string, string] => [`command ${i + 1} output`, o.stdout + o.stderr]);
    const logTexts = logFiles.map(read);
    const stateTexts = stateFiles.map(read);
    // At -v=9 the engine itself traces every RPC property value it (un)marshals, secrets included
    // (pkg/resource/plugin/rpc.go): those lines are counted apart; every other log line must be clean.
    const engineTrace = /"msg":"(Un)?[Mm]arshaling property for RPC\[.*"v":9\}$/;
    let engineTraceLines = 0;
    const logHits = logTexts.flatMap(([where, text]) =>
      text.split("\n").flatMap((line, n) => {
        const h = hits(`${where}:${n + 1}`, line);
        if (h.length > 0 && engineTrace.test(line)) {
          engineTraceLines++;
          return [];
        }
        return h;
      }),
    );
    expect(logFiles.length).toBeGreaterThan(0); // the verbose logs were really written, and scanned
    expect(stateFiles.length).toBeGreaterThan(2);
    expect(secrets.size).toBeGreaterThan(12);
    // --debug really showed the SDK's RPC dumps, with the response (the key values) cut off.
    expect(outputTexts.some(([, t]) => t.includes(`RegisterResource RPC finished`) && t.includes(RESPONSE_ELIDED))).toBe(true);
    expect(outputTexts.flatMap(([w, t]) => hits(w, t))).toEqual([]);
    expect(stateTexts.flatMap(([w, t]) => hits(w, t))).toEqual([]);
    expect(logHits).toEqual([]);

    const bytes = (list: Array<[string, string]>) => list.reduce((n, [, t]) => n + t.length, 0);
    record(
      "secrets-scan",
      table(
        ["scanned", "items", "bytes", "plaintext secrets found"],
        [
          ["CLI output (stdout + stderr) of every command (`--debug` on up, preview, refresh, destroy), drift reports", outputs.length, bytes(outputTexts), 0],
          ["state backend files (checkpoints, history, backups)", stateFiles.length, bytes(stateTexts), 0],
          ["log files (`-v=9 --logflow`): every line but the engine's own RPC property trace", logFiles.length, bytes(logTexts), 0],
          ["log files: the engine's RPC property trace (`Marshaling property for RPC`, level 9 only)", "", "", `${engineTraceLines} lines`],
        ],
      ) +
        `\n\nLooked for ${secrets.size} values: the three API credentials, a refused credential, a custom key given as secret config, and every key value the emulator held after each step (rotated-away values included).` +
        "\n\nThe last row is the Pulumi engine, not this provider: at `-v=9` and above it writes every property value it passes over gRPC to its log file, secrets included. Everything at `-v=8` and below, and every line the provider or the language host writes at any level, is clean. Do not share `-v=9` logs; `pulumi logs share` redacts secrets." +
        "\n\nThe Node SDK also sends each RPC response it receives, secret outputs in plaintext, as a debug message (`RegisterResource RPC finished: …, resp: …`), which `--debug` prints and the engine logs from `-v=3` up. This package cuts the response off those messages in the program (`provider/core/sdk-debug-redaction.ts`); without that, the first version of this scan found every key value in the `--debug` output.",
      { commands: outputs.length, logFiles: logFiles.length, stateFiles: stateFiles.length, values: secrets.size, engineTraceLines },
    );
  });
});
