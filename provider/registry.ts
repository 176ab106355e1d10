// The vendors, listed once. Each folder's entry (`<vendor>/entry.ts`) says everything about its vendor;
// drift, declareKeys, the plugin, its schema and the docs iterate this list. Adding a vendor: one line.
import { entry as statsig } from "./statsig/entry";
import { entry as basic } from "./basic/entry";
import { entry as authapi } from "./authapi/entry";
import type { VendorEntry } from "./core/vendor";
import { dynamicTypeOf, nativeTypeOf } from "./core/vendor";

export const ENTRIES = [statsig, basic, authapi] as const;

export type Api = (typeof ENTRIES)[number]["api"];
export type ApiEntry = VendorEntry<Api>;
export const APIS: readonly Api[] = ENTRIES.map((e) => e.api);
export const REGISTRY = Object.fromEntries(ENTRIES.map((e): [Api, ApiEntry] => [e.api, e])) as Record<Api, ApiEntry>;

/** What `declareKeys` returns: each API's resources by name, typed as its resource class. */
export type DeclaredResources = { [E in (typeof ENTRIES)[number] as E["api"]]: Record<string, InstanceType<ReturnType<E["resource"]>>> };

/** The API a state resource's type belongs to, whichever provider manages it. */
export function apiOfType(type: string): Api | undefined {
  return ENTRIES.find((e) => type === dynamicTypeOf(e) || type === nativeTypeOf(e))?.api;
}

export { dynamicTypeOf, nativeTypeOf, PACKAGE } from "./core/vendor";
export type { FieldDoc } from "./core/vendor";
export { REQUEST_TIMEOUT_SETTING } from "./core/config";
