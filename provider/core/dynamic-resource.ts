// What `pulumi.dynamic.Resource` does, done directly on `CustomResource`, for two reasons:
// - state: the SDK stores the provider as a ~290-byte closure wrapper, twice per resource (inputs and
//   outputs). When this package is installed under node_modules, a one-line `require` of the provider's
//   stable entry point does the same job in ~80 bytes. Anywhere else (a linked checkout), the SDK's own
//   serialization is used, which captures the code by value.
// - source positions: the SDK records the caller four frames up, which for a subclass of
//   dynamic.Resource is our constructor, not the user's line. One class less puts it on the user's line.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { redactSdkRpcResponses } from "./sdk-debug-redaction";
import { dynamicTypeOf, FieldDoc, secretFieldNames, VendorDefinition } from "./vendor";

// Loaded by every resource module, in the user's program: key values must not reach debug output.
redactSdkRpcResponses();

/** The Args every vendor resource shares: its rotation policy. */
export interface RotationPolicyArgs {
  /**
   * A rotation policy: "90d", "12w" or "720h". When the current value is that old, preview shows the key as
   * due and `pulumi up` rotates it as a new `rotation` value does. Setting or changing it rotates nothing by itself.
   */
  rotateAfter?: pulumi.Input<string>;
  /**
   * How long the previous value stays live after a rotation ("24h", "7d", "2w"; shorter than rotateAfter):
   * a rotation makes a new key and keeps the old one as the previous key until previousRetiresAt.
   */
  rotationOverlap?: pulumi.Input<string>;
}

const sources = new Map<string, pulumi.Input<string>>();

/**
 * The module specifier state stores for an API's provider. These entry points are declared in
 * package.json `exports` and are public API: every stack's state refers to them, so they never move.
 * (0.1.0 stored `pulumi-api-keys/dist/provider/<api>/provider.js`; `exports` keeps those working too.)
 */
export const providerEntryPoint = (api: string): string => `pulumi-api-keys/providers/${api}`;

/**
 * The `__provider` property the dynamic-provider host evaluates: a module whose `exports.handler()`
 * returns the provider. `providerFile` is the provider module's resolved path; `provider` its exports.
 */
export function providerSource(api: string, providerFile: string, provider: pulumi.dynamic.ResourceProvider): pulumi.Input<string> {
  let source = sources.get(api);
  if (source === undefined) {
    const installed = providerFile.includes(`${path.sep}node_modules${path.sep}pulumi-api-keys${path.sep}`);
    source = installed
      ? `exports.handler = () => require(${JSON.stringify(providerEntryPoint(api))});\n`
      : pulumi.output(pulumi.runtime.serializeFunction(() => provider).then((f) => f.text));
    sources.set(api, source);
  }
  return source;
}

/**
 * The `import` resource option cannot work for a dynamic resource: the engine reads the key before the
 * program has given it a provider, and the Node SDK's host crashes on that read. Say so plainly instead.
 */
export function refuseImport(type: string, name: string, opts: pulumi.CustomResourceOptions | undefined): void {
  if (opts?.import === undefined) return;
  throw new pulumi.RunError(
    `${type} "${name}" cannot be imported (the import option): Pulumi's dynamic providers cannot adopt a key they did not create. ` +
      "Import it with the native plugin instead (`npx pulumi-api-keys install-plugin`, then `pulumi import` of the apikeys type by the key's non-secret id), " +
      'or declare the key without `import` (pulumi up creates a new one), move its users to the new value, then delete the old key in the vendor\'s console. See the README, "Importing existing keys".',
  );
}

/**
 * A resource's properties for `super()`: its computed outputs as placeholders first (an output name given
 * as an input then reaches check() and is rejected there), the user's Args with secret inputs marked, and
 * the provider.
 */
export function dynamicProperties(fields: readonly FieldDoc[], args: object, provider: pulumi.Input<string>): pulumi.Inputs {
  const props: pulumi.Inputs = {};
  for (const f of fields) if (f.computed) props[f.name] = undefined;
  const secret = new Set(secretFieldNames(fields));
  for (const [k, v] of Object.entries(args)) props[k] = secret.has(k) && v !== undefined ? pulumi.secret(v) : v;
  props.__provider = provider;
  return props;
}

/** The user's options, with the resource's secret fields kept secret in state. */
export const dynamicOptions = (fields: readonly FieldDoc[], opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions => ({
  ...opts,
  additionalSecretOutputs: [...secretFieldNames(fields), ...(opts?.additionalSecretOutputs ?? [])],
});

/**
 * A vendor resource's `super()` arguments (CustomResource's type, name, properties and options), after
 * refusing the `import` option. `provider`: the vendor's provider module and its resolved file.
 */
export function dynamicResourceArgs(
  def: Pick<VendorDefinition, "api" | "module" | "typeName" | "fields">,
  provider: { file: string; module: pulumi.dynamic.ResourceProvider },
  name: string,
  args: object,
  opts: pulumi.CustomResourceOptions | undefined,
): [string, string, pulumi.Inputs, pulumi.CustomResourceOptions] {
  refuseImport(`${def.module}.${def.typeName}`, name, opts);
  return [
    dynamicTypeOf(def),
    name,
    dynamicProperties(def.fields, args, providerSource(def.api, provider.file, provider.module)),
    dynamicOptions(def.fields, opts),
  ];
}
