// Basic project keys: Args (strict), wire DTOs (loose), state. Roles are a set in meaning and a
// comma-separated string on the wire: users give a list, the wire string is the sorted list joined.
import * as z from "zod/mini";
import { uniqueList } from "../core/checks";
import { canonicalSet, liveDifferences, rotationByReplacement } from "../core/diff";
import { ArgsOf, CanonicalOf, fieldTable, input, inputSchema, output, livePolicyOf, policyOf } from "../core/fields";
import { once } from "../core/once";
import { DECLARED, PREVIOUS_FINGERPRINT, PREVIOUS_RETIRES_AT, PREVIOUS_VALUE, ROTATE_AFTER, ROTATED_AT, ROTATION_OVERLAP } from "../core/shared-fields";
import type { Declared } from "../core/declared";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE = /^[A-Za-z0-9_.:*-]+$/;

const required = (what: string) => ({ error: (i: { input: unknown }) => (i.input === undefined ? "is required" : `must be ${what}`) });

/** Every input and output of `basic.ProjectKey`, once: everything else about its fields derives from this table. */
export const PROJECT_KEY_FIELDS = fieldTable({
  projectId: input({
    live: false, // what addresses the key: a listing of the project already matches it
    rule: () => z.string(required("a string")).check(z.regex(UUID, "must be a project UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")),
    canonical: (id) => id.toLowerCase(),
    change: "replace", // create the new key, then delete the old
    type: "string",
    description: "The project's UUID. Changing it replaces the key.",
  }),
  label: input({
    rule: () =>
      z.string(required("a string")).check(
        z.minLength(1, "must not be empty"),
        z.maxLength(200, "must be at most 200 characters"),
        z.refine((s) => s.trim() === s, "must not start or end with spaces"),
      ),
    change: "update",
    type: "string",
    description: "1 to 200 characters. Updated in place.",
  }),
  roles: input({
    rule: () =>
      uniqueList(
        z
          .string({ error: "must be a string" })
          .check(z.minLength(1, "must not be empty"), z.regex(ROLE, "must be one permission name: letters, digits and _ . : * - (no commas or spaces)")),
        { count: 1, message: "must name at least one permission" },
        "must be a list of permission names",
      ),
    change: "set",
    type: "string[]",
    description: "A set of permission names (letters, digits and _ . : * -), at least one. Updated in place; sent as one sorted, comma-separated string.",
  }),
  rotation: input({
    live: false, // the user's trigger, not the API's
    rule: () => z.optional(z.string({ error: "must be a string" }).check(z.minLength(1, "must not be empty"))),
    change: rotationByReplacement, // a new value replaces; removing it only stops recording it
    type: "string",
    description:
      "Any string. A new value replaces the key, creating the new one before deleting the old (Basic has no rotate endpoint); removing the field replaces nothing.",
  }),
  rotateAfter: ROTATE_AFTER,
  rotationOverlap: ROTATION_OVERLAP,
  keyId: output({ type: "string", computed: true, description: "Basic's id of the key (not secret)." }),
  value: output({
    type: "string",
    secret: true,
    computed: true,
    description: "The key's value, a secret. Basic shows it only at creation, so it is kept from state; an imported key has none (empty).",
  }),
  valueFingerprint: output({ type: "string", computed: true, description: "The first 16 hex digits of the value's SHA-256 (empty for an imported key)." }),
  createdAt: output({ type: "string", computed: true, description: "When Basic created the key." }),
  rotatedAt: ROTATED_AT,
  previousValue: PREVIOUS_VALUE,
  previousKeyId: output({ type: "string", description: "With rotationOverlap, after a rotation: Basic's id of the previous key." }),
  previousValueFingerprint: PREVIOUS_FINGERPRINT,
  previousRetiresAt: PREVIOUS_RETIRES_AT,
  declared: DECLARED,
});

/** The Args rules, piped into the canonical inputs (built by the first call). */
export const projectKeyArgsCanonical = inputSchema(PROJECT_KEY_FIELDS);

