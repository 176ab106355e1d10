// A newcomer's path: `npm pack` the library, install the tarball into a fresh Pulumi project outside
// the repo, run a program against the emulator, and check that state holds the provider as a
// `require` of the package, not a copy of its code.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BASIC_PROJECT, BASIC_TOKEN } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { PulumiProject, REPO_ROOT } from "./harness";

function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(" ")}: ${stderr || err.message}`)) : resolve(stdout))),
  );
}

describe("a newcomer installs the packed package", () => {
  jest.setTimeout(600_000);
  let emulator: Emulator;
  let dir: string;

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    await emulator.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pak-newcomer-"));
  });
  afterAll(async () => {
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("npm pack -> npm install -> pulumi up; the provider is serialized as require('pulumi-api-keys/…')", async () => {
    const packed = JSON.parse(await sh("npm", ["pack", "--json", "--pack-destination", dir], REPO_ROOT))[0];
    const files: string[] = packed.files.map((f: { path: string }) => f.path);
    expect(files).toContain("dist/provider/index.js");
    expect(files).toContain("dist/provider/cli.js");
    expect(files.some((f) => f.startsWith("test/") || f.startsWith("emulator/"))).toBe(false);

    const pdir = path.join(dir, "project");
    fs.mkdirSync(pdir);
    fs.writeFileSync(path.join(pdir, "Pulumi.yaml"), "name: newcomer\nruntime: nodejs\n");
    fs.writeFileSync(
      path.join(pdir, "package.json"),
      JSON.stringify({ name: "newcomer", private: true, main: "index.js", dependencies: { "pulumi-api-keys": `file:${path.join(dir, packed.filename)}` } }),
    );
    fs.writeFileSync(
      path.join(pdir, "index.js"),
      `const { statsig, basic } = require("pulumi-api-keys");
const k = new statsig.Key("first", { type: "SERVER", description: "my first key", scopes: ["omni_read_only"] });
const b = new basic.ProjectKey("second", { projectId: "${BASIC_PROJECT}", label: "second", roles: ["read"] });
exports.fingerprint = k.keyFingerprint;
exports.basicKeyId = b.keyId;
`,
    );
    await sh("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"], pdir);
    expect(fs.existsSync(path.join(pdir, "node_modules/pulumi-api-keys/dist/provider/statsig/provider.js"))).toBe(true);

    const project = new PulumiProject(pdir, "dev");
    await project.init(
      { "pulumi-api-keys:statsigApiUrl": emulator.url, "pulumi-api-keys:basicApiUrl": emulator.url },
      { "pulumi-api-keys:statsigConsoleApiKey": STATSIG_CONSOLE_KEY, "pulumi-api-keys:basicApiToken": BASIC_TOKEN },
    );
    await project.up();
    const state = await project.exportState();
    const keys = state.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(keys).toHaveLength(2);
    for (const r of keys) {
      const provider: string = r.inputs.__provider;
      // One line that loads the installed package, not a copy of the code (small: it is stored twice per key).
      expect(provider).toMatch(/^exports\.handler = \(\) => require\("pulumi-api-keys\/dist\/provider\/(statsig|basic)\/provider\.js"\);\n$/);
      expect(r.outputs.__provider).toBe(provider);
      // The recorded source position is the user's line, not the library's constructor.
      expect(r.sourcePosition).toMatch(/^project:\/\/\/index\.js#\d+,\d+$/);
    }
    expect(state.raw).not.toContain(STATSIG_CONSOLE_KEY);
    expect(state.raw).not.toContain(emulator.store.data.statsig[0]!.key);
    await project.expectNoChanges(true);
    await project.destroyAndRemove();
    expect(emulator.store.data.statsig).toHaveLength(0);
  });
});
