// declareKeys for every registered vendor: a keys file naming each vendor's example key becomes one
// resource of that vendor's class and type, with the file's fields as its inputs. Pulumi's own mocks
// stand in for the engine (no API is called: a resource's inputs are what is checked); what the engine
// does with them is test/e2e's (declarative programs run through the real CLI in drift.test.ts and others).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { declareKeys } from "../../provider/declarative";
import { dynamicTypeOf, ENTRIES } from "../../provider/registry";

const registered: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];
beforeAll(() => {
  // From a source tree (not an installed package), the dynamic provider travels as a serialized closure,
  // which jest's module wrappers defeat; the e2e programs, which install the package, cover the real one.
  jest
    .spyOn(pulumi.runtime, "serializeFunction")
    .mockResolvedValue({ text: "exports.handler = () => ({});", exportName: "handler" } as Awaited<ReturnType<typeof pulumi.runtime.serializeFunction>>);
  pulumi.runtime.setMocks(
    {
      newResource: (args) => (registered.push({ type: args.type, name: args.name, inputs: args.inputs }), { id: `${args.name}-id`, state: args.inputs }),
      call: () => ({}),
    },
    "declare-keys",
    "dev",
    true,
  );
});

test("each vendor's example in a keys file becomes one resource of its class, with the file's fields as inputs", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "declare-keys-"));
  const file = path.join(dir, "keys.yaml");
  fs.writeFileSync(file, stringify({ keys: Object.fromEntries(ENTRIES.map((e) => [e.api, { main: e.example }])) }));
  const declared = declareKeys({ file }) as Record<string, Record<string, unknown>>;
  // Registration is asynchronous: wait for every resource's id.
  await Promise.all(Object.values(declared).map((byName) => new Promise((resolve) => (byName.main as pulumi.CustomResource).id.apply(resolve))));
  for (const e of ENTRIES) {
    expect(declared[e.api]!.main).toBeInstanceOf(e.resource());
    const r = registered.find((x) => x.type === dynamicTypeOf(e))!;
    expect([e.api, r.name]).toEqual([e.api, "main"]);
    expect(r.inputs).toMatchObject(e.example);
  }
  expect(registered).toHaveLength(ENTRIES.length);
  fs.rmSync(dir, { recursive: true, force: true });
});
