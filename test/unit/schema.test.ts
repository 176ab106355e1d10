// The plugin's package schema, straight from the function that makes it (what `npm run gen-sdk` and
// the plugin's GetSchema serve): secrets, replace-forcing inputs and a description for every field.
// The SDKs generated from it are compiled by test/e2e/sdks.test.ts.
import { packageSchema } from "../../provider/plugin/schema";

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
