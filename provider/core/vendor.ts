// The shape of a vendor: what its folder's entry (`<vendor>/entry.ts`) tells the rest of the package.
// registry.ts lists the entries; core defines their shape and never imports one.
import type { CustomResourceOptions } from "@pulumi/pulumi";
import type { Connection, Setting } from "./config";
import type { DiffPolicy } from "./diff";
import type { LifecycleProvider, RotationBy } from "./provider-contract";

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
  /** An output every create and rotation sets: a preview shows it as not known until the update. */
  computed?: boolean;
}

/** The fields whose values are secrets, inputs and outputs alike. */
export const secretFieldNames = (fields: readonly FieldDoc[]): string[] => fields.filter((f) => f.secret).map((f) => f.name);

/** Where a vendor's keys live and how a listing names them (the drift command lists each scope once). */
export interface KeyScope {
  /** The input naming the project a key lives in; absent where keys are the credential's own project's (Statsig). */
  projectInput?: string;
  /** The output that names a managed key as its listing does (`ListedKey.ref`). */
  refOutput: string;
  /** The output that names, the same way, the previous key a rotation with an overlap keeps live. */
  previousRefOutput: string;
  /** The output holding that previous key's fingerprint (reports name a key by it, never by its value). */
  previousFingerprintOutput: string;
  /** A listing refused with this credential means the credential belongs to another project or account. */
  refusal?: { what: (projectId: string | undefined) => string; scope: "project" | "account" };
}

/** What a vendor's keys are, with no lifecycle: its provider and resource class build on it. */
export interface VendorDefinition<A extends string = string> {
  api: A;
  /** How the vendor's name reads in a sentence ("a Statsig key"). */
  vendor: string;
  /** What its keys are called, in the plural ("Statsig Console API keys"). */
  keys: string;
  /** The resource's module and type name: `statsig` and `Key` give `statsig.Key` and `apikeys:statsig:Key`. */
  module: A;
  typeName: string;
  description: string;
  fields: FieldDoc[];
  /** Each input's value when left out, for those that have one: state leaves such values out (core/fields.ts `withoutDefaults`). */
  defaults: Readonly<Record<string, unknown>>;
  /** Object types the fields refer to (`{ ref: "RateLimit" }`), by name. */
  types?: Record<string, { description: string; fields: FieldDoc[] }>;
  credential: { setting: Setting; what: string };
  baseUrl: { setting: Setting; default: string };
  /** How a due key is rotated: in place, or by a new key replacing it. */
  rotation: RotationBy;
  /** How each input changes (in place, as a set, or by replacement). */
  policy: DiffPolicy;
  /** How a live key is compared with a declaration (drift, reconciliation): the policy, ignoring what the API never shows. */
  livePolicy: DiffPolicy;
  /**
   * The resource's Args rules (strict: unknown inputs are errors), before the canonical form: each
   * problem with the input's path and the rule. (A function, not the zod schema: zod's types stay out of
   * the public declarations a user's compiler reads.)
   */
  argsProblems(args: unknown): Array<{ property: string; reason: string }>;
  /** What `pulumi import` takes as the key's id. */
  importId: string;
  /** Where its keys live and how a listing names them. */
  scope: KeyScope;
  /** Patterns of this vendor's secrets (headers, key formats) that redaction removes from any text (its client registers them). */
  redaction: RegExp[];
  /** A typical key's inputs: the reference shows it, and the shared tests declare it for every vendor. */
  example: Record<string, unknown>;
}

/** A live key as a listing returned it, put the way drift compares and lists keys. */
export interface ListedKey {
  /** What a managed key's outputs hold to name it (see VendorDrift.ref). */
  ref: string;
  /** Its inputs as they are live, given what was declared (fields the API does not return stay declared). */
  liveInputs(declared: Record<string, unknown>): object;
  /**
   * How it is listed when no stack manages it; absent when it is not a live key (a revoked one).
   * `importId`: what `pulumi import` takes for it (never the value); `createdAt`: where the vendor says.
   */
  unmanaged?: { id: string; label: string; type?: string; importId: string; createdAt?: string };
  /** When a service last used it (ISO 8601), null if never; absent where the vendor does not say (The Auth API). */
  lastUsed?: string | null;
}

/** What the drift command needs of a vendor beyond its definition (its `scope`): how one scope's keys are listed. */
export interface VendorDrift {
  /**
   * Lists one scope's keys. `seen`: the fingerprints of every value the listing showed, where the API
   * shows values: a managed key missing from the listing and last seen by a credential not among them
   * is in another project, not deleted.
   */
  list(c: Connection, projectId: string | undefined): Promise<{ keys: ListedKey[]; seen?: Set<string> }>;
}

/** Where a key lives beyond the account: its project, from its inputs; undefined for account-wide keys. */
export const projectOf = (d: KeyScope, inputs: Record<string, unknown>): string | undefined =>
  d.projectInput === undefined ? undefined : String(inputs[d.projectInput]);

/** The listing's name for a managed key, from its outputs. */
export const refOf = (d: KeyScope, outputs: Record<string, unknown>): string | undefined => outputs[d.refOutput] as string | undefined;

/** The listing's name for the previous key a rotation with an overlap keeps live, if any. */
export const previousRefOf = (d: KeyScope, outputs: Record<string, unknown>): string | undefined => outputs[d.previousRefOutput] as string | undefined;

/** A resource class: `new Key(name, args, opts)`. */
export type ResourceClass = new (name: string, args: never, opts?: CustomResourceOptions) => unknown;

/** A vendor as its folder exports it; `R` is its resource class, so `declareKeys` can type what it returns. */
export interface VendorEntry<A extends string = string, R extends ResourceClass = ResourceClass> extends VendorDefinition<A> {
  /** The lifecycle, loaded on first use (it pulls in the HTTP client). */
  provider(): LifecycleProvider;
  /** The dynamic resource class, loaded on first use (it pulls in @pulumi/pulumi). */
  resource(): R;
  drift: VendorDrift;
}

/** The Pulumi package name of the native plugin (`pulumi-resource-apikeys`). */
export const PACKAGE = "apikeys";

/** The dynamic provider's type token: `pulumi-nodejs:dynamic/<module>:<type>`. */
export const dynamicTypeOf = (e: Pick<VendorDefinition, "module" | "typeName">): string => `pulumi-nodejs:dynamic/${e.module}:${e.typeName}`;
/** The native plugin's type token: `apikeys:<module>:<type>`. */
export const nativeTypeOf = (e: Pick<VendorDefinition, "module" | "typeName">): string => `${PACKAGE}:${e.module}:${e.typeName}`;

/**
 * A compile-time check that two types name the same fields: `const ok: SameFields<A, B> = true` fails to
 * compile, naming the odd field, when one has a field the other lacks.
 */
export type SameFields<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : { onlyInFirst: Exclude<keyof A, keyof B>; onlyInSecond: Exclude<keyof B, keyof A> };

/** A compile-time check that a class declares each of `Names`: `const ok: Declares<C, N> = true` fails to compile, naming the one it lacks. */
export type Declares<C, Names extends string> = [Exclude<Names, keyof C>] extends [never] ? true : { notDeclared: Exclude<Names, keyof C> };
