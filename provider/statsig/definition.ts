// What a Statsig key is, with no lifecycle: names, settings, fields and rules. The provider, the
// resource class and the vendor's entry (entry.ts) build on it.
import { problemsOf } from "../core/checks";
import { ArgsOf, docsOf } from "../core/fields";
import type { SameFields, VendorDefinition } from "../core/vendor";
import type { KeyArgs as PublicArgs } from "./resource";
import { STATSIG_WIRE } from "./client";
import { KEY_FIELDS, KeyArgsCanonical, STATSIG_DIFF_POLICY, STATSIG_LIVE_POLICY } from "./schema";

export const STATSIG: VendorDefinition<"statsig"> = {
  api: "statsig",
  vendor: "Statsig",
  keys: "Statsig Console API keys",
  module: "statsig",
  typeName: "Key",
  description: "A Statsig Console API key (server, client, console, SCIM or org key) of the project the console key belongs to.",
  fields: docsOf(KEY_FIELDS),
  argsProblems: (args) => problemsOf(KeyArgsCanonical, args),
  policy: STATSIG_DIFF_POLICY,
  livePolicy: STATSIG_LIVE_POLICY,
  rotation: "in-place",
  credential: { setting: STATSIG_WIRE.settings.credential, what: "Statsig Console API key" },
  baseUrl: { setting: STATSIG_WIRE.settings.baseUrl, default: STATSIG_WIRE.defaultUrl },
  importId: "<type>/<fingerprint>, for example server/0f3a9c1b2d4e5f60 (the type in lower case, and the fingerprint the drift report lists)",
  example: { type: "SERVER", description: "checkout backend", scopes: ["omni_read_only"], environments: ["production"] },
};

// The public Args interface names the table's inputs, no more and no fewer: a field added to one and not
// the other fails to compile.
const argsAreTheTable: SameFields<PublicArgs, ArgsOf<typeof KEY_FIELDS>> = true;
void argsAreTheTable;
