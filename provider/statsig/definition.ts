// What a Statsig key is, with no lifecycle: names, settings, fields and rules. The provider, the
// resource class and the vendor's entry (entry.ts) build on it.
import { wireFacts } from "../core/connection";
import { ArgsOf, ComputedOutputsOf, tableFacts } from "../core/fields";
import type { Declares, SameFields, VendorDefinition } from "../core/vendor";
import type { Key, KeyArgs as PublicArgs } from "./resource";
import { STATSIG_WIRE } from "./client";
import { KEY_FIELDS, keyArgsCanonical } from "./schema";

export const STATSIG: VendorDefinition<"statsig"> = {
  api: "statsig",
  vendor: "Statsig",
  keys: "Statsig Console API keys",
  module: "statsig",
  typeName: "Key",
  description: "A Statsig Console API key (server, client, console, SCIM or org key) of the project the console key belongs to.",
  ...tableFacts(KEY_FIELDS, keyArgsCanonical),
  rotation: "in-place",
  ...wireFacts(STATSIG_WIRE, "Statsig Console API key"),
  importId: "<type>/<fingerprint>, for example server/0f3a9c1b2d4e5f60 (the type in lower case, and the fingerprint the drift report lists)",
  scope: {
    // No projectInput: a console key sees its own project, so the credential is the scope.
    refOutput: "key",
    previousRefOutput: "previousKey",
    previousFingerprintOutput: "previousKeyFingerprint",
  },
  example: { type: "SERVER", description: "checkout backend", scopes: ["omni_read_only"], environments: ["production"] },
};

// The public Args interface names the table's inputs, no more and no fewer: a field added to one and not
// the other fails to compile.
const argsAreTheTable: SameFields<PublicArgs, ArgsOf<typeof KEY_FIELDS>> = true;
void argsAreTheTable;

// The class declares every output the table computes (each create and rotation sets it): one left out
// would reach programs untyped, so it fails to compile, named.
const computedOutputsDeclared: Declares<Key, ComputedOutputsOf<typeof KEY_FIELDS>> = true;
void computedOutputsDeclared;
