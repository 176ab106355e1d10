// Upgrading: a stack created with a released tarball (test/fixtures, each packed from its release's
// commit) keeps working after the user installs this version. 0.1.0's state loads its providers as
// `require("pulumi-api-keys/dist/provider/<api>/provider.js")`, 0.2.0's as
// `require("pulumi-api-keys/providers/<api>")`; both paths are public API forever.
import * as fs from "node:fs";
import * as path from "node:path";
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { EmulatorAdmin } from "../support/emulator-admin";
import { initForEmulator, PulumiProject, REPO_ROOT, useKey } from "../support/harness";
import { packed } from "../support/packed";
import { npmInstall, writeUserProject } from "../support/user-project";

// Each release: its tarball, what its npm install needs, the module path its state names, and whether
// its keys' rotation is tried after the upgrade (0.2.0 brought rotation on a schedule).
const RELEASES: Array<[version: string, installArgs: string[], providerPath: RegExp, rotates: boolean]> = [
  // 0.1.0 brought an optional Node binary; a user who has it or not is the same here.
  ["0.1.0", ["--omit=optional"], /^exports\.handler = \(\) => require\("pulumi-api-keys\/dist\/provider\/(statsig|basic|authapi)\/provider\.js"\);\n$/, false],
  ["0.2.0", [], /^exports\.handler = \(\) => require\("pulumi-api-keys\/providers\/(statsig|basic|authapi)"\);\n$/, true],
];

/** The program; `more` adds inputs to every key (a rotation, an overlap). */
const program = (description: string, more: Record<string, string> = {}) => {
  const extra = Object.entries(more)
    .map(([k, v]) => `, ${k}: "${v}"`)
    .join("");
  return `const { statsig, basic, authapi } = require("pulumi-api-keys");
new statsig.Key("server", { type: "SERVER", description: "${description}", scopes: ["omni_read_only"]${extra} });
new basic.ProjectKey("ci", { projectId: "${BASIC_PROJECT}", label: "ci", roles: ["read"]${extra} });
new authapi.ApiKey("billing", { projectId: "${AUTHAPI_PROJECT}", name: "billing"${extra} });
`;
};
const KEYS = { server: ["statsig", "key"], ci: ["basic", "value"], billing: ["authapi", "key"] } as const;

