// Statsig keys in three shapes: the user's Args (strict: unknown inputs are errors), the wire DTOs
// (loose: new vendor fields are tolerated, missing documented ones are not), and the state we keep.
// Field names differ by direction on the wire: targetAppID/secondaryTargetAppIDs going out,
// primaryTargetApp/secondaryTargetApps coming back; the user sees targetApp/secondaryTargetApps.
import * as z from "zod/mini";
import { uniqueList } from "../core/checks";
import { canonicalSet, liveDifferences } from "../core/diff";
import { once } from "../core/once";
import { ArgsOf, CanonicalOf, fieldTable, input, inputSchema, output, livePolicyOf, policyOf } from "../core/fields";
import { DECLARED, PREVIOUS_FINGERPRINT, PREVIOUS_RETIRES_AT, PREVIOUS_VALUE, ROTATE_AFTER, ROTATED_AT, ROTATION_OVERLAP } from "../core/shared-fields";
import { KEY_TYPES, SCOPES } from "./enums";
import type { Declared } from "../core/declared";

export { KEY_TYPES, SCOPES };

const name = (what: string) =>
  z.string({ error: (i) => (i.input === undefined ? "is required" : `must be a string`) }).check(
    z.minLength(1, `must not be empty`),
    z.refine((s) => s.trim() === s, `${what} must not start or end with spaces`),
  );

/** Every input and output of `statsig.Key`, once: everything else about its fields derives from this table. */
export const KEY_FIELDS = fieldTable({
  type: input({
    rule: () => z.enum(KEY_TYPES, { error: (i) => (i.input === undefined ? "is required" : `must be one of ${KEY_TYPES.join(", ")}`) }),
    change: "replace", // not in the update body
    type: "string",
    description: `The key's type: ${KEY_TYPES.join(", ")}. Changing it replaces the key (the API cannot change it).`,
  }),
  description: input({
    rule: () =>
      z
        .string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") })
        .check(z.minLength(1, "must not be empty"), z.maxLength(1000, "must be at most 1000 characters")),
    change: "update",
    type: "string",
    description: "1 to 1000 characters. Updated in place.",
  }),
  scopes: input({
    rule: () => z.optional(uniqueList(z.enum(SCOPES, { error: `must be one of ${SCOPES.join(", ")}` }))),
    default: [],
    change: "set",
    type: "string[]",
    description: `A set (order-free; duplicates are refused) of ${SCOPES.join(", ")}. Updated in place.`,
  }),
  environments: input({
    rule: () => z.optional(uniqueList(name("an environment"))),
    default: [],
    change: "set",
    type: "string[]",
    description: "A set of environment names. Updated in place.",
  }),
  targetApp: input({
    rule: () => z.optional(z.nullable(name("a target app"))),
    change: "update",
    type: "string",
    description: "The primary target app. Removing it clears it.",
  }),
  secondaryTargetApps: input({
    rule: () => z.optional(uniqueList(name("a target app"))),
    default: [],
    change: "set",
    type: "string[]",
    description: "A set of target apps, not repeating targetApp. Updated in place.",
  }),
  active: input({
    rule: () => z.optional(z.boolean({ error: "must be true or false" })),
    default: true,
    // Deactivate has an endpoint; there is no reactivate, so turning a key back on is a new key.
    change: (olds, news) => (olds === false && news !== false ? "replace" : "update"),
    type: "boolean",
    description: "Default true. false deactivates the key in place, whatever rotation holds; turning it back on replaces the key (the API cannot reactivate).",
  }),
  rotation: input({
    live: false, // the user's trigger, not the API's
    rule: () => z.optional(z.string({ error: "must be a string" }).check(z.minLength(1, "must not be empty"))),
    change: "update",
    type: "string",
    description: "Any string. A new value rotates the secret in place (same key, new value); removing the field rotates nothing.",
  }),
  rotateAfter: ROTATE_AFTER,
  rotationOverlap: ROTATION_OVERLAP,
  key: output({ type: "string", secret: true, computed: true, description: "The key value, a secret." }),
  keyFingerprint: output({ type: "string", computed: true, description: "The first 16 hex digits of the value's SHA-256: safe to log and compare." }),
  status: output({ type: "string", computed: true, description: "active or deactivated." }),
  credentialFingerprint: output({
    type: "string",
    computed: true,
    description: "The fingerprint of the console key that last saw the key: tells a deleted key from a console key of another project.",
  }),
  rotatedAt: ROTATED_AT,
  previousKey: PREVIOUS_VALUE,
  previousKeyFingerprint: PREVIOUS_FINGERPRINT,
  previousRetiresAt: PREVIOUS_RETIRES_AT,
  declared: DECLARED,
  unsettled: output({
    type: "string",
    description: "Only when a rotate failed without an answer and could not be settled: reads then fail instead of calling the key deleted.",
  }),
});

/** The Args rules, piped into the canonical inputs (built by the first call). */
export const keyArgsCanonical = inputSchema(KEY_FIELDS, (a, ctx) => {
  if (a.targetApp && a.secondaryTargetApps?.includes(a.targetApp)) {
    ctx.addIssue({ code: "custom", path: ["secondaryTargetApps"], message: "must not repeat targetApp" });
  }
});

export type KeyArgs = ArgsOf<typeof KEY_FIELDS>;

