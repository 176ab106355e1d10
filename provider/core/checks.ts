// zod issues -> Pulumi check failures that name the input and the rule, so `pulumi preview` shows
// "scopes[1]: must be one of …" before any API call.
import * as z from "zod/mini";
import { canonicalSet } from "./diff";
import "./zod-messages";

import type { CheckFailure } from "./provider-contract";
export type { CheckFailure };

/** Pulumi's marker for a value not known until apply (preview of a computed input). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value is, or holds at any depth, a value not known until apply. */
export function isUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(isUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(isUnknown);
  return false;
}

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** Every problem a schema finds with a value, as failures naming the input; none when it passes. */
export function problemsOf(schema: z.ZodMiniType, value: unknown): CheckFailure[] {
  const r = schema.safeParse(value);
  return r.success ? [] : issuesToFailures(r.error.issues);
}

export function issuesToFailures(issues: ReadonlyArray<z.core.$ZodIssue>, prefix = ""): CheckFailure[] {
  return issues.map((i) => {
    const property = prefix + pathOf(i.path) || "(resource)";
    let reason = i.message;
    if (i.code === "unrecognized_keys") {
      return { property: prefix + pathOf([...i.path, i.keys.join(", ")]), reason: `unknown input (allowed inputs are listed in the README)` };
    }
    if (i.code === "invalid_type" && /received undefined/.test(reason)) reason = "is required";
    if (i.code === "invalid_key") reason = i.issues[0]?.message ?? reason; // zod says only "Invalid key in record"
    return { property, reason };
  });
}

/** A resource's input rules: the strict object of its Args, piped into the canonical form. */
export type InputSchema = z.ZodMiniPipe<z.ZodMiniObject, z.ZodMiniTransform>;

/**
 * Validates `news` and returns the canonical inputs or the failures. An input that is, or holds, a value
 * not known until apply (a preview with another resource's output) is not judged now: it is checked
 * again at apply time, when known. The known inputs still get their canonical form and defaults, so
 * an unknown value never makes another field look changed.
 */
export function checkInputs(
  schema: InputSchema,
  news: Record<string, unknown>,
): { inputs: Record<string, unknown>; failures?: undefined } | { failures: CheckFailure[]; inputs?: undefined } {
  const known: Record<string, unknown> = {};
  const unknown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(news)) {
    if (k === "__provider") continue;
    if (isUnknown(v)) unknown[k] = v;
    else known[k] = v;
  }
  const parsed = schema.safeParse(known);
  if (parsed.success) return { inputs: { ...(parsed.data as Record<string, unknown>), ...unknown } };
  const failures = issuesToFailures(parsed.error.issues).filter((f) => !(f.property.split(/[.[]/)[0]! in unknown));
  if (failures.length) return { failures };
  // Only unknown inputs are missing or unjudged: canonicalize the known ones field by field (cross-field
  // rules wait for apply), fill the defaults, and put the unknown values back as they are.
  const { in: args, out: canonical } = schema._zod.def;
  const shape = args._zod.def.shape as Record<string, z.ZodMiniType>;
  const fields = Object.fromEntries(Object.entries(known).map(([k, v]) => [k, shape[k]!.parse(v)]));
  return { inputs: { ...(canonical.parse(fields) as Record<string, unknown>), ...unknown } };
}

/**
 * A list with set meaning: duplicates are an error (they usually hide a typo), order is free, and the
 * canonical form is sorted.
 */
export function uniqueList<T extends z.ZodMiniType<string>>(item: T, min?: { count: number; message: string }, error = "must be a list") {
  let list = z.array(item, { error: (i) => (i.input === undefined ? "is required" : error) });
  if (min) list = list.check(z.minLength(min.count, min.message));
  return z.pipe(
    list.check(
      z.superRefine((xs, ctx) => {
        // Positions, never values: a value may be a secret.
        const first = new Map<string, number>();
        xs.forEach((x, i) => {
          const at = first.get(x);
          if (at !== undefined) ctx.addIssue({ code: "custom", path: [i], message: `duplicate value (the same as [${at}])` });
          else first.set(x, i);
        });
      }),
    ),
    z.transform<z.output<T>[], string[]>((xs) => canonicalSet(xs as string[])),
  );
}
