// Basic project keys: Args (strict), wire DTOs (loose), state. Roles are a set in meaning and a
// comma-separated string on the wire: users give a list, the wire string is the sorted list joined.
import { z } from "zod";
import { rotateAfterSchema } from "../core/rotation";
import { uniqueList } from "../core/checks";
import { canonicalSet, DiffPolicy, liveDifferences, rotationByReplacement } from "../core/diff";
import type { Declared } from "../core/declared";
import { DECLARED_DOC, ROTATE_AFTER_DOC, ROTATED_AT_DOC } from "../core/field-docs";
import type { FieldDoc } from "../core/vendor";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE = /^[A-Za-z0-9_.:*-]+$/;

const required = (what: string) => ({ error: (i: { input: unknown }) => (i.input === undefined ? "is required" : `must be ${what}`) });

export const ProjectKeyArgsSchema = z.strictObject({
  projectId: z.string(required("a string")).regex(UUID, "must be a project UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"),
  label: z
    .string(required("a string"))
    .min(1, "must not be empty")
    .max(200, "must be at most 200 characters")
    .refine((s) => s.trim() === s, "must not start or end with spaces"),
  roles: uniqueList(
    z
      .string({ error: "must be a string" })
      .min(1, "must not be empty")
      .regex(ROLE, "must be one permission name: letters, digits and _ . : * - (no commas or spaces)"),
    { count: 1, message: "must name at least one permission" },
    "must be a list of permission names",
  ),
  rotation: z.string({ error: "must be a string" }).min(1, "must not be empty").optional(),
  rotateAfter: rotateAfterSchema.optional(),
});

export type ProjectKeyArgs = z.input<typeof ProjectKeyArgsSchema>;

export interface ProjectKeyInputs {
  projectId: string;
  label: string;
  roles: string[];
  rotation?: string;
  rotateAfter?: string;
}

export const ProjectKeyArgsCanonical = ProjectKeyArgsSchema.transform((a): ProjectKeyInputs => {
  const out: ProjectKeyInputs = { projectId: a.projectId.toLowerCase(), label: a.label, roles: a.roles };
  if (a.rotation !== undefined) out.rotation = a.rotation;
  if (a.rotateAfter !== undefined) out.rotateAfter = a.rotateAfter;
  return out;
});

/** projectId and rotation replace (create the new key, then delete the old); label and roles are PATCHed. */
export const BASIC_DIFF_POLICY: DiffPolicy<ProjectKeyInputs> = {
  projectId: "replace",
  label: "update",
  roles: "set",
  rotation: rotationByReplacement, // a new value replaces; removing it only stops recording it
  rotateAfter: "update", // a policy: recorded, no API call
};

// ---- wire ----

export const rolesToWire = (roles: readonly string[]) => canonicalSet(roles).join(",");
export const rolesFromWire = (roles: string | null | undefined) =>
  canonicalSet(
    (roles ?? "")
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean),
  );

const KeyCore = { id: z.string(), label: z.string(), roles: z.string() };
export const CreatedKeyResponse = z.looseObject({ key: z.looseObject({ ...KeyCore, value: z.string(), created_at: z.string().optional() }) });
export const KeyResponse = z.looseObject({ key: z.looseObject({ ...KeyCore, created_at: z.string().optional() }) });
export const UpdatedKeyResponse = z.looseObject({ key: z.looseObject({ ...KeyCore }) });
export const KeyListResponse = z.looseObject({ data: z.array(z.looseObject({ ...KeyCore, created_at: z.string().optional() })) });
export const MessageResponse = z.looseObject({ message: z.string().optional() }).nullish();

export type KeySummary = z.infer<typeof KeyListResponse>["data"][number];

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
}

export function liveInputs(projectId: string, k: { label: string; roles: string }, prior: Partial<ProjectKeyInputs>): ProjectKeyInputs {
  const out: ProjectKeyInputs = { projectId, label: k.label, roles: rolesFromWire(k.roles) };
  if (prior.rotation !== undefined) out.rotation = prior.rotation;
  if (prior.rotateAfter !== undefined) out.rotateAfter = prior.rotateAfter;
  return out;
}

/**
 * The one definition of "this live key is what this declaration describes", for reconciling a create
 * (the drift report compares the same way, field by field). Roles are compared as sets, trimmed.
 */
export function matchesDeclaration(k: { label: string; roles: string }, declared: ProjectKeyInputs): boolean {
  return liveDifferences(BASIC_DIFF_POLICY, declared, liveInputs(declared.projectId, k, declared)).length === 0;
}

/** The inputs and outputs, as the plugin's schema and the reference describe them. */
export const BASIC_FIELDS: FieldDoc[] = [
  { name: "projectId", type: "string", input: "required", replaces: true, description: "The project's UUID. Changing it replaces the key." },
  { name: "label", type: "string", input: "required", description: "1 to 200 characters. Updated in place." },
  {
    name: "roles",
    type: "string[]",
    input: "required",
    description: "A set of permission names (letters, digits and _ . : * -), at least one. Updated in place; sent as one sorted, comma-separated string.",
  },
  {
    name: "rotation",
    type: "string",
    input: "optional",
    description:
      "Any string. A new value replaces the key, creating the new one before deleting the old (Basic has no rotate endpoint); removing the field replaces nothing.",
  },
  ROTATE_AFTER_DOC,
  { name: "keyId", type: "string", description: "Basic's id of the key (not secret)." },
  {
    name: "value",
    type: "string",
    secret: true,
    description: "The key's value, a secret. Basic shows it only at creation, so it is kept from state; an imported key has none (empty).",
  },
  { name: "valueFingerprint", type: "string", description: "The first 16 hex digits of the value's SHA-256 (empty for an imported key)." },
  { name: "createdAt", type: "string", description: "When Basic created the key." },
  ROTATED_AT_DOC,
  DECLARED_DOC,
];
