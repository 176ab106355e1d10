// `pulumi-api-keys drift` agrees with the engine: out-of-band changes on every API, then the report and
// `pulumi preview --refresh` must name the same resources; after `up` the report is clean (exit 0).
// The emulator's projects hold what real ones do: Statsig lists the console credential and its default
// keys, and the Basic and Auth API projects hold a key made by hand, so the first run needs a baseline.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import type { Emulator } from "../../emulator/server";
import type { DriftReport } from "../../provider/drift/report";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { initForEmulator, makeProject, PulumiProject, REPO_ROOT } from "../support/harness";

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, basic, authapi } = require("pulumi-api-keys");
const P = "${BASIC_PROJECT}", A = "${AUTHAPI_PROJECT}";
new statsig.Key("server", { type: "SERVER", description: "server", scopes: ["omni_read_only"], environments: ["production"], targetApp: "shop" });
new statsig.Key("client", { type: "CLIENT", description: "client", environments: ["production", "staging"] });
new statsig.Key("console", { type: "CONSOLE", description: "console", scopes: ["can_access_keys"], targetApp: "shop", secondaryTargetApps: ["ops"] });
new statsig.Key("quiet", { type: "SERVER", description: "quiet" });
new basic.ProjectKey("deploys", { projectId: P, label: "deploys", roles: ["read", "write"] });
new basic.ProjectKey("reader", { projectId: P, label: "reader", roles: ["read"] });
new authapi.ApiKey("billing", { projectId: A, name: "billing", customMetaData: { tier: "gold" } });
new authapi.ApiKey("partner", { projectId: A, name: "partner" });
new authapi.ApiKey("legacy", { projectId: A, name: "legacy" });
`;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe("pulumi-api-keys drift end to end", () => {
  jest.setTimeout(600_000);
  let emulator: Emulator;
  let admin: EmulatorAdmin;
  let project: PulumiProject;

  const drift = (args: string[]): Promise<CliRun> => driftIn(project, args);
  const driftIn = (p: PulumiProject, args: string[]): Promise<CliRun> =>
    new Promise((resolve) =>
      execFile(
        "node",
        [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", p.dir, "--stack", p.stack, ...args],
        { env: p.env() },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
  const live = async () => admin.state();

  let stack: EmulatorStack;
  beforeAll(async () => {
    stack = await emulatorStack("drift-e2e", { "index.js": program });
    ({ emulator, admin, project } = stack);
    await project.up();
  });
  afterAll(() => stack?.close());

  test("a real project: the credential is named as such, the vendor's and hand-made keys are unmanaged until a baseline", async () => {
    const first = await drift(["--format", "json"]);
    expect(first.code).toBe(2);
    const report: DriftReport = JSON.parse(first.stdout);
    expect(report.summary).toMatchObject({ managed: 9, inSync: 9, drifted: 0, deleted: 0, unmanaged: 4, credentials: 1 });
    expect(report.credentials).toEqual([expect.objectContaining({ api: "statsig", type: "CONSOLE", label: "Console API Key" })]);
    expect(report.unmanaged.map((u) => `${u.api} ${u.type ?? "-"} ${u.label}`).sort()).toEqual([
      "authapi - support desk (made by hand)",
      "basic - backend (made in the console)",
      "statsig CLIENT Client API Key",
      "statsig SERVER Server Secret Key",
    ]);
    expect(report.unmanaged.map((u) => u.id)).not.toContain(report.credentials[0]!.id);
    const text = await drift([]);
    expect(text.stdout).toMatch(/credential statsig [0-9a-f]{16} CONSOLE "Console API Key" \(the key this report signs in with\)/);
    expect(text.stdout).not.toContain(STATSIG_CONSOLE_KEY);

    const baseline = await drift(["--write-ignore"]);
    expect(baseline.code).toBe(0);
    expect(baseline.stderr).toMatch(/4 unmanaged key\(s\) added to .*\.pulumi-api-keys-ignore\.yaml/);
    const ignoreFile = path.join(project.dir, ".pulumi-api-keys-ignore.yaml");
    expect(fs.readFileSync(ignoreFile, "utf8")).not.toContain("Console API Key");
    // Each rule dated, with a reason to fill in.
    expect(fs.readFileSync(ignoreFile, "utf8")).toMatch(/reason: "TODO: why this key may stay unmanaged"\n\s+added: \d{4}-\d{2}-\d{2}/);
    expect((await drift([])).code).toBe(0);

    // From then on only a new hand-made key fails, and --fail-on can leave unmanaged keys out.
    const fresh = await admin.call("POST", "/statsig/keys", { type: "CLIENT", description: "new by hand" });
    const after: DriftReport = JSON.parse((await drift(["--format", "json"])).stdout);
    expect(after.unmanaged.filter((u) => !u.ignored).map((u) => u.label)).toEqual(["new by hand"]);
    expect((await drift([])).code).toBe(2);
    expect((await drift(["--fail-on", "drifted,deleted"])).code).toBe(0);
    await admin.call("DELETE", `/statsig/keys/${encodeURIComponent(fresh.key)}`); // what the team would do next
  });

  test("in sync: exit 0 in every format, never writing state", async () => {
    const before = (await project.exportState()).raw;
    const runs = await Promise.all(["text", "json", "markdown"].map((format) => drift(["--format", format])));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    const json: DriftReport = JSON.parse(runs[1]!.stdout);
    expect(json.summary).toMatchObject({ managed: 9, inSync: 9, drifted: 0, deleted: 0, unmanaged: 0 });
    expect(json.apiCalls).toEqual({ statsig: 1, basic: 1, authapi: 2 }); // lists, not one read per key
    expect((await project.exportState()).raw).toBe(before);
  });

  test("out-of-band changes on every API: the report and the engine name the same resources", async () => {
    const s = await live();
    const sk = (d: string) => s.statsig.find((k: any) => k.description === d).key;
    const bk = (l: string) => s.basic.find((k: any) => k.label === l).id;
    const ak = (n: string) => s.authapi.find((k: any) => k.name === n).key;
    await admin.call("PATCH", `/statsig/keys/${sk("server")}`, { scopes: ["omni_read_only", "omni_read_write"] });
    await admin.call("PATCH", `/statsig/keys/${sk("client")}`, { environments: ["production"] });
    await admin.call("PATCH", `/statsig/keys/${sk("console")}`, { primaryTargetApp: "other", secondaryTargetApps: null });
    await admin.call("PATCH", `/basic/projects/${BASIC_PROJECT}/keys/${bk("deploys")}`, { label: "deploys (edited)" });
    await admin.call("PATCH", `/basic/projects/${BASIC_PROJECT}/keys/${bk("reader")}`, { roles: "read,admin" });
    await admin.call("PATCH", `/authapi/keys/${ak("billing")}`, { customMetaData: { tier: "free" } });
    await admin.call("POST", `/authapi/keys/${ak("partner")}/revoke`);
    await admin.call("DELETE", `/authapi/keys/${ak("legacy")}`);
    const stray = await admin.call("POST", "/statsig/keys", { type: "SERVER", description: "made by hand" });

    const r = await drift(["--format", "json"]);
    expect(r.code).toBe(2);
    const report: DriftReport = JSON.parse(r.stdout);
    const byName = Object.fromEntries(report.resources.map((x) => [x.name, x]));
    expect(byName.server!.fields).toEqual([
      { field: "scopes", declared: ["omni_read_only"], live: ["omni_read_only", "omni_read_write"], added: ["omni_read_write"], removed: [] },
    ]);
    expect(byName.client!.fields).toEqual([
      { field: "environments", declared: ["production", "staging"], live: ["production"], added: [], removed: ["staging"] },
    ]);
    expect(byName.console!.fields.map((f) => f.field)).toEqual(["targetApp", "secondaryTargetApps"]);
    expect(byName.deploys!.fields).toEqual([{ field: "label", declared: "deploys", live: "deploys (edited)" }]);
    expect(byName.reader!.fields).toEqual([{ field: "roles", declared: ["read"], live: ["admin", "read"], added: ["admin"], removed: [] }]);
    expect(byName.billing!.fields).toEqual([{ field: "customMetaData", declared: { tier: "gold" }, live: { tier: "free" } }]);
    expect(byName.partner!.fields).toEqual([{ field: "active", declared: true, live: false }]);
    expect(byName.legacy!.status).toBe("deleted");
    expect(byName.quiet!.status).toBe("in-sync");
    const strays = report.unmanaged.filter((u) => !u.ignored); // the baseline's keys stay listed, as ignored
    expect(strays).toEqual([expect.objectContaining({ api: "statsig", label: "made by hand", type: "SERVER" })]);
    expect(r.stdout).not.toContain(stray.key); // unmanaged keys by fingerprint, never by value

    const reportNames = report.resources
      .filter((x) => x.status !== "in-sync")
      .map((x) => x.name)
      .sort();
    const preview = await project.run(["preview", "--refresh", "--json"]);
    const steps: Array<{ op: string; urn: string }> = JSON.parse(preview.stdout).steps ?? [];
    const engineNames = steps
      .filter((st) => !["same", "refresh", "read"].includes(st.op) && !st.urn.includes("pulumi:pulumi:Stack"))
      .map((st) => st.urn.split("::").pop()!)
      .sort();
    expect(engineNames).toEqual(reportNames);

    // Pulumi's own drift checks agree, and name the fields: a refresh that previews only, and a preview
    // after a refresh, both with --expect-no-changes.
    // (--preview-only refuses the implied --yes of PULUMI_SKIP_CONFIRMATIONS, which the harness sets.)
    const refreshOnly = await project.run(["refresh", "--preview-only", "--diff", "--expect-no-changes"], { env: { PULUMI_SKIP_CONFIRMATIONS: "false" } });
    expect(refreshOnly.code).not.toBe(0);
    expect(refreshOnly.stdout).toMatch(/~ label\s*: "deploys" => "deploys \(edited\)"/);
    expect(refreshOnly.stdout).toMatch(/customMetaData/);
    const previewRefresh = await project.run(["preview", "--refresh", "--diff", "--expect-no-changes"]);
    expect(previewRefresh.code).not.toBe(0);
    expect(previewRefresh.stdout).toMatch(/~ label\s*: "deploys \(edited\)" => "deploys"/);
    expect(previewRefresh.stdout).toMatch(/~ active\s*: false => true/);
    expect((await project.exportState()).raw).not.toContain("deploys (edited)"); // both left state alone

    // The other formats carry the same findings.
    const text = await drift([]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain("scopes: declared");
    const summaryFile = path.join(project.dir, "summary.md");
    const markdown = await drift(["--format", "markdown", "--output", summaryFile]);
    expect(markdown.code).toBe(2);
    expect(fs.readFileSync(summaryFile, "utf8")).toContain("| partner | authapi | drifted | active | true | false |");

    // Accepted drift, in an ignore file: the unmanaged key and billing's metadata.
    const ignoreFile = path.join(project.dir, ".pulumi-api-keys-ignore.yaml");
    const baselineRules = fs.readFileSync(ignoreFile, "utf8");
    fs.appendFileSync(ignoreFile, `  - resource: billing\n    fields: [customMetaData]\n  - unmanaged: { api: statsig, id: ${strays[0]!.id} }\n`);
    const ignored: DriftReport = JSON.parse((await drift(["--format", "json"])).stdout);
    expect(ignored.summary.ignored).toBe(2 + 4); // and the baseline's four
    expect(ignored.summary.unmanaged).toBe(0);

    // up repairs everything; the report is clean.
    await project.up(["--refresh"]);
    const clean = await drift(["--format", "json"]);
    expect(JSON.parse(clean.stdout).summary).toMatchObject({ drifted: 0, deleted: 0, unmanaged: 0 });
    expect(clean.code).toBe(0);
    expect((await drift(["--no-unmanaged"])).code).toBe(0);

    fs.writeFileSync(ignoreFile, baselineRules); // the baseline alone again: the earlier stray key is unmanaged
  });

  test("a plain `pulumi refresh` does not hide drift: the report compares with what the last up declared", async () => {
    const s = await live();
    const server = s.statsig.find((k: any) => k.description === "server").key;
    const deploys = s.basic.find((k: any) => k.label === "deploys");
    const billing = s.authapi.find((k: any) => k.name === "billing").key;
    await admin.call("PATCH", `/statsig/keys/${server}`, { description: "server (edited)", environments: ["staging"] });
    await admin.call("PATCH", `/basic/projects/${BASIC_PROJECT}/keys/${deploys.id}`, { roles: "read" });
    await admin.call("PATCH", `/authapi/keys/${billing}`, { customMetaData: { tier: "free" } });

    await project.ok(["refresh", "--yes"]); // state now holds the live values
    const after = await project.exportState();
    const entry = (name: string) => after.resources.find((r) => r.urn.endsWith(`::${name}`))!;
    expect(entry("server").inputs.description).toBe("server (edited)");
    for (const name of ["server", "deploys", "billing"]) expect(JSON.stringify(entry(name)).length).toBeLessThanOrEqual(2048); // the state budget per key

    // (The earlier test left a key made by hand unmanaged: these runs fail on drift and deletions only.)
    const drift = (args: string[]) => driftIn(project, ["--fail-on", "drifted,deleted", ...args]);
    const r = await drift(["--format", "json"]);
    expect(r.code).toBe(2);
    const report: DriftReport = JSON.parse(r.stdout);
    const fields = Object.fromEntries(report.resources.filter((x) => x.status === "drifted").map((x) => [x.name, x.fields]));
    expect(fields).toEqual({
      server: [
        { field: "description", declared: "server", live: "server (edited)" },
        { field: "environments", declared: ["production"], live: ["staging"], added: ["staging"], removed: ["production"] },
      ],
      deploys: [{ field: "roles", declared: ["read", "write"], live: ["read"], added: [], removed: ["write"] }],
      billing: [{ field: "customMetaData", declared: { tier: "gold" }, live: { tier: "free" } }],
    });
    // A second refresh keeps the declaration too.
    await project.ok(["refresh", "--yes", "--skip-preview"]);
    expect((await drift([])).code).toBe(2);

    await project.up(); // puts every key back as declared
    expect((await live()).statsig.find((k: any) => k.key === server)).toMatchObject({ description: "server", environments: ["production"] });
    const clean = await drift(["--format", "json"]);
    expect(JSON.parse(clean.stdout).resources.filter((x: { status: string }) => x.status !== "in-sync")).toEqual([]);
    expect(clean.code).toBe(0);
    expect((await project.exportState()).raw).not.toContain('"declared"'); // settled: nothing kept
    await project.expectNoChanges(true);
  });

  test("accepting live values in the program settles the kept declaration with no API call", async () => {
    const s = await live();
    const quiet = s.statsig.find((k: any) => k.description === "quiet").key;
    const drift = (args: string[]) => driftIn(project, ["--fail-on", "drifted,deleted", ...args]);
    await admin.call("PATCH", `/statsig/keys/${quiet}`, { description: "quiet (renamed in the console)" });
    await project.ok(["refresh", "--yes", "--skip-preview"]);
    expect((await drift([])).code).toBe(2);
    // The team decides the console's name is right and declares it.
    fs.writeFileSync(path.join(project.dir, "index.js"), program.replace('description: "quiet"', 'description: "quiet (renamed in the console)"'));
    await admin.clearRequests();
    const up = await project.run(["up", "--yes", "--skip-preview"]);
    expect({ code: up.code, out: up.code ? up.stdout + up.stderr : "" }).toEqual({ code: 0, out: "" });
    expect((await admin.requests()).filter((q) => q.method !== "GET")).toEqual([]);
    expect((await drift([])).code).toBe(0);
    await project.expectNoChanges(true);
  });

  test("after `pulumi state delete` of a scope's last key, the report still lists that scope: the key is unmanaged", async () => {
    const solo = makeProject("drift-orphan", {
      "index.js": `const { basic, statsig } = require("pulumi-api-keys");
