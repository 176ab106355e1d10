// What a Basic project key is, with no lifecycle: names, settings, fields and rules. The provider, the
// resource class and the vendor's entry (entry.ts) build on it.
import type { z } from "zod";
import { problemsOf } from "../core/checks";
import type { SameFields, VendorDefinition } from "../core/vendor";
import type { ProjectKeyArgs as PublicArgs } from "./resource";
import { BASIC_DEFAULT_URL, BASIC_SETTINGS } from "./client";
import { BASIC_DIFF_POLICY, BASIC_FIELDS, ProjectKeyArgsSchema } from "./schema";
import type { ProjectKeyInputs } from "./schema";

export const BASIC: VendorDefinition<"basic"> = {
  api: "basic",
  vendor: "Basic",
  keys: "Basic project keys",
  module: "basic",
  typeName: "ProjectKey",
  description: "A Basic Admin API project key. Its value is shown once, at creation; it is kept in state as a secret.",
  fields: BASIC_FIELDS,
  argsProblems: (args) => problemsOf(ProjectKeyArgsSchema, args),
  policy: BASIC_DIFF_POLICY,
  rotation: "replace",
  credential: { setting: BASIC_SETTINGS.token, what: "Basic API token" },
  baseUrl: { setting: BASIC_SETTINGS.baseUrl, default: BASIC_DEFAULT_URL },
  importId: "<projectId>/<keyId>",
};

// The public Args interface, the Args rules and the canonical inputs name the same fields, and the diff
// policy has a rule for each (DiffPolicy<ProjectKeyInputs>): a field added to one and not the others fails to compile.
const argsAreTheRules: SameFields<PublicArgs, z.input<typeof ProjectKeyArgsSchema>> = true;
const rulesAreTheInputs: SameFields<z.input<typeof ProjectKeyArgsSchema>, ProjectKeyInputs> = true;
void [argsAreTheRules, rulesAreTheInputs];