describe.each(RELEASES)("upgrading from %s", (version, installArgs, providerPath, rotates) => {
  jest.setTimeout(900_000);
  let emulator: Emulator;
  let admin: EmulatorAdmin;
  let seeded: Record<string, number>;
  let project: PulumiProject;

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    admin = new EmulatorAdmin(await emulator.start());
    seeded = await admin.liveCounts(); // what the vendor projects held before (defaults, keys made by hand)
  });
  afterAll(async () => {
    await emulator?.stop();
    if (project) fs.rmSync(project.dir, { recursive: true, force: true });
  });

  test(`a ${version} stack refreshes, updates in place and destroys after installing this version`, async () => {
    project = writeUserProject(`upgrade-${version}`, {
      "Pulumi.yaml": "name: upgrade\nruntime: nodejs\n",
      "package.json": JSON.stringify({
        name: "upgrade",
        main: "index.js",
        dependencies: { "@pulumi/pulumi": "3.259.0", "pulumi-api-keys": `file:${path.join(REPO_ROOT, `test/fixtures/pulumi-api-keys-${version}.tgz`)}` },
      }),
      "index.js": program("checkout server"),
    });
    await npmInstall(project.dir, installArgs);
    expect(JSON.parse(fs.readFileSync(path.join(project.dir, "node_modules/pulumi-api-keys/package.json"), "utf8")).version).toBe(version);
    await initForEmulator(project, emulator.url);
    await project.up();
    const before = await project.exportState();
    const oldKeys = before.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(oldKeys).toHaveLength(3);
    for (const r of oldKeys) expect(r.outputs.__provider).toMatch(providerPath);
    const liveBefore = await admin.state();

    // The upgrade, as a user does it.
    const { tarball } = packed(); // this run's `npm pack`
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    await npmInstall(project.dir, [`pulumi-api-keys@file:${tarball}`]);
    expect(JSON.parse(fs.readFileSync(path.join(project.dir, "node_modules/pulumi-api-keys/package.json"), "utf8")).version).toBe(manifest.version);

    // Refresh reads every key through the provider that the old state names: nothing changes.
    await project.ok(["refresh", "--yes", "--expect-no-changes"]);
    await project.expectNoChanges();

    // An update in place: never a replace, for any key.
    fs.writeFileSync(path.join(project.dir, "index.js"), program("checkout server v2"));
    const plan = JSON.parse((await project.ok(["preview", "--json"])).stdout);
    const ops = Object.fromEntries(
      plan.steps.filter((s: { urn: string }) => s.urn.includes("dynamic")).map((s: { urn: string; op: string }) => [s.urn.split("::").pop(), s.op]),
    );
    // `preview --json` lists the steps that do something: the one key updated, nothing replaced.
    expect(ops).toEqual({ server: "update" });
    await project.up();
    const live = await admin.state();
    // The same keys as before the upgrade, one of them edited in place: nothing created or deleted.
    const statsigKeys = (d: { statsig: Array<{ key: string; description: string }> }) => d.statsig.map((k) => k.key);
    expect(statsigKeys(live)).toEqual(statsigKeys(liveBefore));
    const server = liveBefore.statsig.findIndex((k: { description: string }) => k.description === "checkout server");
    expect(live.statsig[server].description).toBe("checkout server v2");
    expect(live.basic.map((k: { id: string }) => k.id)).toEqual(liveBefore.basic.map((k: { id: string }) => k.id));
    expect(live.authapi.map((k: { key: string }) => k.key)).toEqual(liveBefore.authapi.map((k: { key: string }) => k.key));
    const after = await project.exportState();
    const provider = (name: string) => after.resources.find((r) => r.urn.endsWith(`::${name}`))!.outputs.__provider;
    // The updated key now names the stable entry point; the untouched ones still name their release's path.
    expect(provider("server")).toBe(`exports.handler = () => require("pulumi-api-keys/providers/statsig");\n`);
    expect(provider("ci")).toMatch(providerPath);
    expect(provider("ci")).toContain("basic");
    await project.expectNoChanges(true);

    if (rotates) {
      // Each key's value, secrets shown (`stack export --show-secrets` keeps them as `{plaintext: "<json>"}`).
      const values = async () => {
        const state = await project.exportState(true);
        const out = (name: string, field: string) => {
          const v = state.resources.find((r) => r.urn.endsWith(`::${name}`))!.outputs[field];
          return v && typeof v === "object" ? JSON.parse(v.plaintext) : v;
        };
        return Object.fromEntries(Object.entries(KEYS).map(([n, [, field]]) => [n, out(n, field)])) as Record<keyof typeof KEYS, string>;
      };
      const planned = async () =>
        Object.fromEntries(
          JSON.parse((await project.ok(["preview", "--json"])).stdout)
            .steps.filter((s: { urn: string }) => s.urn.includes("dynamic"))
            .map((s: { urn: string; op: string }) => [s.urn.split("::").pop(), s.op]),
        );
      const works = async (v: Record<keyof typeof KEYS, string>) =>
        Object.fromEntries(await Promise.all(Object.entries(KEYS).map(async ([n, [api]]) => [n, await useKey(emulator.url, api, v[n as keyof typeof KEYS])])));

      // Without rotationOverlap, a rotation is what it was in 0.2.0: the old value stops at once.
      const first = await values();
      fs.writeFileSync(path.join(project.dir, "index.js"), program("checkout server v2", { rotation: "r1" }));
      expect(await planned()).toEqual({ server: "update", ci: "replace", billing: "update" });
      await project.up();
      expect(await works(first)).toEqual({ server: 401, ci: 401, billing: 401 });

      // With it, the old value stays live: an update for every API, Basic's included.
      const second = await values();
      fs.writeFileSync(path.join(project.dir, "index.js"), program("checkout server v2", { rotation: "r2", rotationOverlap: "7d" }));
      expect(await planned()).toEqual({ server: "update", ci: "update", billing: "update" });
      await project.up();
      expect(await works(second)).toEqual({ server: 200, ci: 200, billing: 200 });
      expect(await works(await values())).toEqual({ server: 200, ci: 200, billing: 200 });
      await project.expectNoChanges(true);
    }

    // Destroy goes through both kinds of entry point.
    await project.destroyAndRemove();
    expect(await admin.liveCounts()).toEqual(seeded); // the projects are as they were
  });
});
