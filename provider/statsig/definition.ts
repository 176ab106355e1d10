// What a Statsig key is, with no lifecycle: names, settings, fields and rules. The provider, the
// resource class and the vendor's entry (entry.ts) build on it.
import type { VendorDefinition } from "../core/vendor";
import { STATSIG_DEFAULT_URL, STATSIG_SETTINGS } from "./client";
import { KeyArgsSchema, STATSIG_DIFF_POLICY, STATSIG_FIELDS } from "./schema";

export const STATSIG: VendorDefinition<"statsig"> = {
  api: "statsig",
  vendor: "Statsig",
  keys: "Statsig Console API keys",
  module: "statsig",
  typeName: "Key",
  description: "A Statsig Console API key (server, client, console, SCIM or org key) of the project the console key belongs to.",
  fields: STATSIG_FIELDS,
  args: KeyArgsSchema,
  policy: STATSIG_DIFF_POLICY,
  rotation: "in-place",
  credential: { setting: STATSIG_SETTINGS.consoleKey, what: "Statsig Console API key" },
  baseUrl: { setting: STATSIG_SETTINGS.baseUrl, default: STATSIG_DEFAULT_URL },
  importId: "<type>/<fingerprint>, for example server/0f3a9c1b2d4e5f60 (the type in lower case, and the fingerprint the drift report lists)",
};
