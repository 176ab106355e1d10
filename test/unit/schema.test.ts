// The plugin's package schema, straight from the function that makes it (what `npm run gen-sdk` and
// the plugin's GetSchema serve): secrets, replace-forcing inputs and a description for every field.
// The SDKs generated from it are compiled by test/e2e/sdks.test.ts.
import { packageSchema } from "../../provider/plugin/schema";
import { ENTRIES } from "../../provider/registry";

type Props = Record<string, { description?: string; secret?: boolean; willReplaceOnChanges?: boolean }>;
const schema = packageSchema() as {
  resources: Record<string, { properties: Props; inputProperties: Props }>;
  provider: { inputProperties: Props };
};

test("the schema marks secrets and replace-forcing inputs and describes every field", () => {
  const key = schema.resources["apikeys:statsig:Key"]!;
  expect(key.properties.key!.secret).toBe(true);
  expect(key.inputProperties.type!.willReplaceOnChanges).toBe(true);
  expect(schema.resources["apikeys:basic:ProjectKey"]!.properties.value!.secret).toBe(true);
  expect(schema.resources["apikeys:authapi:ApiKey"]!.inputProperties.customKey!.secret).toBe(true);
  expect(schema.provider.inputProperties.statsigConsoleApiKey!.secret).toBe(true);
  for (const [type, r] of Object.entries(schema.resources))
    for (const [field, p] of [...Object.entries(r.properties), ...Object.entries(r.inputProperties)])
      expect(`${type}.${field}: ${p.description ?? ""}`).toMatch(/: \S/);
});

test("every entry documents exactly the inputs its diff policy rules, and marks replacement where the policy replaces", () => {
  for (const e of ENTRIES) {
    const inputs = e.fields.filter((f) => f.input).map((f) => f.name);
    expect([e.api, [...inputs].sort()]).toEqual([e.api, Object.keys(e.policy).sort()]);
    const replaces = e.fields.filter((f) => f.replaces).map((f) => f.name);
    const alwaysReplaces = Object.entries(e.policy)
      .filter(([, rule]) => rule === "replace")
      .map(([field]) => field);
    expect([e.api, alwaysReplaces.filter((f) => !replaces.includes(f))]).toEqual([e.api, []]);
  }
});
