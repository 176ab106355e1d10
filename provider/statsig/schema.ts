// Statsig keys in three shapes: the user's Args (strict: unknown inputs are errors), the wire DTOs
// (loose: new vendor fields are tolerated, missing documented ones are not), and the state we keep.
// Field names differ by direction on the wire: targetAppID/secondaryTargetAppIDs going out,
// primaryTargetApp/secondaryTargetApps coming back; the user sees targetApp/secondaryTargetApps.
import { z } from "zod";
import { rotateAfterSchema } from "../core/rotation";
import { uniqueList } from "../core/checks";
import { canonicalSet, DiffPolicy, liveDifferences } from "../core/diff";
import { KEY_TYPES, SCOPES } from "./enums";
import type { Declared } from "../core/declared";
import { DECLARED_DOC, ROTATE_AFTER_DOC, ROTATED_AT_DOC } from "../core/field-docs";
import type { FieldDoc } from "../core/vendor";

export { KEY_TYPES, SCOPES };

const name = (what: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? "is required" : `must be a string`) })
    .min(1, `must not be empty`)
    .refine((s) => s.trim() === s, `${what} must not start or end with spaces`);

export const KeyArgsSchema = z
  .strictObject({
    type: z.enum(KEY_TYPES, { error: (i) => (i.input === undefined ? "is required" : `must be one of ${KEY_TYPES.join(", ")}`) }),
    description: z
      .string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") })
      .min(1, "must not be empty")
      .max(1000, "must be at most 1000 characters"),
    scopes: uniqueList(z.enum(SCOPES, { error: `must be one of ${SCOPES.join(", ")}` })).optional(),
    environments: uniqueList(name("an environment")).optional(),
    targetApp: name("a target app").nullable().optional(),
    secondaryTargetApps: uniqueList(name("a target app")).optional(),
    active: z.boolean({ error: "must be true or false" }).optional(),
    rotation: z.string({ error: "must be a string" }).min(1, "must not be empty").optional(),
    rotateAfter: rotateAfterSchema.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.targetApp && a.secondaryTargetApps?.includes(a.targetApp)) {
      ctx.addIssue({ code: "custom", path: ["secondaryTargetApps"], message: "must not repeat targetApp" });
    }
  });

export type KeyArgs = z.input<typeof KeyArgsSchema>;

/** Inputs in canonical form: every set sorted, every default filled, absent target app omitted. */
export interface KeyInputs {
  type: (typeof KEY_TYPES)[number];
  description: string;
  scopes: string[];
  environments: string[];
  targetApp?: string;
  secondaryTargetApps: string[];
  active: boolean;
  rotation?: string;
  rotateAfter?: string;
}

export function canonicalInputs(a: z.output<typeof KeyArgsSchema>): KeyInputs {
  const out: KeyInputs = {
    type: a.type,
    description: a.description,
    scopes: a.scopes ?? [],
    environments: a.environments ?? [],
    secondaryTargetApps: a.secondaryTargetApps ?? [],
    active: a.active ?? true,
  };
  if (a.targetApp) out.targetApp = a.targetApp;
  if (a.rotation !== undefined) out.rotation = a.rotation;
  if (a.rotateAfter !== undefined) out.rotateAfter = a.rotateAfter;
  return out;
}

export const KeyArgsCanonical = KeyArgsSchema.transform(canonicalInputs);

/** How each input changes: in place (update, set) or by replacement. */
export const STATSIG_DIFF_POLICY: DiffPolicy<KeyInputs> = {
  type: "replace", // not in the update body
  description: "update",
  scopes: "set",
  environments: "set",
  targetApp: "update",
  secondaryTargetApps: "set",
  // Deactivate has an endpoint; there is no reactivate, so turning a key back on is a new key.
  active: (olds, news) => (olds === false && news !== false ? "replace" : "update"),
  rotation: "update",
  rotateAfter: "update", // a policy: recorded, no API call (a due key rotates by age, not by this change)
};

// ---- wire ----

export const KeyDtoSchema = z.looseObject({
  key: z.string().nullable(),
  type: z.string(),
  description: z.string(),
  scopes: z.array(z.string()).nullish(),
  environments: z.array(z.string()).nullish(),
  primaryTargetApp: z.string().nullish(),
  secondaryTargetApps: z.array(z.string()).nullish(),
  status: z.string(),
});
export type KeyDto = z.infer<typeof KeyDtoSchema>;

export const SingleKeyResponse = z.looseObject({ message: z.string().optional(), data: KeyDtoSchema });
export const MessageResponse = z.looseObject({ message: z.string().optional() }).nullish();
export const KeyListResponse = z.looseObject({
  data: z.array(KeyDtoSchema),
  pagination: z.looseObject({ nextPage: z.string().nullish(), totalItems: z.number().optional() }).nullish(),
});

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
  return out;
}

/**
 * The one definition of "this live key is what this declaration describes", for reconciling a create or
 * a rotate (the drift report compares the same way, field by field).
 */
export function matchesDeclaration(dto: KeyDto, declared: KeyInputs): boolean {
  return liveDifferences(STATSIG_DIFF_POLICY, declared, liveInputs(dto, declared)).length === 0;
}

/** The inputs and outputs, as the plugin's schema and the reference describe them. */
export const STATSIG_FIELDS: FieldDoc[] = [
  {
    name: "type",
    type: "string",
    input: "required",
    replaces: true,
    description: `The key's type: ${KEY_TYPES.join(", ")}. Changing it replaces the key (the API cannot change it).`,
  },
  { name: "description", type: "string", input: "required", description: "1 to 1000 characters. Updated in place." },
  { name: "scopes", type: "string[]", input: "optional", description: `A set (order-free; duplicates are refused) of ${SCOPES.join(", ")}. Updated in place.` },
  { name: "environments", type: "string[]", input: "optional", description: "A set of environment names. Updated in place." },
  { name: "targetApp", type: "string", input: "optional", description: "The primary target app. Removing it clears it." },
  { name: "secondaryTargetApps", type: "string[]", input: "optional", description: "A set of target apps, not repeating targetApp. Updated in place." },
  {
    name: "active",
    type: "boolean",
    input: "optional",
    description: "Default true. false deactivates the key in place, whatever rotation holds; turning it back on replaces the key (the API cannot reactivate).",
  },
  {
    name: "rotation",
    type: "string",
    input: "optional",
    description: "Any string. A new value rotates the secret in place (same key, new value); removing the field rotates nothing.",
  },
  ROTATE_AFTER_DOC,
  { name: "key", type: "string", secret: true, description: "The key value, a secret." },
  { name: "keyFingerprint", type: "string", description: "The first 16 hex digits of the value's SHA-256: safe to log and compare." },
  { name: "status", type: "string", description: "active or deactivated." },
  {
    name: "credentialFingerprint",
    type: "string",
    description: "The fingerprint of the console key that last saw the key: tells a deleted key from a console key of another project.",
  },
  ROTATED_AT_DOC,
  DECLARED_DOC,
  {
    name: "unsettled",
    type: "string",
    description: "Only when a rotate failed without an answer and could not be settled: reads then fail instead of calling the key deleted.",
  },
];
