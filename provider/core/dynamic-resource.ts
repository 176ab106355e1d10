// What `pulumi.dynamic.Resource` does, done directly on `CustomResource`, for two reasons:
// - state: the SDK stores the provider as a ~290-byte closure wrapper, twice per resource (inputs and
//   outputs). When this package is installed under node_modules, a one-line `require` of the provider
//   module does the same job in ~80 bytes. Anywhere else (a linked checkout), the SDK's own
//   serialization is used, which captures the code by value.
// - source positions: the SDK records the caller four frames up, which for a subclass of
//   dynamic.Resource is our constructor, not the user's line. One class less puts it on the user's line.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { redactSdkRpcResponses } from "./sdk-debug-redaction";

// Loaded by every resource module, in the user's program: key values must not reach debug output.
redactSdkRpcResponses();

const sources = new Map<string, pulumi.Input<string>>();

/**
 * The `__provider` property the dynamic-provider host evaluates: a module whose `exports.handler()`
 * returns the provider. `providerFile` is the provider module's resolved path; `provider` its exports.
 */
export function providerSource(providerFile: string, provider: pulumi.dynamic.ResourceProvider): pulumi.Input<string> {
  let source = sources.get(providerFile);
  if (source === undefined) {
    const marker = `${path.sep}node_modules${path.sep}`;
    const at = providerFile.lastIndexOf(marker);
    source =
      at >= 0
        ? `exports.handler = () => require(${JSON.stringify(providerFile.slice(at + marker.length).split(path.sep).join("/"))});\n`
        : pulumi.output(pulumi.runtime.serializeFunction(() => provider).then((f) => f.text));
    sources.set(providerFile, source);
  }
  return source;
}

/** The type token the dynamic-provider host serves: `pulumi-nodejs:dynamic/<module>:<type>`. */
export function dynamicType(module: string, type: string): string {
  return `pulumi-nodejs:dynamic/${module}:${type}`;
}
