// A resource's field table: each input and output declared once, with its rule, how a change applies,
// whether it is secret, and its description. The Args rules, the canonical inputs (and their type), the
// diff policy, the secret and preview-unknown outputs, the plugin's schema and docs/REFERENCE.md are all
// derived from it, so a field cannot be added to one of them and forgotten in another. A rule is a
// function, built on first use (core/once.ts says why).
// zod's light API (`zod/mini`): its full one, with the JSON-schema code its methods pull in, doubled the
// provider bundle every command loads (Statsig's 254 to 131 kB; about 1.7 ms of each provider process's start).
import * as z from "zod/mini";
import { problemsOf } from "./checks";
import { once } from "./once";
import { overlapShorterThanPolicy } from "./rotation";
import { sameValue } from "./diff";
import type { DiffPolicy, FieldRule } from "./diff";
import type { FieldDoc } from "./vendor";

/** An input: the rule its Args value must pass (zod, `z.optional()` when it may be left out), and the rest. */
export interface InputField<S extends z.ZodMiniType = z.ZodMiniType, C = unknown, D = unknown> {
  /** Builds the rule: called only by what checks Args or describes the field, never on a read. */
  rule: () => S;
  /** How a change applies: in place ("update"), as an order-free set, by replacement, or decided by old and new values. */
  change: FieldRule;
  type: FieldDoc["type"];
  description: string;
  /** A secret value: marked secret in state, the schema and the SDKs, and never shown as drift. */
  secret?: true;
  /** Never compared with a live key (reconciliation, drift): the user's own trigger, a write-only value, what addresses the key. */
  live?: false;
  /** The canonical value when the input is left out (or null); without one, it stays absent. */
  default?: D;
  /** The canonical form of a given value, where it is not the rule's output; undefined reads as absent. */
  canonical?: (value: never) => C | undefined;
}

/** An output: what the API or the provider sets. */
export interface OutputField {
  output: true;
  type: FieldDoc["type"];
  description: string;
  secret?: true;
  /** Set by every create and rotation: a preview shows it as not known until the update. */
  computed?: true;
}

export type Field = InputField<z.ZodMiniType, unknown, unknown> | OutputField;
export type FieldTable = Record<string, Field>;

/** An input field, with its canonical value type (`C`) and whether it has a default (`D`) kept in its type. */
export function input<S extends z.ZodMiniType, C = NonNullable<z.output<S>>, const D = undefined>(
  f: Omit<InputField<S, C, D>, "canonical"> & { canonical?: (value: NonNullable<z.output<S>>) => C | undefined },
): InputField<S, NoInfer<C>, NoInfer<D>> {
  // NoInfer: C and D come from the field's own `canonical` and `default`, not from where the field is used.
  return f as InputField<S, C, D>;
}

/** An output field, its own type kept (so that `ComputedOutputsOf` can tell the computed ones). */
export const output = <const F extends Omit<OutputField, "output">>(f: F): F & { output: true } => ({ output: true, ...f });

/** A table, its field types kept (the derived types read them). */
export const fieldTable = <T extends FieldTable>(t: T): T => t;

const isInput = (f: Field): f is InputField => !("output" in f);

// ---- types derived from a table ----

/** The outputs every create and rotation sets (a preview shows them as not yet known): the class declares each. */
export type ComputedOutputsOf<T> = { [K in keyof T]: T[K] extends { computed: true } ? K : never }[keyof T] & string;
type InputKeys<T> = { [K in keyof T]: T[K] extends InputField ? K : never }[keyof T] & string;
type ValueOf<F> = F extends InputField<z.ZodMiniType, infer C, unknown> ? C : never;
type RuleOf<F> = F extends InputField<infer S, unknown, unknown> ? S : never;
type HasDefault<F> = F extends InputField<z.ZodMiniType, unknown, infer D> ? ([D] extends [undefined] ? false : true) : false;
/** Present in every canonical form: required by its rule, or filled by its default. */
type AlwaysKeys<T> = { [K in InputKeys<T>]: HasDefault<T[K]> extends true ? K : undefined extends z.input<RuleOf<T[K]>> ? never : K }[InputKeys<T>];
type Flat<T> = { [K in keyof T]: T[K] };

type DefaultedKeys<T> = { [K in InputKeys<T>]: HasDefault<T[K]> extends true ? K : never }[InputKeys<T>];
/** A state (or inputs) `S` of a table `T` as the engine keeps it: the inputs at their default may be absent (`withoutDefaults`). */
export type StoredOf<S, T> = Flat<Omit<S, DefaultedKeys<T>> & Partial<Pick<S, DefaultedKeys<T> & keyof S>>>;

/** The canonical inputs a table describes: every set sorted, every default filled, absent fields left out. */
export type CanonicalOf<T> = Flat<{ [K in AlwaysKeys<T>]: ValueOf<T[K]> } & { [K in Exclude<InputKeys<T>, AlwaysKeys<T>>]?: ValueOf<T[K]> }>;

type Rules<T> = z.ZodMiniObject<{ [K in InputKeys<T>]: RuleOf<T[K]> }, z.core.$strict>;
/** The Args a user writes, as the table's rules take them. */
export type ArgsOf<T> = z.input<Rules<T>>;

// ---- values derived from a table ----

const inputsOf = (t: FieldTable) => Object.entries(t).filter((e): e is [string, InputField] => isInput(e[1]));

/**
 * The Args rules: a strict object (an unknown input is an error) of each input's rule, plus the rules
 * that tie fields together (`refine`), piped into the canonical form. Built by the first call.
 */
