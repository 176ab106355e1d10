// What a Basic project key is, with no lifecycle: names, settings, fields and rules. The provider, the
// resource class and the vendor's entry (entry.ts) build on it.
import { wireFacts } from "../core/connection";
import { ArgsOf, ComputedOutputsOf, tableFacts } from "../core/fields";
import type { Declares, SameFields, VendorDefinition } from "../core/vendor";
import type { ProjectKey, ProjectKeyArgs as PublicArgs } from "./resource";
import { BASIC_WIRE } from "./client";
import { PROJECT_KEY_FIELDS, projectKeyArgsCanonical } from "./schema";

export const BASIC: VendorDefinition<"basic"> = {
  api: "basic",
  vendor: "Basic",
  keys: "Basic project keys",
  module: "basic",
  typeName: "ProjectKey",
  description: "A Basic Admin API project key. Its value is shown once, at creation; it is kept in state as a secret.",
  ...tableFacts(PROJECT_KEY_FIELDS, projectKeyArgsCanonical),
  rotation: "replace",
  ...wireFacts(BASIC_WIRE, "Basic API token"),
  importId: "<projectId>/<keyId>",
  scope: {
    projectInput: "projectId",
    refOutput: "keyId",
    previousRefOutput: "previousKeyId",
    previousFingerprintOutput: "previousValueFingerprint",
    refusal: { what: (projectId) => `the Basic keys of project ${projectId}`, scope: "account" },
  },
  example: { projectId: "3f0e6a52-8c1d-4b7e-9a2f-5d4c3b2a1f00", label: "ci deploys", roles: ["read", "write"] },
};

// The public Args interface names the table's inputs, no more and no fewer: a field added to one and not
// the other fails to compile.
const argsAreTheTable: SameFields<PublicArgs, ArgsOf<typeof PROJECT_KEY_FIELDS>> = true;
void argsAreTheTable;

// The class declares every output the table computes (each create and rotation sets it): one left out
// would reach programs untyped, so it fails to compile, named.
const computedOutputsDeclared: Declares<ProjectKey, ComputedOutputsOf<typeof PROJECT_KEY_FIELDS>> = true;
void computedOutputsDeclared;
