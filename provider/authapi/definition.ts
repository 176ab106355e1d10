// What a key of The Auth API is, with no lifecycle: names, settings, fields and rules. The provider,
// the resource class and the vendor's entry (entry.ts) build on it.
import type { z } from "zod";
import { problemsOf } from "../core/checks";
import type { SameFields, VendorDefinition } from "../core/vendor";
import type { ApiKeyArgs as PublicArgs } from "./resource";
import { AUTHAPI_DEFAULT_URL, AUTHAPI_SETTINGS } from "./client";
import { ApiKeyArgsSchema, AUTHAPI_DIFF_POLICY, AUTHAPI_FIELDS } from "./schema";
import type { ApiKeyInputs } from "./schema";

export const AUTHAPI: VendorDefinition<"authapi"> = {
  api: "authapi",
  vendor: "The Auth API",
  keys: "The Auth API keys",
  module: "authapi",
  typeName: "ApiKey",
  description: "A key of The Auth API, in one of its projects.",
  fields: AUTHAPI_FIELDS.fields,
  argsProblems: (args) => problemsOf(ApiKeyArgsSchema, args),
  policy: AUTHAPI_DIFF_POLICY,
  rotation: "in-place",
  types: { RateLimit: AUTHAPI_FIELDS.rateLimit },
  credential: { setting: AUTHAPI_SETTINGS.accessKey, what: "The Auth API access key" },
  baseUrl: { setting: AUTHAPI_SETTINGS.baseUrl, default: AUTHAPI_DEFAULT_URL },
  importId: "<projectId>/<fingerprint> (the fingerprint the drift report lists)",
};

// The public Args interface, the Args rules and the canonical inputs name the same fields, and the diff
// policy has a rule for each (DiffPolicy<ApiKeyInputs>): a field added to one and not the others fails to compile.
const argsAreTheRules: SameFields<PublicArgs, z.input<typeof ApiKeyArgsSchema>> = true;
const rulesAreTheInputs: SameFields<z.input<typeof ApiKeyArgsSchema>, ApiKeyInputs> = true;
void [argsAreTheRules, rulesAreTheInputs];
