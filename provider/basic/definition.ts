// What a Basic project key is, with no lifecycle: names, settings, fields and rules. The provider, the
// resource class and the vendor's entry (entry.ts) build on it.
import type { VendorDefinition } from "../core/vendor";
import { BASIC_DEFAULT_URL, BASIC_SETTINGS } from "./client";
import { BASIC_DIFF_POLICY, BASIC_FIELDS, ProjectKeyArgsSchema } from "./schema";

export const BASIC: VendorDefinition<"basic"> = {
  api: "basic",
  vendor: "Basic",
  keys: "Basic project keys",
  module: "basic",
  typeName: "ProjectKey",
  description: "A Basic Admin API project key. Its value is shown once, at creation; it is kept in state as a secret.",
  fields: BASIC_FIELDS,
  args: ProjectKeyArgsSchema,
  policy: BASIC_DIFF_POLICY,
  rotation: "replace",
  credential: { setting: BASIC_SETTINGS.token, what: "Basic API token" },
  baseUrl: { setting: BASIC_SETTINGS.baseUrl, default: BASIC_DEFAULT_URL },
  importId: "<projectId>/<keyId>",
};