/** Inputs in canonical form: every set sorted, every default filled, absent target app omitted. */
export type KeyInputs = CanonicalOf<typeof KEY_FIELDS>;

/** How each input changes: in place (update, set) or by replacement. */
export const STATSIG_DIFF_POLICY = policyOf(KEY_FIELDS);

/** How a live key is compared with a declaration: what the API never shows is not compared. */
export const STATSIG_LIVE_POLICY = livePolicyOf(KEY_FIELDS);

// ---- wire (each schema built by its first call, with zod's light API: built in a third of the time) ----

export const keyDtoSchema = once(() =>
  z.looseObject({
    key: z.nullable(z.string()),
    type: z.string(),
    description: z.string(),
    scopes: z.nullish(z.array(z.string())),
    environments: z.nullish(z.array(z.string())),
    primaryTargetApp: z.nullish(z.string()),
    secondaryTargetApps: z.nullish(z.array(z.string())),
    status: z.string(),
    /** When a service last used the key (the console's "last used"); null: never. */
    lastUsed: z.nullish(z.string()),
  }),
);
export type KeyDto = z.infer<ReturnType<typeof keyDtoSchema>>;

export const singleKeyResponse = once(() => z.looseObject({ message: z.optional(z.string()), data: keyDtoSchema() }));
export const messageResponse = once(() => z.nullish(z.looseObject({ message: z.optional(z.string()) })));
export const keyListResponse = once(() =>
  z.looseObject({
    data: z.array(keyDtoSchema()),
    pagination: z.nullish(z.looseObject({ nextPage: z.nullish(z.string()), totalItems: z.optional(z.number()) })),
  }),
);

export interface CreateBody {
  description: string;
  type: string;
  scopes?: string[];
  environments?: string[];
  targetAppID?: string;
  secondaryTargetAppIDs?: string[];
}

export interface UpdateBody {
  description?: string;
  scopes?: string[];
  environments?: string[];
  targetAppID?: string | null;
  secondaryTargetAppIDs?: string[] | null;
}

export function createBody(i: KeyInputs): CreateBody {
  const b: CreateBody = { description: i.description, type: i.type };
  if (i.scopes.length) b.scopes = i.scopes;
  if (i.environments.length) b.environments = i.environments;
  if (i.targetApp) b.targetAppID = i.targetApp;
  if (i.secondaryTargetApps.length) b.secondaryTargetAppIDs = i.secondaryTargetApps;
  return b;
}

/** One PATCH body carrying only what changed; clearing sends the API's clearing value (null / []). */
export function updateBody(news: KeyInputs, changed: readonly string[]): UpdateBody {
  const b: UpdateBody = {};
  if (changed.includes("description")) b.description = news.description;
  if (changed.includes("scopes")) b.scopes = news.scopes;
  if (changed.includes("environments")) b.environments = news.environments;
  if (changed.includes("targetApp")) b.targetAppID = news.targetApp ?? null;
  if (changed.includes("secondaryTargetApps")) b.secondaryTargetAppIDs = news.secondaryTargetApps.length ? news.secondaryTargetApps : null;
  return b;
}

// ---- state ----

/** What Pulumi keeps: the canonical inputs plus outputs. `key` is a secret output. */
export interface KeyState extends KeyInputs {
  key: string;
  keyFingerprint: string;
  status: string;
  /** A fingerprint of the console key that last saw this key: tells "gone" from "another project". Absent in 0.1.0 state. */
  credentialFingerprint?: string;
  /** When the current value was created or last rotated. */
  rotatedAt?: string;
  /** Declared values a refresh displaced with live ones, by field (see core/declared.ts). Absent when in sync. */
  declared?: Declared;
  /** Set when a rotate (or custom key change) failed and its outcome could not be found out: then a read that cannot find the key fails rather than calling it deleted. */
  unsettled?: "rotate" | "customKey";
  /** With rotationOverlap, after a rotation: the previous value, live until previousRetiresAt. */
  previousKey?: string;
  previousKeyFingerprint?: string;
  previousRetiresAt?: string;
}

/** The live key projected onto the input names, canonical, for refresh to diff against. */
export function liveInputs(dto: KeyDto, prior: Partial<KeyInputs>): KeyInputs {
  const out: KeyInputs = {
    type: dto.type as KeyInputs["type"],
    description: dto.description,
    scopes: canonicalSet(dto.scopes),
    environments: canonicalSet(dto.environments),
    secondaryTargetApps: canonicalSet(dto.secondaryTargetApps),
    active: dto.status === "active",
  };
  if (dto.primaryTargetApp) out.targetApp = dto.primaryTargetApp;
  // Not a live property: the rotation trigger is the user's, carried over.
  if (prior.rotation !== undefined) out.rotation = prior.rotation;
  if (prior.rotateAfter !== undefined) out.rotateAfter = prior.rotateAfter;
  if (prior.rotationOverlap !== undefined) out.rotationOverlap = prior.rotationOverlap;
  return out;
}

/**
 * The one definition of "this live key is what this declaration describes", for reconciling a create or
 * a rotate (the drift report compares the same way, field by field).
 */
export function matchesDeclaration(dto: KeyDto, declared: KeyInputs): boolean {
  return liveDifferences(STATSIG_LIVE_POLICY, declared, liveInputs(dto, declared)).length === 0;
}
