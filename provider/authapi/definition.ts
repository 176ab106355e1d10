// What a key of The Auth API is, with no lifecycle: names, settings, fields and rules. The provider,
// the resource class and the vendor's entry (entry.ts) build on it.
import { wireFacts } from "../core/connection";
import { ArgsOf, ComputedOutputsOf, docsOf, tableFacts } from "../core/fields";
import type { Declares, SameFields, VendorDefinition } from "../core/vendor";
import type { ApiKey, ApiKeyArgs as PublicArgs } from "./resource";
import { AUTHAPI_WIRE } from "./client";
import { API_KEY_FIELDS, apiKeyArgsCanonical, RATE_LIMIT_FIELDS } from "./schema";

export const AUTHAPI: VendorDefinition<"authapi"> = {
  api: "authapi",
  vendor: "The Auth API",
  keys: "The Auth API keys",
  module: "authapi",
  typeName: "ApiKey",
  description: "A key of The Auth API, in one of its projects.",
  ...tableFacts(API_KEY_FIELDS, apiKeyArgsCanonical),
  rotation: "in-place",
  types: { RateLimit: { description: "A rate limit: limit requests per ttlSeconds.", fields: docsOf(RATE_LIMIT_FIELDS) } },
  ...wireFacts(AUTHAPI_WIRE, "The Auth API access key"),
  importId: "<projectId>/<fingerprint> (the fingerprint the drift report lists)",
  scope: {
    projectInput: "projectId",
    refOutput: "key",
    previousRefOutput: "previousKey",
    previousFingerprintOutput: "previousKeyFingerprint",
    refusal: { what: (projectId) => `the Auth API keys of project ${projectId}`, scope: "project" },
  },
  example: { projectId: "proj_checkout", name: "billing service", rateLimit: { limit: 100, ttlSeconds: 60 } },
};

// The public Args interface names the table's inputs, no more and no fewer: a field added to one and not
// the other fails to compile.
const argsAreTheTable: SameFields<PublicArgs, ArgsOf<typeof API_KEY_FIELDS>> = true;
void argsAreTheTable;

// The class declares every output the table computes (each create and rotation sets it): one left out
// would reach programs untyped, so it fails to compile, named.
const computedOutputsDeclared: Declares<ApiKey, ComputedOutputsOf<typeof API_KEY_FIELDS>> = true;
void computedOutputsDeclared;
