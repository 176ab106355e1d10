// `declareKeys`: key resources of every API from plain data, in a YAML file or in stack config.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { InputError } from "../core/errors";
import { Api, DeclaredResources, REGISTRY } from "../registry";
import { DeclaredKey, isSecretRef, resolveKeys } from "./schema";

export { resolveKeys, type KeysDocument, type DeclaredKey } from "./schema";

export type KeysSource = { file: string } | { config: string };

export type { DeclaredResources } from "../registry";

function load(source: KeysSource): { data: unknown; label: string } {
  if ("file" in source) {
    let text: string;
    try {
      text = fs.readFileSync(source.file, "utf8");
    } catch (e) {
      throw new InputError(source.file, `cannot read the keys file: ${(e as Error).message}`);
    }
    try {
      return { data: parse(text), label: source.file };
    } catch (e) {
      throw new InputError(source.file, `is not valid YAML: ${(e as Error).message}`);
    }
  }
  return { data: new pulumi.Config().requireObject(source.config), label: `stack config ${source.config}` };
}

/**
 * Declares every key in the source for the current stack (or `opts.stack`). Invalid data fails the
 * program (and so `pulumi preview`) before any resource is registered, naming the key and the field.
 */
export function declareKeys(source: KeysSource, opts: { stack?: string; resourceOptions?: pulumi.CustomResourceOptions } = {}): DeclaredResources {
  let keys: DeclaredKey[];
  try {
    const { data, label } = load(source);
    keys = resolveKeys(data, label, opts.stack ?? pulumi.getStack());
  } catch (e) {
    // A RunError is printed as its message alone: the user's data is wrong, and a stack trace into this
    // package would only distract from the list of problems.
    if (e instanceof InputError) throw new pulumi.RunError(`[${e.code}] ${e.message}`);
    throw e;
  }
  const cfg = new pulumi.Config();
  const out: Record<Api, Record<string, unknown>> = Object.fromEntries(Object.keys(REGISTRY).map((api) => [api, {}])) as Record<Api, Record<string, unknown>>;
  for (const k of keys) {
    const args = Object.fromEntries(Object.entries(k.args).map(([f, v]) => [f, isSecretRef(v) ? cfg.requireSecret(v.secretConfig) : v]));
    // The args passed the resource's own Args schema (resolveKeys): the class takes them as they are. (`never`:
    // which API's Args they are is known only at run time, from the data.)
    const Resource = REGISTRY[k.api].resource();
    out[k.api][k.name] = new Resource(k.name, args as never, opts.resourceOptions);
  }
  return out as unknown as DeclaredResources;
}