new statsig.Key("s", { type: "SERVER", description: "solo server" });
new basic.ProjectKey("orphan", { projectId: "${BASIC_PROJECT}", label: "orphan to be", roles: ["read"] });
`,
    });
    try {
      await initForEmulator(solo, admin.url);
      await solo.up();
      // A drift run after `up` remembers the stack's vendor scopes, in its stack tags (never in state).
      expect((await driftIn(solo, ["--fail-on", "drifted,deleted"])).code).toBe(0);
      const tags: Record<string, string> = JSON.parse((await solo.ok(["stack", "tag", "ls", "--json"])).stdout);
      const remembered = Object.entries(tags)
        .filter(([name]) => name.startsWith("pulumi-api-keys.scope."))
        .map(([, value]) => value)
        .sort();
      expect(remembered).toEqual([JSON.stringify({ api: "basic", projectId: BASIC_PROJECT }), JSON.stringify({ api: "statsig" })]);

      const orphan = (await solo.exportState()).resources.find((r) => r.urn.endsWith("::orphan"))!;
      await solo.ok(["state", "delete", orphan.urn, "--yes"]);
      const after = await driftIn(solo, ["--format", "json"]);
      expect(after.code).toBe(2);
      const report: DriftReport = JSON.parse(after.stdout);
      expect(report.unmanaged).toContainEqual(
        expect.objectContaining({ api: "basic", id: orphan.outputs.keyId, label: "orphan to be", project: BASIC_PROJECT }),
      );
      expect(report.apiCalls.basic).toBe(1); // the scope is listed, though no key of the stack is in it
      await admin.call("DELETE", `/basic/projects/${BASIC_PROJECT}/keys/${orphan.outputs.keyId}`); // what the user would do next
    } finally {
      await solo.destroyAndRemove().catch(() => undefined);
      fs.rmSync(solo.dir, { recursive: true, force: true });
    }
  });

  test("an error is exit 1 with a clear message, and no secret in it", async () => {
    const r = await drift(["--stack", "no-such-stack"]);
    expect(r.code).toBe(1);
    // The stack and its config are read in parallel: whichever fails first names the missing stack.
    expect(r.stderr).toMatch(/pulumi-api-keys drift: pulumi (stack export|config --show-secrets) failed: .*no stack named 'no-such-stack'/);
    await emulator.stop();
    const down = await drift(["--format", "json"]);
    expect(down.code).toBe(1);
    const rep: DriftReport = JSON.parse(down.stdout);
    expect(rep.errors.length).toBeGreaterThan(0);
    expect(down.stdout + down.stderr).not.toContain(STATSIG_CONSOLE_KEY);
  });
});