export type ProjectKeyArgs = ArgsOf<typeof PROJECT_KEY_FIELDS>;

export type ProjectKeyInputs = CanonicalOf<typeof PROJECT_KEY_FIELDS>;

/** projectId and rotation replace (create the new key, then delete the old); label and roles are PATCHed. */
export const BASIC_DIFF_POLICY = policyOf(PROJECT_KEY_FIELDS);

/** How a live key is compared with a declaration: what the API never shows is not compared. */
export const BASIC_LIVE_POLICY = livePolicyOf(PROJECT_KEY_FIELDS);

// ---- wire ----

export const rolesToWire = (roles: readonly string[]) => canonicalSet(roles).join(",");
export const rolesFromWire = (roles: string | null | undefined) =>
  canonicalSet(
    (roles ?? "")
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean),
  );

// Each schema built by its first call, with zod's light API (built in a third of the time).
const keyCore = () => ({ id: z.string(), label: z.string(), roles: z.string() });
export const createdKeyResponse = once(() => z.looseObject({ key: z.looseObject({ ...keyCore(), value: z.string(), created_at: z.optional(z.string()) }) }));
export const keyResponse = once(() => z.looseObject({ key: z.looseObject({ ...keyCore(), created_at: z.optional(z.string()) }) }));
export const updatedKeyResponse = once(() => z.looseObject({ key: z.looseObject(keyCore()) }));
// `last_used`: when a service last used the key; null: never. Only a listing shows it.
export const keyListResponse = once(() =>
  z.looseObject({
    data: z.array(z.looseObject({ ...keyCore(), created_at: z.optional(z.string()), last_used: z.nullish(z.string()) })),
  }),
);
export const messageResponse = once(() => z.nullish(z.looseObject({ message: z.optional(z.string()) })));

export type KeySummary = z.infer<ReturnType<typeof keyListResponse>>["data"][number];

export interface UpdateBody {
  label?: string;
  roles?: string;
}

export function updateBody(news: ProjectKeyInputs, changed: readonly string[]): UpdateBody {
  const b: UpdateBody = {};
  if (changed.includes("label")) b.label = news.label;
  if (changed.includes("roles")) b.roles = rolesToWire(news.roles);
  return b;
}

// ---- state ----

export interface ProjectKeyState extends ProjectKeyInputs {
  keyId: string;
  /** Seen once, at creation; carried over on every read and update. A secret output. */
  value: string;
  valueFingerprint: string;
  createdAt?: string;
  /** When the current value was created (a Basic rotation is a new key). */
  rotatedAt?: string;
  /** Declared values a refresh displaced with live ones, by field (see core/declared.ts). Absent when in sync. */
  declared?: Declared;
  /** With rotationOverlap, after a rotation: the previous key's value and id, live until previousRetiresAt. */
  previousValue?: string;
  previousValueFingerprint?: string;
  previousKeyId?: string;
  previousRetiresAt?: string;
}

export function liveInputs(projectId: string, k: { label: string; roles: string }, prior: Partial<ProjectKeyInputs>): ProjectKeyInputs {
  const out: ProjectKeyInputs = { projectId, label: k.label, roles: rolesFromWire(k.roles) };
  if (prior.rotation !== undefined) out.rotation = prior.rotation;
  if (prior.rotateAfter !== undefined) out.rotateAfter = prior.rotateAfter;
  if (prior.rotationOverlap !== undefined) out.rotationOverlap = prior.rotationOverlap;
  return out;
}

/**
 * The one definition of "this live key is what this declaration describes", for reconciling a create
 * (the drift report compares the same way, field by field). Roles are compared as sets, trimmed.
 */
export function matchesDeclaration(k: { label: string; roles: string }, declared: ProjectKeyInputs): boolean {
  return liveDifferences(BASIC_LIVE_POLICY, declared, liveInputs(declared.projectId, k, declared)).length === 0;
}
