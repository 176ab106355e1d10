// The three APIs, listed once. The native plugin, the dynamic resources, the drift command and the
// declarative loader all find an API's names, settings, fields and lifecycle here.
import type { z } from "zod";
import type { Setting } from "./core/config";
import type { DiffPolicy } from "./core/diff";
import type { RotationBy } from "./core/lifecycle";
import type { LifecycleProvider } from "./core/lifecycle";
import { AUTHAPI_DEFAULT_URL, AUTHAPI_SETTINGS } from "./authapi/client";
import { ApiKeyArgsSchema, AUTHAPI_DIFF_POLICY, AUTHAPI_FIELDS } from "./authapi/schema";
import { BASIC_DEFAULT_URL, BASIC_SETTINGS } from "./basic/client";
import { BASIC_DIFF_POLICY, BASIC_FIELDS, ProjectKeyArgsSchema } from "./basic/schema";
import { STATSIG_DEFAULT_URL, STATSIG_SETTINGS } from "./statsig/client";
import { KeyArgsSchema, STATSIG_DIFF_POLICY, STATSIG_FIELDS } from "./statsig/schema";

import { Api, APIS } from "./apis";

export { APIS };
export type { Api };

/** One input or output of a resource, as the plugin's schema and the README reference describe it. */
export interface FieldDoc {
  name: string;
  type: "string" | "boolean" | "integer" | "string[]" | "object" | "any" | { ref: string };
  description: string;
  /** An input (required or optional); absent for an output only. Inputs are outputs too. */
  input?: "required" | "optional";
  secret?: boolean;
  /** Changing it replaces the key (the plugin's schema marks it replaceOnChanges). */
  replaces?: boolean;
}

export interface ApiEntry {
  api: Api;
  /** How the vendor's name reads in a sentence ("a Statsig key"). */
  vendor: string;
  /** The resource's module and type name: `statsig` and `Key` give `statsig.Key` and `apikeys:statsig:Key`. */
  module: Api;
  typeName: string;
  description: string;
  fields: FieldDoc[];
  /** Object types the fields refer to (`{ ref: "RateLimit" }`), by name. */
  types?: Record<string, { description: string; fields: FieldDoc[] }>;
  credential: { setting: Setting; what: string };
  baseUrl: { setting: Setting; default: string };
  /** How a due key is rotated: in place, or by a new key replacing it. */
  rotation: RotationBy;
  /** How each input changes (in place, as a set, or by replacement). */
  policy: DiffPolicy;
  /** The resource's Args rules (strict: unknown inputs are errors), before the canonical form. */
  args: z.ZodType;
  /** What `pulumi import` takes as the key's id. */
  importId: string;
  /** The lifecycle, loaded on first use (it pulls in the HTTP client). */
  provider: () => LifecycleProvider;
}

export const REGISTRY: Record<Api, ApiEntry> = {
  statsig: {
    api: "statsig",
    vendor: "Statsig",
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
    provider: () => require("./statsig/provider") as LifecycleProvider,
  },
  basic: {
    api: "basic",
    vendor: "Basic",
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
    provider: () => require("./basic/provider") as LifecycleProvider,
  },
  authapi: {
    api: "authapi",
    vendor: "The Auth API",
    module: "authapi",
    typeName: "ApiKey",
    description: "A key of The Auth API, in one of its projects.",
    fields: AUTHAPI_FIELDS.fields,
    args: ApiKeyArgsSchema,
    policy: AUTHAPI_DIFF_POLICY,
    rotation: "in-place",
    types: { RateLimit: AUTHAPI_FIELDS.rateLimit },
    credential: { setting: AUTHAPI_SETTINGS.accessKey, what: "The Auth API access key" },
    baseUrl: { setting: AUTHAPI_SETTINGS.baseUrl, default: AUTHAPI_DEFAULT_URL },
    importId: "<projectId>/<fingerprint> (the fingerprint the drift report lists)",
    provider: () => require("./authapi/provider") as LifecycleProvider,
  },
};

export const ENTRIES: ApiEntry[] = APIS.map((a) => REGISTRY[a]);

/** The Pulumi package name of the native plugin (`pulumi-resource-apikeys`). */
export const PACKAGE = "apikeys";

/** The dynamic provider's type token: `pulumi-nodejs:dynamic/<module>:<type>`. */
export const dynamicTypeOf = (e: ApiEntry): string => `pulumi-nodejs:dynamic/${e.module}:${e.typeName}`;
/** The native plugin's type token: `apikeys:<module>:<type>`. */
export const nativeTypeOf = (e: ApiEntry): string => `${PACKAGE}:${e.module}:${e.typeName}`;

/** The API a state resource's type belongs to, whichever provider manages it. */
export function apiOfType(type: string): Api | undefined {
  return ENTRIES.find((e) => type === dynamicTypeOf(e) || type === nativeTypeOf(e))?.api;
}

/** Settings common to all APIs. */
export { REQUEST_TIMEOUT_SETTING } from "./core/config";
