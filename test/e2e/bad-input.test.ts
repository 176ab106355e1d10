// Bad input reaches the user at `pulumi preview`: one invalid input per API, each on a stack of its own
// (the engine stops at the first failing resource), rejected naming the resource, the field and the
// rule, without the input's value, and with zero API calls. Every rule of every API is checked in
// process by test/unit/bad-input.test.ts, from the same table.
import * as fs from "node:fs";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { APIS } from "../../provider/registry";
import { BAD_INPUT } from "../support/bad-input-cases";
import { initForEmulator, makeProject, PulumiProject } from "../support/harness";

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, basic, authapi } = require("pulumi-api-keys");
const ctor = { statsig: statsig.Key, basic: basic.ProjectKey, authapi: authapi.ApiKey };
const [api, args] = JSON.parse(new pulumi.Config().require("case"));
new ctor[api]("bad", args);
`;

/** Each API's first case whose message is one line (what the engine prints after "has a problem"). */
const shown = APIS.map((api) => BAD_INPUT.find(([a, , m]) => a === api && typeof m === "string")!);

describe("bad input is rejected at preview", () => {
  jest.setTimeout(300_000);
  let emulator: Emulator;
  let dir: string;

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    await emulator.start();
    dir = makeProject("bad-input", { "index.js": program }).dir;
  });
  afterAll(async () => {
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each(shown.map(([api, args, message]) => [api, args, message as string]))(
    "an invalid %s input is named at preview, without its value, with zero API calls",
    async (api, args, message) => {
      const project = new PulumiProject(dir, `bad-${api}`);
      await initForEmulator(project, emulator.url, { config: { case: JSON.stringify([api, args]) } });
      const r = await project.run(["preview"]);
      const out = r.stdout + r.stderr;
      expect(r.code).not.toBe(0);
      expect(out).toContain(`'bad' has a problem: ${message}`);
      // The engine prints an input's value beside a failure that names a property; ours never do.
      expect(out).not.toMatch(/property \S+ value/);
      expect(emulator.log).toHaveLength(0);
    },
  );
});
