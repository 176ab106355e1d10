// Policy-driven diff: each input is declared `update`, `replace`, `set` (an order-free list, updated in
// place) or `ignore`. Values are compared in canonical form, so no order or absent-vs-empty difference
// ever shows as a change.

export type FieldPolicy = "update" | "replace" | "set" | "ignore";

/** A field's policy, or a function of its old and new values (a change that replaces only sometimes). */
export type FieldRule = FieldPolicy | ((olds: unknown, news: unknown) => "update" | "replace");

/** How each input of `T` changes: every input names its rule, so a new input cannot be forgotten here. */
export type DiffPolicy<T extends object = Record<string, unknown>> = { [K in keyof T & string]-?: FieldRule };

const rulesByPolicy = new WeakMap<object, ReadonlyArray<readonly [string, FieldRule]>>();
/**
 * A policy's fields with their rules, listed once per policy: a refresh compares every key's fields
 * twice, and a fresh `Object.entries` per comparison is garbage the provider's host then collects.
 */
export function policyRules<T extends object>(policy: DiffPolicy<T>): ReadonlyArray<readonly [keyof T & string, FieldRule]> {
  let rules = rulesByPolicy.get(policy);
  if (!rules) rulesByPolicy.set(policy, (rules = Object.entries(policy) as Array<[string, FieldRule]>));
  return rules as ReadonlyArray<readonly [keyof T & string, FieldRule]>;
}
/** A field's value, for any input type. */
export const at = (o: object, field: string): unknown => (o as Record<string, unknown>)[field];

export interface FieldDiff {
  changed: string[];
  replaces: string[];
}

/** Canonical JSON: object keys sorted, `undefined` and `null` both absent, empty arrays absent. */
export function canonical(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.length ? v.map(canonical) : undefined;
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const c = canonical((v as Record<string, unknown>)[k]);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return v;
}

/** A value in canonical JSON, as a set when `asSet` and it is a list (members de-duplicated and sorted). */
function canonicalJson(x: unknown, asSet: boolean): string {
  const c = canonical(x);
  if (asSet && Array.isArray(c)) return JSON.stringify([...new Set(c.map((e) => JSON.stringify(e)))].sort());
  return JSON.stringify(c ?? null);
}

/** Absent in canonical form: null, undefined or an empty list. */
const isAbsent = (v: unknown): boolean => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

/** A string, a boolean, or absent: equal in canonical form only when identical or both absent. */
const isScalar = (v: unknown): boolean => typeof v === "string" || typeof v === "boolean" || isAbsent(v);

/** The value as a list of strings (absent: none), or undefined when it is something else. */
function stringsOf(v: unknown): readonly string[] | undefined {
  if (isAbsent(v)) return [];
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
}

/**
 * Whether two values are the same in canonical form (as sets when `asSet`). Inputs are mostly strings,
 * booleans and lists of strings, compared here without serializing: a refresh compares every field of
 * every key, twice, in a provider process whose code has not warmed up.
 */
export function sameValue(a: unknown, b: unknown, asSet = false): boolean {
  if (a === b) return true;
  if (isScalar(a) && isScalar(b)) return isAbsent(a) && isAbsent(b); // unequal scalars, or a scalar against nothing
  const as = stringsOf(a);
  const bs = stringsOf(b);
  if (as && bs) {
    if (!asSet) return as.length === bs.length && as.every((x, i) => x === bs[i]);
    const aSet = new Set(as);
    const bSet = new Set(bs);
    return aSet.size === bSet.size && [...aSet].every((x) => bSet.has(x));
  }
  return canonicalJson(a, asSet) === canonicalJson(b, asSet);
}

/** Compares olds and news under the policy. Fields not in the policy are ignored. */
export function diffInputs<T extends object>(policy: DiffPolicy<T>, olds: Partial<T>, news: Partial<T>): FieldDiff {
  const changed: string[] = [];
  const replaces: string[] = [];
  for (const [field, p] of policyRules(policy)) {
    if (p === "ignore") continue;
    const was = (olds as Record<string, unknown>)[field];
    const is = (news as Record<string, unknown>)[field];
    if (sameValue(was, is, p === "set")) continue;
    changed.push(field);
    const kind = typeof p === "function" ? p(was, is) : p === "replace" ? "replace" : "update";
    if (kind === "replace") replaces.push(field);
  }
  return { changed, replaces };
}

/** Sorted, de-duplicated copy of a string list (the canonical form of a set). */
export function canonicalSet(xs: readonly string[] | null | undefined): string[] {
  if (!xs) return [];
  // Most lists arrive sorted and without repeats (a refresh makes three per key): copied, no set built.
  for (let i = 1; i < xs.length; i++) if (!(xs[i - 1]! < xs[i]!)) return [...new Set(xs)].sort();
  return xs.slice();
}

/**
 * Whether a change of the `rotation` trigger rotates: only a new value does. Removing the field only
 * stops recording it; rotating there would surprise whoever was tidying the program.
 */
export function rotates(olds: { rotation?: unknown }, news: { rotation?: unknown }): boolean {
  return news.rotation !== undefined && news.rotation !== null && !sameValue(olds.rotation, news.rotation);
}

/** The policy of a `rotation` trigger whose rotation is a replacement (Basic): only a new value replaces. */
export const rotationByReplacement = (olds: unknown, news: unknown): "update" | "replace" =>
  rotates({ rotation: olds }, { rotation: news }) ? "replace" : "update";

/**
 * The fields in which a live key (projected onto the input names) differs from a declaration. The one
 * comparison behind "this live key is what this declaration describes": create and rotate
 * reconciliation and the drift report all use it, through each API's `matchesDeclaration`. `policy` is
 * the live policy (fields.ts livePolicyOf): inputs a live key does not show are `ignore` there.
 */
export function liveDifferences<T extends object>(policy: DiffPolicy<T>, declared: Partial<T>, live: Partial<T>): string[] {
  return policyRules(policy)
    .filter(([field, p]) => p !== "ignore" && !sameValue(at(declared, field), at(live, field), p === "set"))
    .map(([field]) => field);
}

export type MemberChange = "add" | "delete" | "update";

/**
 * A set's change as member paths (`scopes[2]` added, `scopes[0]` removed), so a preview reads "b added, a
 * removed" rather than every position shifting. Indices are into the canonical (sorted) lists: a removed
 * member at its old index, an added one at its new index; where both fall on one index, an update.
 */
export function setMemberChanges(field: string, olds: readonly unknown[], news: readonly unknown[]): Record<string, MemberChange> {
  const key = (v: unknown) => JSON.stringify(v);
  const had = new Set(olds.map(key));
  const has = new Set(news.map(key));
  const out: Record<string, MemberChange> = {};
  olds.forEach((v, i) => {
    if (!has.has(key(v))) out[`${field}[${i}]`] = "delete";
  });
  news.forEach((v, i) => {
    if (!had.has(key(v))) out[`${field}[${i}]`] = out[`${field}[${i}]`] ? "update" : "add";
  });
  return out;
}
