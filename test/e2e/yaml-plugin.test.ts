// The native plugin from Pulumi YAML, installed as a user installs it (`npx pulumi-api-keys
// install-plugin`), run by the real CLI with the YAML language host built from pulumi-yaml:
// - the lifecycle: up, an update in place, refresh after hand edits (with per-property detailed diffs
//   and the drift command agreeing), repair, destroy;
// - two Statsig accounts in one stack, through explicit provider resources;
// - `pulumi import` of each type, and the `import` resource option, whose generated code runs with no diff;
// - adopting a real project's unmanaged keys in one command: drift --import-file, then pulumi import --file;
// - no key value or credential in plaintext in state or in any output.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { request } from "undici";
import { parse, stringify } from "yaml";
import { AUTHAPI_PROJECT, authApiCredentials } from "../../emulator/apis/authapi";
import { BASIC_PROJECT, BASIC_TOKEN } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY, STATSIG_CONSOLE_KEY_B } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import type { DriftReport } from "../../provider/drift/report";
import { fingerprint } from "../../provider/core/redact";
import { EmulatorAdmin } from "../support/emulator-admin";
import { CliResult, PulumiProject, REPO_ROOT, useKey } from "../support/harness";
import { installPluginLikeUser, InstalledPlugin } from "../support/plugin-user";

// The example program of the README, run as shipped (with the emulator's URLs in stack config).
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** examples/yaml/Pulumi.yaml, as shipped, or with the edits of the update step. */
function program(stage: { serverADescription: string; ciRoles: string[]; shopRotation?: string }): string {
  const doc = parse(fs.readFileSync(path.join(REPO_ROOT, "examples/yaml/Pulumi.yaml"), "utf8")) as {
    resources: Record<string, { properties: Record<string, unknown> }>;
  };
  doc.resources.shopServer!.properties.description = stage.serverADescription;
  doc.resources.ci!.properties.roles = stage.ciRoles;
  if (stage.shopRotation) doc.resources.shopServer!.properties.rotation = stage.shopRotation;
  return stringify(doc);
}