export function inputSchema<T extends FieldTable>(t: T, refine?: (args: z.output<Rules<T>>, ctx: z.core.$RefinementCtx<z.output<Rules<T>>>) => void) {
  return once(() => {
    let rules = rulesOf(t);
    if ("rotateAfter" in t && "rotationOverlap" in t) rules = rules.check(z.superRefine(overlapShorterThanPolicy));
    if (refine) rules = rules.check(z.superRefine(refine));
    return z.pipe(
      rules,
      z.transform((a) => canonicalize(t, a as Record<string, unknown>)),
    );
  });
}

/** The table's inputs as a strict object of their rules (also the rule of an object-valued input). */
export const rulesOf = <T extends FieldTable>(t: T, params?: z.core.$ZodObjectParams): Rules<T> =>
  z.strictObject(Object.fromEntries(inputsOf(t).map(([k, f]) => [k, f.rule()])) as { [K in InputKeys<T>]: RuleOf<T[K]> }, params);

/** The canonical form of checked Args: defaults filled, null and undefined left out, each field's own form. */
export function canonicalize<T extends FieldTable>(t: T, args: Record<string, unknown>): CanonicalOf<T> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of inputsOf(t)) {
    const v = args[k];
    // A default is copied: canonical inputs are the caller's to change.
    const c = v === undefined || v === null ? structuredClone(f.default) : f.canonical ? (f.canonical as (x: unknown) => unknown)(v) : v;
    if (c !== undefined) out[k] = c;
  }
  return out as CanonicalOf<T>;
}

/** Each input's canonical value when it is left out, for the inputs that have one. */
export const defaultsOf = (t: FieldTable): Readonly<Record<string, unknown>> =>
  Object.fromEntries(inputsOf(t).flatMap(([k, f]) => (f.default === undefined ? [] : [[k, f.default]])));

/**
 * Inputs (or a state holding them) with every default filled: the form the lifecycle works on. A stored
 * value left at its default is absent; state written by 0.2.0 or earlier holds it, and reads the same. The same
 * object when nothing is missing.
 */
export function withDefaults<T extends object>(defaults: Readonly<Record<string, unknown>>, o: T): T {
  let out: Record<string, unknown> | undefined;
  for (const k in defaults) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined && v !== null) continue;
    const d = defaults[k];
    // A copy, the caller's to change; an empty list (every list default) made directly: a refresh fills one per key, twice.
    const copy = Array.isArray(d) && d.length === 0 ? [] : typeof d === "object" && d !== null ? structuredClone(d) : d;
    (out ??= { ...o } as Record<string, unknown>)[k] = copy;
  }
  return (out ?? o) as T;
}

/**
 * Inputs (or a state holding them) as state keeps them: a value equal to its default is left out. Each
 * stored input costs the engine a property to carry per key, in every Read and Diff of a refresh; the
 * program's declaration is what it needs, and the defaults are the table's to fill (`withDefaults`).
 * Kept where `prior` (what the engine held) has another value: the engine shows that change as
 * `false => true`, where an absent value would read as a removal. The same object when nothing goes.
 */
export function withoutDefaults<T extends object>(defaults: Readonly<Record<string, unknown>>, o: T, prior?: object): Partial<T> {
  let leave: string[] | undefined;
  for (const k in defaults) {
    const v = (o as Record<string, unknown>)[k];
    if (v === undefined || !sameValue(v, defaults[k])) continue;
    const was = prior && (prior as Record<string, unknown>)[k];
    if (was !== undefined && was !== null && !sameValue(was, defaults[k])) continue;
    (leave ??= []).push(k);
  }
  if (!leave) return o;
  // Copied without them (not `delete`d, which would turn the copy into a slow dictionary object).
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!leave.includes(k)) out[k] = v;
  return out as Partial<T>;
}

/** How each input changes. */
export const policyOf = <T extends FieldTable>(t: T): DiffPolicy<CanonicalOf<T>> =>
  Object.fromEntries(inputsOf(t).map(([k, f]) => [k, f.change])) as DiffPolicy<CanonicalOf<T>>;

/** How each input a live key shows is compared with the declaration (reconciliation, drift): the policy without `live: false` inputs. */
export const livePolicyOf = <T extends FieldTable>(t: T): DiffPolicy<CanonicalOf<T>> =>
  Object.fromEntries(inputsOf(t).map(([k, f]) => [k, f.live === false ? "ignore" : f.change])) as DiffPolicy<CanonicalOf<T>>;

/**
 * The inputs and outputs as the plugin's schema and the reference describe them. Whether an input is
 * required is its rule's answer to a missing value, found when first asked (a reading process never asks).
 */
export const docsOf = (t: FieldTable): FieldDoc[] =>
  Object.entries(t).map(([name, f]): FieldDoc => {
    const doc: FieldDoc = { name, type: f.type, description: f.description };
    if (isInput(f)) {
      const input = once(() => (f.rule().safeParse(undefined).success ? "optional" : "required"));
      Object.defineProperty(doc, "input", { get: input, enumerable: true, configurable: true });
    }
    if (f.secret) doc.secret = true;
    if (isInput(f) && f.change === "replace") doc.replaces = true;
    if (!isInput(f) && f.computed) doc.computed = true;
    return doc;
  });

/**
 * What a vendor's definition takes from its resource's table: the docs, the defaults, the Args problems (by
 * `argsRules`, the table's `inputSchema`, which may add rules across fields), the diff policy and the live policy.
 */
export const tableFacts = <T extends FieldTable>(t: T, argsRules: () => z.ZodMiniType) => ({
  fields: docsOf(t),
  defaults: defaultsOf(t),
  argsProblems: (args: unknown) => problemsOf(argsRules(), args),
  policy: policyOf(t) as DiffPolicy,
  livePolicy: livePolicyOf(t) as DiffPolicy,
});
