// The native plugin's Pulumi package schema, made from the registry: every field with its description,
// secret outputs and replace-forcing inputs marked. The SDKs and the reference are generated from it.
import * as fs from "node:fs";
import * as path from "node:path";
import { Setting } from "../core/config";
import { secretFieldNames } from "../core/vendor";
import { ApiEntry, ENTRIES, FieldDoc, nativeTypeOf, PACKAGE, REQUEST_TIMEOUT_SETTING } from "../registry";
import { DEFAULT_DOWNLOAD_URL, RELEASE } from "./build-info";

/** This package's version: the plugin's, the schema's and the SDKs'. A release binary has it baked in. */
export function packageVersion(): string {
  if (RELEASE) return RELEASE.version;
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

/** This package's directory: the nearest package.json named pulumi-api-keys above this file (built or not). */
export function packageRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string }).name === "pulumi-api-keys") return dir;
  }
  throw new Error(`no package.json of pulumi-api-keys above ${__dirname}`);
}

type PropertySpec = Record<string, unknown>;

/** "a, b and c" */
const inWords = (xs: string[]): string => (xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`);

function typeSpec(t: FieldDoc["type"], module: string): PropertySpec {
  if (typeof t === "object") return { $ref: `#/types/${PACKAGE}:${module}:${t.ref}` };
  switch (t) {
    case "string[]":
      return { type: "array", items: { type: "string" } };
    case "object":
      return { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } };
    case "any":
      return { $ref: "pulumi.json#/Any" };
    default:
      return { type: t };
  }
}

function property(f: FieldDoc, module: string, asInput: boolean): PropertySpec {
  const p: PropertySpec = { ...typeSpec(f.type, module), description: f.description };
  if (f.secret) p.secret = true;
  if (asInput && f.replaces) p.willReplaceOnChanges = true;
  return p;
}

const props = (fields: FieldDoc[], module: string, asInput: boolean) => Object.fromEntries(fields.map((f) => [f.name, property(f, module, asInput)]));

/** Provider settings: every API's credential and endpoint, and the request timeout. */
export function providerSettings(): Array<{ setting: Setting; description: string; type: "string" | "integer" }> {
  const out: Array<{ setting: Setting; description: string; type: "string" | "integer" }> = [];
  for (const e of ENTRIES) {
    out.push({
      setting: e.credential.setting,
      type: "string",
      description: `${e.credential.what[0]!.toUpperCase()}${e.credential.what.slice(1)} (a secret). Also read from the environment variable ${e.credential.setting.env}.`,
    });
    out.push({
      setting: e.baseUrl.setting,
      type: "string",
      description: `Base URL of ${e.vendor} (default ${e.baseUrl.default}). Also read from ${e.baseUrl.setting.env}.`,
    });
  }
  out.push({
    setting: REQUEST_TIMEOUT_SETTING,
    type: "integer",
    description: `How long a request waits for an answer, in milliseconds (100 to 600000, default 30000). Also read from ${REQUEST_TIMEOUT_SETTING.env}.`,
  });
  return out;
}

function resource(e: ApiEntry) {
  const inputs = e.fields.filter((f) => f.input);
  return {
    description: `${e.description}\n\nImport it with \`pulumi import ${nativeTypeOf(e)} <name> ${e.importId.split(",")[0]}\`.`,
    properties: props(e.fields, e.module, false),
    required: inputs.filter((f) => f.input === "required").map((f) => f.name),
    inputProperties: props(inputs, e.module, true),
    requiredInputs: inputs.filter((f) => f.input === "required").map((f) => f.name),
  };
}

/** Where Pulumi downloads the plugin (the schema's pluginDownloadURL): the release's, or the project's GitHub releases. */
export function pluginDownloadUrl(): string {
  return RELEASE?.downloadUrl ?? DEFAULT_DOWNLOAD_URL;
}

export function packageSchema(version = packageVersion(), downloadUrl = pluginDownloadUrl()): Record<string, unknown> {
  const settings = providerSettings();
  const settingProps = Object.fromEntries(
    settings.map((s) => [s.setting.configKey, { type: s.type, description: s.description, ...(s.setting.secret ? { secret: true } : {}) }]),
  );
  const types: Record<string, unknown> = {};
  for (const e of ENTRIES)
    for (const [name, t] of Object.entries(e.types ?? {}))
      types[`${PACKAGE}:${e.module}:${name}`] = {
        type: "object",
        description: t.description,
        properties: props(t.fields, e.module, false),
        required: t.fields.filter((f) => f.input === "required").map((f) => f.name),
      };
  return {
    name: PACKAGE,
    displayName: `API keys (${ENTRIES.map((e) => e.vendor).join(", ")})`,
    version,
    description: `Declare ${inWords(ENTRIES.map((e) => e.keys))} as Pulumi resources, with drift detection.`,
    keywords: ["pulumi", "api-keys", ...ENTRIES.map((e) => e.vendor.toLowerCase().replace(/\s+/g, "")), "category/utility"],
    license: "Apache-2.0",
    publisher: "pulumi-api-keys",
    pluginDownloadURL: downloadUrl,
    meta: { moduleFormat: "(.*)" },
    config: { variables: settingProps },
    provider: {
      description:
        "The provider: one instance per vendor account or project. Several explicit instances let one stack manage several accounts of the same vendor.",
      inputProperties: settingProps,
    },
    resources: Object.fromEntries(ENTRIES.map((e) => [nativeTypeOf(e), resource(e)])),
    types,
    language: {
      nodejs: { packageName: "@pulumi-api-keys/apikeys", dependencies: { "@pulumi/pulumi": "^3.216.0" } },
      python: { packageName: "pulumi_apikeys" },
      go: { importBasePath: "github.com/pulumi-api-keys/pulumi-api-keys/sdk/go/apikeys", generateResourceContainerTypes: false },
      csharp: { rootNamespace: "PulumiApiKeys", packageReferences: { Pulumi: "3.*" } },
    },
  };
}

/** The fields of a resource whose values are secrets, inputs and outputs alike. */
export function secretFields(e: ApiEntry): Set<string> {
  return new Set(secretFieldNames(e.fields));
}
