// statsig.Key through the real Pulumi CLI against the emulator: the whole lifecycle, drift, bad input
// and secrets in state. Every stage ends with the engine seeing nothing to do.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { initForEmulator, makeProject, PulumiProject } from "../support/harness";

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig } = require("pulumi-api-keys");
const decl = JSON.parse(new pulumi.Config().require("keys"));
for (const [name, args] of Object.entries(decl)) {
  const k = new statsig.Key(name, args);
  exports[name] = { fingerprint: k.keyFingerprint, status: k.status, key: k.key };
}
`;

const server = {
  type: "SERVER",
  description: "backend server key",
  scopes: ["omni_read_only", "client_download_config_specs"],
  environments: ["production", "staging"],
  targetApp: "checkout",
  secondaryTargetApps: ["billing", "admin"],
};
const client = { type: "CLIENT", description: "web client key", environments: ["production"] };

describe("statsig.Key end to end", () => {
  jest.setTimeout(600_000);
  let admin: EmulatorAdmin;
  let project: PulumiProject;

  const declare = (keys: Record<string, unknown>) => stack.declare(keys);
  /** Keys the emulator's project held before this test (the vendor's defaults, keys made by hand): not ours. */
  let before = new Set<string>();
  const liveKeys = async () => ((await admin.state()).statsig as Array<Record<string, any>>).filter((k) => !before.has(k.key));
  const liveByDescription = async (d: string) => (await liveKeys()).find((k) => k.description === d)!;
  const patches = async () => (await admin.requests()).filter((r) => r.method === "PATCH" && r.route === "/console/v1/keys/{id}");

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("statsig-e2e", { "index.js": program });
    ({ admin, project } = stack);
    before = new Set((await admin.state()).statsig.map((k: Record<string, string>) => k.key));
  });
  afterAll(() => stack?.close());

  test("create, no-op refresh and up, updates as single PATCHes, drift, out-of-band delete, destroy", async () => {
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

    // Order never matters.
    await declare({ server: { ...server, scopes: [...server.scopes].reverse(), environments: ["staging", "production"] }, client });
    await project.expectNoChanges();

    // Each change is exactly one PATCH carrying only what changed.
    const steps: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ ...server, scopes: ["omni_read_write"] }, { scopes: ["omni_read_write"] }],
      [{ ...server, scopes: ["omni_read_write"], environments: ["production"] }, { environments: ["production"] }],
      [{ ...server, scopes: ["omni_read_write"], environments: ["production"], targetApp: undefined }, { targetAppID: null }],
      [
        { ...server, scopes: ["omni_read_write"], environments: ["production"], targetApp: undefined, secondaryTargetApps: [] },
        { secondaryTargetAppIDs: null },
      ],
    ];
    let current: Record<string, unknown> = server;
    for (const [decl, body] of steps) {
      current = decl;
      await declare({ server: decl, client });
      await admin.clearRequests();
      await project.up();
      const p = await patches();
      expect(p).toHaveLength(1);
      expect(p[0]!.body).toEqual(body);
      expect(await admin.requests()).toHaveLength(1);
      await project.expectNoChanges(true);
    }
    live = await liveByDescription("backend server key");
    expect(live.primaryTargetApp).toBeNull();
    expect(live.secondaryTargetApps).toBeNull();

    // Someone edits the key in the console: refresh names the drifted properties, up reverts them.
    await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(live.key)}`, { description: "edited by hand", environments: ["development"] });
    const drift = await project.run(["preview", "--refresh", "--diff", "--expect-no-changes"]);
    expect(drift.code).not.toBe(0);
    expect(drift.stdout).toMatch(/description/);
    expect(drift.stdout).toMatch(/environments/);
    await project.up(["--refresh"]);
    live = (await liveKeys()).find((k) => k.key === live.key)!;
    expect(live.description).toBe("backend server key");
    expect(live.environments).toEqual(["production"]);
    await project.expectNoChanges(true);

    // Someone deletes the key: refresh drops it, up recreates it.
    await admin.call("DELETE", `/statsig/keys/${encodeURIComponent(live.key)}`);
    await project.ok(["refresh", "--yes"]);
    const afterRefresh = await project.exportState();
    expect(afterRefresh.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/statsig:Key")).toHaveLength(1);
    await project.up();
    expect((await liveKeys()).map((k) => k.description).sort()).toEqual(["backend server key", "web client key"]);
    await project.expectNoChanges(true);

    // A type change replaces the key; deactivating is in place.
    await declare({ server: current, client: { ...client, type: "SERVER" } });
    await project.up();
    expect((await liveKeys()).filter((k) => k.description === "web client key").map((k) => k.type)).toEqual(["SERVER"]);
    await declare({ server: { ...current, active: false }, client: { ...client, type: "SERVER" } });
    await admin.clearRequests();
    await project.up();
    expect((await admin.requests()).map((r) => `${r.method} ${r.route}`)).toEqual(["PATCH /console/v1/keys/{id}/deactivate"]);
    await project.expectNoChanges(true);

    // Rotation in place: a new value, the same resource.
    const before = (await project.exportState()).resources.find((r) => r.urn.endsWith("::client"))!;
    await declare({ server: { ...current, active: false }, client: { ...client, type: "SERVER", rotation: "2026-11" } });
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
        Array.from({ length: 25 }, (_, i) => [`k${i}`, { type: "CLIENT", description: `bulk ${i}`, environments: ["production"] }]),
      );
      await initForEmulator(bulk, admin.url, { config: { keys: JSON.stringify(decl) } });
      await admin.clearRequests();
      await bulk.ok(["up", "--yes"]); // with its preview, as users run it
      const made = (await admin.requests()).map((r) => `${r.method} ${r.route}`);
      // The preview lists the project once (to recognise a create whose answer is lost) and notes it; the
      // real pass takes that note instead of listing again, so its calls are all creates.
      expect(made.filter((c) => c === "GET /console/v1/keys")).toHaveLength(1);
      expect(made.filter((c) => c === "POST /console/v1/keys")).toHaveLength(25);
      expect(made).toHaveLength(26);
      const live = (await liveKeys()).filter((k) => String(k.description).startsWith("bulk "));
      expect(live).toHaveLength(25);

      // One read per key per run: the real pass of `pulumi refresh` serves what its own preview read, so
      // it costs what `--skip-preview` costs, and records the edit the preview showed.
      await admin.clearRequests();
      await bulk.ok(["refresh", "--yes", "--skip-preview"]);
      const skipPreviewCalls = (await admin.requests()).length;
      const k9 = (await liveKeys()).find((k) => k.description === "bulk 9")!.key;
      await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(k9)}`, { description: "bulk 9 edited" });
      await admin.clearRequests();
      const withPreview = await bulk.ok(["refresh", "--yes"]);
      expect((await admin.requests()).length).toBe(skipPreviewCalls);
      expect(withPreview.stdout).toMatch(/k9/);
      const k9State = (await bulk.exportState()).resources.find((r) => r.type === "pulumi-nodejs:dynamic/statsig:Key" && r.urn.endsWith("::k9"))!;
      expect(k9State.outputs.description).toBe("bulk 9 edited");
      // The notes that carried the answers across are sealed: no key value, no credential in plaintext.
      const notesDir = path.join(os.tmpdir(), `pulumi-api-keys-${process.getuid!()}`);
      const notes = fs.readdirSync(notesDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
      expect(notes.length).toBeGreaterThan(0);
      for (const d of notes) {
        const text = fs.readFileSync(path.join(d.parentPath, d.name), "utf8");
        expect(text).not.toContain(k9);
        expect(text).not.toContain(STATSIG_CONSOLE_KEY);
        expect(text).not.toContain("bulk 9 edited");
      }
      await bulk.up();
      await bulk.destroyAndRemove();
      expect(await admin.violations()).toEqual([]);
    } finally {
      fs.rmSync(bulk.dir, { recursive: true, force: true });
    }
  });
});