describe("the native plugin from Pulumi YAML", () => {
  jest.setTimeout(900_000);
  let emulator: Emulator;
  let url: string;
  let admin: EmulatorAdmin;
  let plugin: InstalledPlugin;
  const outputs: string[] = [];
  const dirs: string[] = [];

  /** A YAML project with its own stack, pointed at the emulator; every CLI output is kept for the secrets check. */
  async function yamlProject(name: string, pulumiYaml: string, apiUrl = url): Promise<PulumiProject> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pak-${name}-`));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), pulumiYaml);
    const p = new PulumiProject(dir, "dev", { PULUMI_HOME: plugin.home });
    const run = p.run.bind(p);
    p.run = async (args, opts) => {
      const r: CliResult = await run(args, opts);
      if (!args.includes("--show-secrets")) outputs.push(r.stdout, r.stderr); // the one place secrets are asked for
      return r;
    };
    await p.init(
      {
        "apikeys:basicApiUrl": apiUrl,
        "apikeys:theauthapiApiUrl": apiUrl,
        statsigApiUrl: apiUrl,
        basicProjectId: BASIC_PROJECT,
        authApiProjectId: AUTHAPI_PROJECT,
      },
      {
        shopConsoleKey: STATSIG_CONSOLE_KEY,
        opsConsoleKey: STATSIG_CONSOLE_KEY_B,
        "apikeys:basicApiToken": BASIC_TOKEN,
        "apikeys:theauthapiAccessKey": authApiCredentials().admin,
      },
    );
    return p;
  }

  const drift = (p: PulumiProject, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) =>
      execFile(
        "node",
        [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", p.dir, "--stack", p.stack, ...args],
        { env: p.env() },
        (err, stdout, stderr) => {
          outputs.push(stdout, stderr);
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      ),
    );

  /** Calls a vendor API directly, as someone in its console would. */
  async function vendor(method: string, pathname: string, headers: Record<string, string>, body?: unknown): Promise<void> {
    const res = await request(`${url}${pathname}`, {
      method: method as "PATCH",
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${pathname}: ${res.statusCode} ${text}`);
  }
  const statsigHeaders = (consoleKey: string) => ({ "STATSIG-API-KEY": consoleKey, "STATSIG-API-VERSION": "20240601" });

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    url = await emulator.start();
    admin = new EmulatorAdmin(url);
    plugin = await installPluginLikeUser();
  });
  afterAll(async () => {
    await emulator?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    if (plugin) fs.rmSync(path.dirname(plugin.home), { recursive: true, force: true });
  });

  test("install-plugin puts pulumi-resource-apikeys in the user's PULUMI_HOME", () => {
    expect(plugin.output).toMatch(/installed the apikeys plugin v\d+\.\d+\.\d+/);
    const dirsInHome = fs.readdirSync(path.join(plugin.home, "plugins"));
    const pluginDir = dirsInHome.find((d) => /^resource-apikeys-v/.test(d));
    expect(pluginDir).toBeDefined();
    expect(fs.statSync(path.join(plugin.home, "plugins", pluginDir!, "pulumi-resource-apikeys")).mode & 0o111).toBeTruthy();
  });

  test("lifecycle: up, update, refresh with hand edits and detailed diffs, repair, destroy; two Statsig accounts in one stack", async () => {
    const p = await yamlProject("yaml-lifecycle", fs.readFileSync(path.join(REPO_ROOT, "examples/yaml/Pulumi.yaml"), "utf8"));
    await admin.remember();
    await p.up();
    let made = await admin.made();
    const shopKey = made.statsig.find((k: { description: string }) => k.description === "shop server");
    const opsKey = made.statsig.find((k: { description: string }) => k.description === "ops server");
    // Each key went to its own account's project.
    expect(shopKey?.project).toBe("project-a");
    expect(opsKey?.project).toBe("project-b");
    expect(made.basic).toHaveLength(1);
    expect(made.authapi).toHaveLength(1);
    await p.expectNoChanges();

    // An update in place: PATCH calls, no new key, the same ids.
    const idsBefore = (await p.exportState()).resources
      .filter((r) => r.type.startsWith("apikeys:"))
      .map((r) => r.id)
      .sort();
    fs.writeFileSync(path.join(p.dir, "Pulumi.yaml"), program({ serverADescription: "shop server v2", ciRoles: ["read", "write"] }));
    await admin.clearRequests();
    const preview = await p.ok(["preview", "--diff"]);
    expect(preview.stdout).toMatch(/~ description\s*: "shop server" => "shop server v2"/);
    await p.up();
    const writes = (await admin.requests()).filter((r) => r.method !== "GET");
    expect(writes.map((r) => r.method).sort()).toEqual(["PATCH", "PATCH"]);
    expect(
      (await p.exportState()).resources
        .filter((r) => r.type.startsWith("apikeys:"))
        .map((r) => r.id)
        .sort(),
    ).toEqual(idsBefore);
    made = await admin.made();
    expect(made.statsig.find((k: { key: string }) => k.key === shopKey.key).description).toBe("shop server v2");
    expect(made.basic[0].roles.split(",").sort()).toEqual(["read", "write"]);

    // Hand edits in the vendors' consoles, in both Statsig projects and in The Auth API.
    await vendor("PATCH", `/console/v1/keys/${opsKey.key}`, statsigHeaders(STATSIG_CONSOLE_KEY_B), { description: "edited by hand" });
    await vendor("PATCH", `/console/v1/keys/${shopKey.key}`, statsigHeaders(STATSIG_CONSOLE_KEY), { environments: ["staging", "production"] });
    const billing = made.authapi[0];
    await vendor("PATCH", `/api-keys/${billing.key}`, { "x-api-key": authApiCredentials().admin }, { name: "billing (renamed)" });
    await p.ok(["refresh", "--yes", "--skip-preview"]);

    // The drift command reads the YAML stack, each key with its own provider's credential.
    const report = await drift(p, ["--format", "json"]);
    expect(report.code).toBe(2);
    const r: DriftReport = JSON.parse(report.stdout);
    const fieldsOf = (name: string) => r.resources.find((x) => x.name === name)?.fields.map((f) => f.field);
    expect(fieldsOf("opsServer")).toEqual(["description"]);
    expect(fieldsOf("shopServer")).toEqual(["environments"]);
    expect(fieldsOf("billing")).toEqual(["name"]);
    expect(fieldsOf("ci")).toEqual([]);
    expect(r.credentials).toHaveLength(2); // both console keys, each named as the credential it is

    // The engine's plan carries the plugin's per-property detailed diff.
    const shown = (await p.ok(["preview", "--diff"])).stdout;
    expect(shown).toMatch(/- \[1\]: "staging"/);
    expect(shown).not.toMatch(/\[0\]: "production" =>/);
    const plan = JSON.parse((await p.ok(["preview", "--json"])).stdout) as {
      steps: Array<{ urn: string; op: string; detailedDiff?: Record<string, { kind: string }> }>;
    };
    const diffOf = (name: string) => plan.steps.find((s) => s.urn.endsWith(`::${name}`));
    expect(diffOf("opsServer")).toMatchObject({ op: "update", detailedDiff: { description: { kind: "update" } } });
    // A set's change is its members: "staging" goes, rather than positions shifting.
    expect(diffOf("shopServer")?.detailedDiff).toEqual({ "environments[1]": { kind: "delete", inputDiff: true } });
    expect(diffOf("billing")).toMatchObject({ op: "update", detailedDiff: { name: { kind: "update" } } });
    expect(Object.keys(diffOf("opsServer")!.detailedDiff!)).toEqual(["description"]);

    // Repair, then nothing left to do and no drift.
    await p.up();
    await p.expectNoChanges(true);
    expect((await drift(p, ["--no-unmanaged"])).code).toBe(0);

    // A rotation with the example's rotationOverlap: the old value stays live as previousKey until the
    // overlap ends (written into state); preview then shows the retirement, and up retires it.
    const revealed = (v: unknown): unknown => (v && typeof v === "object" && "plaintext" in v ? JSON.parse((v as { plaintext: string }).plaintext) : v);
    fs.writeFileSync(path.join(p.dir, "Pulumi.yaml"), program({ serverADescription: "shop server v2", ciRoles: ["read", "write"], shopRotation: "r1" }));
    await p.up();
    const shopState = async () => (await p.exportState(true)).resources.find((x) => x.urn.endsWith("::shopServer"))!.outputs;
    expect(revealed((await shopState()).previousKey)).toBe(shopKey.key);
    expect((await p.exportState()).resources.find((x) => x.urn.endsWith("::shopServer"))!.outputs.previousKey[SECRET_SIG]).toBeDefined();
    expect(await useKey(url, "statsig", shopKey.key)).toBe(200);
    await p.expectNoChanges(true);
    await p.endOverlaps();
    const ending = JSON.parse((await p.ok(["preview", "--json"])).stdout) as { steps: Array<{ urn: string; op: string; detailedDiff?: object }> };
    expect(ending.steps.find((s) => s.urn.endsWith("::shopServer"))).toMatchObject({ op: "update", detailedDiff: { previousRetiresAt: { kind: "delete" } } });
    await p.up();
    expect(await useKey(url, "statsig", shopKey.key)).toBe(401);
    expect((await shopState()).previousKey).toBeUndefined();
    await p.expectNoChanges(true);

    // No secret in plaintext: not in state, not in any output of any command so far.
    const state = await p.exportState();
    const withSecrets = await p.exportState(true);
    const values = withSecrets.resources
      .flatMap((x) => [revealed(x.outputs?.key), revealed(x.outputs?.value)])
      .filter((v): v is string => typeof v === "string" && v.length > 0);
    expect(values.length).toBe(4);
    const credentials = [STATSIG_CONSOLE_KEY, STATSIG_CONSOLE_KEY_B, BASIC_TOKEN, authApiCredentials().admin];
    for (const secret of [...values, shopKey.key, ...credentials]) {
      expect(state.raw).not.toContain(secret);
      for (const o of outputs) if (o !== withSecrets.raw) expect(o).not.toContain(secret);
    }
    // The key outputs and the providers' credentials are stored as secrets.
    for (const res of state.resources.filter((x) => x.type.startsWith("apikeys:"))) {
      const secretOut = res.type === "apikeys:basic:ProjectKey" ? "value" : "key";
      expect(res.outputs[secretOut][SECRET_SIG]).toBeDefined();
    }
    for (const prov of state.resources.filter((x) => x.type === "pulumi:providers:apikeys" && x.inputs.statsigConsoleApiKey))
      expect(prov.inputs.statsigConsoleApiKey[SECRET_SIG]).toBeDefined();

    // Destroy: every key made is gone (The Auth API revokes).
    await p.ok(["destroy", "--yes", "--skip-preview"]);
    made = await admin.made();
    expect(made.statsig).toEqual([]);
    expect(made.basic).toEqual([]);
    expect(made.authapi.filter((k: { isActive: boolean }) => k.isActive)).toEqual([]);
  });

  test("pulumi import of each type by a non-secret id, and the import option; the generated code runs with no diff", async () => {
    const base = {
      name: "yaml-import",
      runtime: "yaml",
      config: { shopConsoleKey: { type: "string", secret: true }, opsConsoleKey: { type: "string", secret: true } },
      resources: { shop: { type: "pulumi:providers:apikeys", properties: { statsigConsoleApiKey: "${shopConsoleKey}", statsigApiUrl: url } } } as Record<
        string,
        unknown
      >,
    };
    const p = await yamlProject("yaml-import", stringify(base));
    await p.up();
    const live = await admin.state();
    // Keys made in the vendors' consoles, addressed by what the drift report lists: never the secret.
    const statsigServer = live.statsig.find(
      (k: { project: string; description: string }) => k.project === "project-a" && k.description === "Server Secret Key",
    );
    const statsigClient = live.statsig.find((k: { project: string; description: string }) => k.project === "project-a" && k.description === "Client API Key");
    const basicKey = live.basic.find((k: { label: string; projectId: string }) => k.label === "backend (made in the console)" && k.projectId === BASIC_PROJECT);
    const authKey = live.authapi.find((k: { name: string; projectId: string }) => k.name === "support desk (made by hand)" && k.projectId === AUTHAPI_PROJECT);
    const shopUrn = (await p.exportState()).resources.find((r) => r.type === "pulumi:providers:apikeys" && r.urn.endsWith("::shop"))!.urn;

    const imports: Array<[string, string, string, string[]]> = [
      ["apikeys:statsig:Key", "server", `server/${fingerprint(statsigServer.key)}`, ["--provider", `shop=${shopUrn}`]],
      ["apikeys:basic:ProjectKey", "backend", `${BASIC_PROJECT}/${basicKey.id}`, []],
      ["apikeys:authapi:ApiKey", "support", `${AUTHAPI_PROJECT}/${fingerprint(authKey.key)}`, []],
    ];
    const program = { ...base, resources: { ...base.resources } };
    for (const [type, name, id, extra] of imports) {
      const out = path.join(p.dir, `${name}.import.yaml`);
      const r = await p.ok(["import", type, name, id, "--yes", "--out", out, ...extra]);
      expect(`${r.stdout}${r.stderr}`).toMatch(/1 imported/);
      if (type === "apikeys:basic:ProjectKey") expect(`${r.stdout}${r.stderr}`).toMatch(/imported without its value/);
      Object.assign(program.resources, (parse(fs.readFileSync(out, "utf8")) as { resources: Record<string, unknown> }).resources);
    }
    // The import option in the program, for the Statsig client key.
    program.resources.client = {
      type: "apikeys:statsig:Key",
      properties: { type: "CLIENT", description: "Client API Key" },
      options: { provider: "${shop}", import: `client/${fingerprint(statsigClient.key)}` },
    };
    fs.writeFileSync(path.join(p.dir, "Pulumi.yaml"), stringify(program));
    await admin.clearRequests();
    const up = await p.up();
    expect(up.stdout).toMatch(/1 imported/);
    expect((await admin.requests()).filter((r) => r.method !== "GET")).toEqual([]);
    await p.expectNoChanges(true);

    const state = await p.exportState(true);
    const byName = (n: string) => state.resources.find((r) => r.urn.endsWith(`::${n}`))!;
    expect(JSON.parse(byName("server").outputs.key.plaintext)).toBe(statsigServer.key);
    expect(byName("support").outputs.keyFingerprint).toBe(fingerprint(authKey.key));
    expect(byName("backend").outputs.keyId).toBe(basicKey.id);
    // The import ids never held a secret, and neither do the ids in state.
    for (const r of state.resources) {
      expect(String(r.id ?? "")).not.toContain(statsigServer.key);
      expect(String(r.id ?? "")).not.toContain(authKey.key);
    }
  });

  test("a real project's unmanaged keys adopted in one command: drift --import-file, pulumi import --file, then drift 0 and no changes", async () => {
    // A vendor project of its own, as a team has it: the vendors' default keys and keys made by hand.
    const own = createEmulator({ port: 0 });
    const ownUrl = await own.start();
    try {
      const ownAdmin = new EmulatorAdmin(ownUrl);
      const statsigKey = (provider: string, description: string) => ({
        type: "apikeys:statsig:Key",
        properties: { type: "SERVER", description },
        options: { provider: `\${${provider}}` },
      });
      const base = {
        name: "yaml-adopt",
        runtime: "yaml",
        config: { shopConsoleKey: { type: "string", secret: true }, opsConsoleKey: { type: "string", secret: true } },
        resources: {
          // Two Statsig accounts: each adopted key must name the provider whose account holds it.
          shop: { type: "pulumi:providers:apikeys", properties: { statsigConsoleApiKey: "${shopConsoleKey}", statsigApiUrl: ownUrl } },
          ops: { type: "pulumi:providers:apikeys", properties: { statsigConsoleApiKey: "${opsConsoleKey}", statsigApiUrl: ownUrl } },
          checkout: statsigKey("shop", "checkout"),
          reports: statsigKey("ops", "reports"),
          ci: { type: "apikeys:basic:ProjectKey", properties: { projectId: BASIC_PROJECT, label: "ci", roles: ["read"] } },
          billing: { type: "apikeys:authapi:ApiKey", properties: { projectId: AUTHAPI_PROJECT, name: "billing" } },
        } as Record<string, unknown>,
      };
      const p = await yamlProject("yaml-adopt", stringify(base), ownUrl);
      await p.up();

      const importFile = path.join(p.dir, "imports.json");
      const found = await drift(p, ["--import-file", importFile]);
      expect(found.code).toBe(2);
      expect(found.stderr).toMatch(/6 unmanaged key\(s\) written to .*imports\.json/);
      expect(found.stdout).toContain(`to adopt the 6 unmanaged key(s): pulumi import --file ${importFile} --stack dev`);
      const file = JSON.parse(fs.readFileSync(importFile, "utf8")) as { nameTable: Record<string, string>; resources: Array<Record<string, string>> };
      const state = await p.exportState();
      const providerUrn = (n: string) => state.resources.find((r) => r.type === "pulumi:providers:apikeys" && r.urn.endsWith(`::${n}`))!.urn;
      expect(file.nameTable).toEqual({ shop: providerUrn("shop"), ops: providerUrn("ops") });
      expect(file.resources.map((r) => `${r.type} ${r.name} ${r.provider ?? "(default provider)"}`).sort()).toEqual([
        "apikeys:authapi:ApiKey support-desk-made-by-hand (default provider)",
        "apikeys:basic:ProjectKey backend-made-in-the-console (default provider)",
        "apikeys:statsig:Key ops-client-api-key ops",
        "apikeys:statsig:Key ops-server-secret-key ops",
        "apikeys:statsig:Key shop-client-api-key shop",
        "apikeys:statsig:Key shop-server-secret-key shop",
      ]);
      // The file holds ids, never a key's value.
      const live = await ownAdmin.state();
      for (const k of [...live.statsig, ...live.authapi, ...live.basic])
        for (const v of [k.key, k.value].filter(Boolean)) expect(fs.readFileSync(importFile, "utf8")).not.toContain(v);

      // The one command the report printed; its generated code goes into the program.
      const out = path.join(p.dir, "adopted.yaml");
      const imported = await p.ok(["import", "--file", importFile, "--yes", "--out", out]);
      expect(`${imported.stdout}${imported.stderr}`).toMatch(/6 imported/);
      const generated = parse(fs.readFileSync(out, "utf8")) as { resources: Record<string, unknown> };
      fs.writeFileSync(path.join(p.dir, "Pulumi.yaml"), stringify({ ...base, resources: { ...base.resources, ...generated.resources } }));

      const after = await drift(p, ["--format", "json"]);
      const report = JSON.parse(after.stdout) as DriftReport;
      expect({ code: after.code, unmanaged: report.unmanaged, summary: report.summary }).toMatchObject({
        code: 0,
        unmanaged: [],
        summary: { managed: 10, inSync: 10 },
      });
      await p.expectNoChanges();
    } finally {
      await own.stop();
    }
  });
});
