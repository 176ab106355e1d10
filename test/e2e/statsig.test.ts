// statsig.Key through the real Pulumi CLI against the emulator: the lifecycle as the engine runs it
// (previews, refresh, replacement, state and its secrets), ending with refresh showing no changes. Each
// stage's calls, and nothing left to do after each one, are asserted in process: test/unit/lifecycle.test.ts.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { initForEmulator, makeProject, PulumiProject } from "../support/harness";
import { STATSIG_CLIENT, STATSIG_SERVER } from "../support/lifecycle-keys";

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig } = require("pulumi-api-keys");
const decl = JSON.parse(new pulumi.Config().require("keys"));
for (const [name, args] of Object.entries(decl)) {
  const k = new statsig.Key(name, args);
  exports[name] = { fingerprint: k.keyFingerprint, status: k.status, key: k.key };
}
`;

const [server, client] = [STATSIG_SERVER, STATSIG_CLIENT];

describe("statsig.Key end to end", () => {
  jest.setTimeout(600_000);
  let admin: EmulatorAdmin;
  let project: PulumiProject;

  const declare = (keys: Record<string, unknown>) => stack.declare(keys);
  /** Keys the emulator's project held before this test (the vendor's defaults, keys made by hand): not ours. */
  let before = new Set<string>();
  const liveKeys = async () => ((await admin.state()).statsig as Array<Record<string, any>>).filter((k) => !before.has(k.key));
  const liveByDescription = async (d: string) => (await liveKeys()).find((k) => k.description === d)!;

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("statsig-e2e", { "index.js": program });
    ({ admin, project } = stack);
    before = new Set((await admin.state()).statsig.map((k: Record<string, string>) => k.key));
  });
  afterAll(() => stack?.close());

  test("create, no-op refresh and up, a PATCH update, drift, out-of-band delete, replace, rotation, secrets, destroy", async () => {
    await declare({ server, client });
    await admin.clearRequests();
    await project.up();
    const created = await admin.requests();
    // One call per created key, after one listing of the project: what existed before this run's first
    // create, so that a create whose answer is lost is recognised, never sent twice.
    expect(created.map((r) => `${r.method} ${r.route}`)).toEqual(["GET /console/v1/keys", "POST /console/v1/keys", "POST /console/v1/keys"]);

    let live = await liveByDescription("backend server key");
    expect(live).toMatchObject({ type: "SERVER", primaryTargetApp: "checkout", status: "active" });
    expect([...live.scopes].sort()).toEqual(["client_download_config_specs", "omni_read_only"]);

    // Nothing to do: refresh (one GET per key; without --skip-preview the engine reads twice, preview
    // then refresh), preview and a second up (no call at all).
    await admin.clearRequests();
    await project.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
    expect((await admin.requests()).map((r) => `${r.method} ${r.route}`)).toEqual(["GET /console/v1/keys/{id}", "GET /console/v1/keys/{id}"]);
    await project.ok(["refresh", "--yes", "--expect-no-changes"]);
    await admin.clearRequests();
    await project.expectNoChanges();
    await project.ok(["up", "--yes", "--expect-no-changes"]);
    expect(await admin.requests()).toHaveLength(0);

    // One change through the engine: exactly one PATCH carrying only what changed. (Every other field's
    // PATCH, key order and deactivation: in process, test/unit/lifecycle.test.ts.)
    const current: Record<string, unknown> = { ...server, scopes: ["omni_read_write"] };
    await declare({ server: current, client });
    await admin.clearRequests();
    await project.up();
    expect((await admin.requests()).map((r) => [`${r.method} ${r.route}`, r.body])).toEqual([["PATCH /console/v1/keys/{id}", { scopes: ["omni_read_write"] }]]);
    await project.expectNoChanges(true);
    live = await liveByDescription("backend server key");

    // Someone edits the key in the console: refresh names the drifted properties, up reverts them.
    await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(live.key)}`, { description: "edited by hand", environments: ["development"] });
    const drift = await project.run(["preview", "--refresh", "--diff", "--expect-no-changes"]);
    expect(drift.code).not.toBe(0);
    expect(drift.stdout).toMatch(/description/);
    expect(drift.stdout).toMatch(/environments/);
    await project.up(["--refresh"]);
    live = (await liveKeys()).find((k) => k.key === live.key)!;
    expect(live.description).toBe("backend server key");
    expect([...live.environments].sort()).toEqual(["production", "staging"]);

    // Someone deletes the key: refresh drops it, up recreates it.
    await admin.call("DELETE", `/statsig/keys/${encodeURIComponent(live.key)}`);
    await project.ok(["refresh", "--yes"]);
    const afterRefresh = await project.exportState();
    expect(afterRefresh.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/statsig:Key")).toHaveLength(1);
    await project.up();
    expect((await liveKeys()).map((k) => k.description).sort()).toEqual(["backend server key", "web client key"]);

    // A type change replaces the key: the engine creates the new one, then deletes the old.
    const replaced = (await liveKeys()).find((k) => k.description === "web client key")!.key;
    await declare({ server: current, client: { ...client, type: "SERVER" } });
    await project.up();
    expect((await liveKeys()).filter((k) => k.description === "web client key").map((k) => k.type)).toEqual(["SERVER"]);
    expect((await liveKeys()).map((k) => k.key)).not.toContain(replaced);

    // Rotation in place: a new value, the same resource. Then, after every stage above, nothing left to do.
    const before = (await project.exportState()).resources.find((r) => r.urn.endsWith("::client"))!;
    await declare({ server: current, client: { ...client, type: "SERVER", rotation: "2026-11" } });
    await project.up();
    const after = (await project.exportState()).resources.find((r) => r.urn.endsWith("::client"))!;
    expect(after.id).toBe(before.id);
    expect(after.outputs.keyFingerprint).not.toBe(before.outputs.keyFingerprint);
    await project.expectNoChanges(true);

    // No secret in plaintext in the exported state.
    const state = await project.exportState();
    expect(state.raw).not.toContain(STATSIG_CONSOLE_KEY);
    for (const k of await liveKeys()) expect(state.raw).not.toContain(k.key);
    const keyed = state.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/statsig:Key");
    for (const r of keyed) {
      expect(r.outputs.key).toHaveProperty("ciphertext");
      expect(r.id).not.toMatch(/secret-|client-/);
      expect(r.inputs.__provider).toMatch(/require\("pulumi-api-keys/);
    }

    await project.destroyAndRemove();
    expect(await liveKeys()).toHaveLength(0);
    expect(await admin.violations()).toEqual([]);
  });

  // Reads past the 10th served by one listing, edits and deletions seen, a failing listing retried: all in
  // one provider process, so in process (test/unit/list-served-reads.test.ts). Here, what needs the CLI:
  // the preview's listing noted for the real pass, and the real pass of a refresh serving its preview's reads.
  test("refreshing many keys: up lists once for its preview and its real pass; a refresh with preview costs what --skip-preview costs", async () => {
    const bulk = makeProject("statsig-bulk", { "index.js": program });
    try {
      const decl = Object.fromEntries(
        Array.from({ length: 14 }, (_, i) => [`k${i}`, { type: "CLIENT", description: `bulk ${i}`, environments: ["production"] }]),
      );
      await initForEmulator(bulk, admin.url, { config: { keys: JSON.stringify(decl) } });
      await admin.clearRequests();
      await bulk.ok(["up", "--yes"]); // with its preview, as users run it
      const made = (await admin.requests()).map((r) => `${r.method} ${r.route}`);
      // The preview lists the project once (to recognise a create whose answer is lost) and notes it; the
      // real pass takes that note instead of listing again, so its calls are all creates.
      expect(made.filter((c) => c === "GET /console/v1/keys")).toHaveLength(1);
      expect(made.filter((c) => c === "POST /console/v1/keys")).toHaveLength(14);
      expect(made).toHaveLength(15);
      const live = (await liveKeys()).filter((k) => String(k.description).startsWith("bulk "));
      expect(live).toHaveLength(14);

      // One read per key per run: the real pass of `pulumi refresh` serves what its own preview read, so
      // it costs what `--skip-preview` costs, and records the edit the preview showed.
      await admin.clearRequests();
      await bulk.ok(["refresh", "--yes", "--skip-preview"]);
      const skipPreviewCalls = (await admin.requests()).length;
      const k9 = (await liveKeys()).find((k) => k.description === "bulk 9")!.key;
      await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(k9)}`, { description: "bulk 9 edited" });
      await admin.clearRequests();
      // Its own temp dir: a provider process of a test running alongside sweeps the notes of every CLI run that has ended.
      const own = fs.mkdtempSync(path.join(os.tmpdir(), "pak-e2e-notes-"));
      const withPreview = await bulk.ok(["refresh", "--yes"], { env: { TMPDIR: own } });
      expect((await admin.requests()).length).toBe(skipPreviewCalls);
      expect(withPreview.stdout).toMatch(/k9/);
      const k9State = (await bulk.exportState()).resources.find((r) => r.type === "pulumi-nodejs:dynamic/statsig:Key" && r.urn.endsWith("::k9"))!;
      expect(k9State.outputs.description).toBe("bulk 9 edited");
      // The notes that carried the answers across are sealed: no key value, no credential in plaintext.
      const notesDir = path.join(own, `pulumi-api-keys-${process.getuid!()}`);
      const notes = fs.readdirSync(notesDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
      expect(notes.length).toBeGreaterThan(0);
      for (const d of notes) {
        const text = fs.readFileSync(path.join(d.parentPath, d.name), "utf8");
        expect(text).not.toContain(k9);
        expect(text).not.toContain(STATSIG_CONSOLE_KEY);
        expect(text).not.toContain("bulk 9 edited");
      }
      fs.rmSync(own, { recursive: true, force: true });
      await bulk.destroyAndRemove();
      expect(await admin.violations()).toEqual([]);
    } finally {
      fs.rmSync(bulk.dir, { recursive: true, force: true });
    }
  });

  // Every command starts the provider in a fresh Node process, which the engine ends with a signal: Node's
  // own write of its code cache, at exit, never comes. The package's entry writes it as the code loads.
  test("a command's provider process leaves Node's code cache for the bundle and undici: the next command compiles neither", async () => {
    const p = makeProject("statsig-compile-cache", { "index.js": program });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pak-e2e-tmp-"));
    try {
      await initForEmulator(p, admin.url, {
        config: { keys: JSON.stringify({ one: { type: "CLIENT", description: "compile cache", environments: ["production"] } }) },
      });
      // As on a user's machine: no NODE_COMPILE_CACHE (the test scripts set one), the OS temp dir its default.
      await p.ok(["preview"], { env: { TMPDIR: tmp, NODE_COMPILE_CACHE: "" } }); // lists the project: undici loads
      const pkg = path.join(p.dir, "node_modules", "pulumi-api-keys");
      const check = `
        require(${JSON.stringify(path.join(pkg, "dist/provider/statsig/provider.bundle.js"))});
        require(require.resolve("undici/lib/dispatcher/agent.js", { paths: [${JSON.stringify(pkg)}] }));`;
      const r = spawnSync(process.execPath, ["-e", check], {
        encoding: "utf8",
        env: { ...process.env, NODE_COMPILE_CACHE: path.join(tmp, "node-compile-cache"), NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
      });
      const accepted = (file: string) => r.stderr.split("\n").some((l) => l.includes("cache for ") && l.includes(file) && l.includes("was accepted"));
      expect({ bundle: accepted("statsig/bundle.js"), undici: accepted("undici/lib/dispatcher/agent.js") }).toEqual({ bundle: true, undici: true });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(p.dir, { recursive: true, force: true });
    }
  });
});
