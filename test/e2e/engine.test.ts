// The foundation: the pinned Pulumi CLI runs a program with a dynamic resource on a local file
// backend, fully offline, and converges.
import * as fs from "node:fs";
import { makeProject, pinnedPulumiVersion, PulumiProject } from "../support/harness";

const program = `
const pulumi = require("@pulumi/pulumi");
const provider = {
  async create(inputs) { return { id: "greeting-" + inputs.name, outs: { ...inputs, text: "hello " + inputs.name } }; },
  async diff(id, olds, news) { return { changes: olds.name !== news.name, replaces: olds.name !== news.name ? ["name"] : [] }; },
  async read(id, props) { return { id, props }; },
  async delete() {},
};
class Greeting extends pulumi.dynamic.Resource {
  constructor(name, args, opts) { super(provider, name, { text: undefined, ...args }, opts); }
}
const g = new Greeting("g", { name: new pulumi.Config().get("who") || "world" });
exports.text = g.text;
`;

describe("the real Pulumi engine, offline", () => {
  jest.setTimeout(300_000);
  let project: PulumiProject;

  beforeAll(() => {
    project = makeProject("engine-smoke", { "index.js": program });
  });
  afterAll(() => fs.rmSync(project.dir, { recursive: true, force: true }));

  test("the CLI on PATH is the pinned version", async () => {
    const r = await project.ok(["version"]);
    expect(r.stdout.trim()).toBe(`v${pinnedPulumiVersion()}`);
  });

  test("up, no-op preview, update, destroy", async () => {
    await project.init();
    await project.up();
    let out = await project.ok(["stack", "output", "text"]);
    expect(out.stdout.trim()).toBe("hello world");

    const state = await project.exportState();
    const dyn = state.resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource");
    expect(dyn).toHaveLength(1);
    expect(dyn[0]!.id).toBe("greeting-world");

    await project.expectNoChanges();
    await project.expectNoChanges(true);

    await project.ok(["config", "set", "who", "pulumi"]);
    const changed = await project.run(["preview", "--expect-no-changes"]);
    expect(changed.code).not.toBe(0);
    await project.up();
    out = await project.ok(["stack", "output", "text"]);
    expect(out.stdout.trim()).toBe("hello pulumi");

    await project.ok(["destroy", "--yes", "--skip-preview"]);
    const after = await project.exportState();
    expect(after.resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource")).toHaveLength(0);
    await project.ok(["stack", "rm", "--yes", project.stack]);
  });
});
