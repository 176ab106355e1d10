// The Auth API keys: Args (strict), wire DTOs (loose), state. On the wire the request says `expiry`
// and `rateLimitConfigs {rateLimit, rateLimitTtl}`, the response `expiresAt`; users write
// `expiry` and `rateLimit {limit, ttlSeconds}`.
import * as z from "zod/mini";
import { canonical, liveDifferences } from "../core/diff";
import { ArgsOf, CanonicalOf, fieldTable, input, inputSchema, output, livePolicyOf, policyOf, rulesOf } from "../core/fields";
import { once } from "../core/once";
import { DECLARED, PREVIOUS_FINGERPRINT, PREVIOUS_RETIRES_AT, PREVIOUS_VALUE, ROTATE_AFTER, ROTATED_AT, ROTATION_OVERLAP } from "../core/shared-fields";
import type { Declared } from "../core/declared";

const required = (what: string) => ({ error: (i: { input: unknown }) => (i.input === undefined ? "is required" : `must be ${what}`) });

// ISO 8601: a date, or a date-time with seconds and a zone (Z or ±hh:mm).
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?$/;

export function canonicalInstant(s: string): string {
  return new Date(s).toISOString();
}

/** Whether an ISO string names a real calendar date and time: `Date` itself rolls 2027-02-30 over to March. */
export function isRealInstant(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?/.exec(s);
  if (!m) return false;
  const [y, mo, d, h = 0, mi = 0, se = 0] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x))) as number[];
  const day = new Date(Date.UTC(y!, mo! - 1, d!));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo! - 1 && day.getUTCDate() === d && h < 24 && mi < 60 && se < 60;
}

/** A key is expired, not revoked, when it is off and its expiry has passed: that is what was declared. */
export function isExpired(k: { isActive: boolean; expiresAt?: string | null }, now = Date.now()): boolean {
  return !k.isActive && !!k.expiresAt && Date.parse(k.expiresAt) <= now;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The fields of a rate limit (the `RateLimit` type of the schema). */
export const RATE_LIMIT_FIELDS = fieldTable({
  limit: input({
    rule: () => z.number(required("a number")).check(z.int("must be a whole number"), z.positive("must be greater than 0")),
    change: "update",
    type: "integer",
    description: "Requests allowed per window, a positive whole number.",
  }),
  ttlSeconds: input({
    rule: () => z.number(required("a number")).check(z.int("must be a whole number"), z.positive("must be greater than 0")),
    change: "update",
    type: "integer",
    description: "The window in seconds, a positive whole number.",
  }),
});

/** Every input and output of `authapi.ApiKey`, once: everything else about its fields derives from this table. */
export const API_KEY_FIELDS = fieldTable({
  projectId: input({
    live: false, // what addresses the key: a listing of the project already matches it
    rule: () => z.string(required("a string")).check(z.minLength(1, "must not be empty")),
    change: "replace",
    type: "string",
    description: "The project the key belongs to. Changing it replaces the key.",
  }),
  name: input({
    rule: () => z.string(required("a string")).check(z.minLength(1, "must not be empty"), z.maxLength(255, "must be at most 255 characters")),
    change: "update",
    type: "string",
    description: "1 to 255 characters. Updated in place.",
  }),
  customAccountId: input({
    rule: () => z.optional(z.string({ error: "must be a string" }).check(z.minLength(1, "must not be empty (omit it instead)"))),
    change: "update",
    type: "string",
    description: "Your account id for the key. Removing it clears it.",
  }),
  customUserId: input({
    rule: () => z.optional(z.string({ error: "must be a string" }).check(z.minLength(1, "must not be empty (omit it instead)"))),
    change: "update",
    type: "string",
    description: "Your user id for the key. Removing it clears it.",
  }),
  customMetaData: input({
    rule: () => z.optional(z.custom<Record<string, unknown>>(isPlainObject, "must be an object")),
    // Compared structurally: the canonical JSON (keys sorted); an empty object is none.
    canonical: (m) => (Object.keys(m).length ? (canonical(m) as Record<string, unknown>) : undefined),
    change: "update",
    type: "object",
    description: "Any JSON object, compared structurally (key order never matters). Removing it clears it.",
  }),
  expiry: input({
    rule: () =>
      z.optional(
        z
          .string({ error: "must be an ISO 8601 date or date-time string" })
          .check(
            z.regex(ISO, { message: "must be an ISO 8601 date (2027-01-31) or date-time with a zone (2027-01-31T00:00:00Z)", abort: true }),
            z.refine(isRealInstant, "is not a real date"),
          ),
      ),
    canonical: canonicalInstant,
    change: "update",
    type: "string",
    description:
      "ISO 8601 date (2027-01-31) or date-time with a zone, a real calendar date, not in the past when declared. A key whose declared expiry passed reads as status expired, which is not drift. Removing it means never.",
  }),
  rateLimit: input({
    rule: () => z.optional(rulesOf(RATE_LIMIT_FIELDS, { error: "must be an object {limit, ttlSeconds}" })),
    change: "update",
    type: { ref: "RateLimit" },
    description: "Requests allowed per ttlSeconds. Removing it clears the limit.",
  }),
  customKey: input({
    live: false, // write-only: compared with the key's value by matchesDeclaration
    rule: () =>
      z.optional(z.string({ error: "must be a string" }).check(z.minLength(8, "must be at least 8 characters"), z.regex(/^\S+$/, "must not contain spaces"))),
    change: "update", // PATCH `key`: the value changes, the resource stays
    type: "string",
    secret: true,
    description: "Your own key value instead of a generated one (at least 8 characters, no spaces), kept as a secret. Changing it changes the value in place.",
  }),
  rotation: input({
    live: false, // the user's trigger, not the API's
    rule: () => z.optional(z.string({ error: "must be a string" }).check(z.minLength(1, "must not be empty"))),
    change: "update", // POST …/rotate
    type: "string",
    description: "Any string; conflicts with customKey. A new value rotates the value in place; removing the field rotates nothing.",
  }),
  rotateAfter: ROTATE_AFTER,
  rotationOverlap: ROTATION_OVERLAP,
  active: input({
    rule: () => z.optional(z.boolean({ error: "must be true or false" })),
    default: true,
    change: "update", // DELETE revokes, PATCH …/reactivate restores
    type: "boolean",
    description: "Default true. false revokes the key; true reactivates a revoked one.",
  }),
  key: output({ type: "string", secret: true, computed: true, description: "The key value, a secret." }),
  keyFingerprint: output({ type: "string", computed: true, description: "The first 16 hex digits of the value's SHA-256: safe to log and compare." }),
  env: output({ type: "string", computed: true, description: "live or test." }),
  isActive: output({ type: "boolean", computed: true, description: "As the API reports it." }),
  status: output({ type: "string", computed: true, description: "active, revoked, or expired (off because its declared expiry passed: in sync, not drift)." }),
  expiresAt: output({ type: "string", computed: true, description: "As the API reports it." }),
  createdAt: output({ type: "string", computed: true, description: "As the API reports it." }),
  rotatedAt: ROTATED_AT,
  previousKey: PREVIOUS_VALUE,
  previousKeyFingerprint: PREVIOUS_FINGERPRINT,
  previousRetiresAt: PREVIOUS_RETIRES_AT,
  declared: DECLARED,
  unsettled: output({ type: "string", description: "Only when a rotate or custom key change failed without an answer and could not be settled." }),
});

/** The Args rules, piped into the canonical inputs (built by the first call). */
export const apiKeyArgsCanonical = inputSchema(API_KEY_FIELDS, (a, ctx) => {
  if (a.customKey !== undefined && a.rotationOverlap !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["rotationOverlap"],
      message: "conflicts with customKey: a custom value is yours to change, with no previous value kept",
    });
  }
  if (a.customKey !== undefined && a.rotation !== undefined) {
    ctx.addIssue({ code: "custom", path: ["rotation"], message: "conflicts with customKey: change customKey to change the value, or drop it to rotate" });
  }
  if (a.customKey !== undefined && a.rotateAfter !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["rotateAfter"],
      message: "conflicts with customKey: a custom value is yours to change; drop customKey to rotate on a schedule",
    });
  }
});

export type ApiKeyArgs = ArgsOf<typeof API_KEY_FIELDS>;

export type ApiKeyInputs = CanonicalOf<typeof API_KEY_FIELDS>;

export const AUTHAPI_DIFF_POLICY = policyOf(API_KEY_FIELDS);

/** How a live key is compared with a declaration: what the API never shows is not compared. */
export const AUTHAPI_LIVE_POLICY = livePolicyOf(API_KEY_FIELDS);

// ---- wire (each schema built by its first call, with zod's light API: built in a third of the time) ----

export const apiKeyDtoSchema = once(() =>
  z.looseObject({
    key: z.string(),
    name: z.string(),
    customMetaData: z.nullish(z.record(z.string(), z.unknown())),
    customAccountId: z.nullish(z.string()),
    customUserId: z.nullish(z.string()),
    env: z.string(),
    createdAt: z.string(),
    updatedAt: z.optional(z.string()),
    isActive: z.boolean(),
    expiresAt: z.nullish(z.string()),
    rateLimitConfigs: z.nullish(z.looseObject({ rateLimit: z.nullish(z.number()), rateLimitTtl: z.nullish(z.number()) })),
  }),
);
export type ApiKeyDto = z.infer<ReturnType<typeof apiKeyDtoSchema>>;
export const apiKeyListResponse = once(() => z.array(apiKeyDtoSchema()));
export const deleteResponse = once(() => z.unknown());

export interface CreateBody {
  name: string;
  projectId: string;
  key?: string;
  customMetaData?: Record<string, unknown>;
  customAccountId?: string;
  customUserId?: string;
  expiry?: string;
  rateLimitConfigs?: { rateLimit: number; rateLimitTtl: number };
}

export interface UpdateBody {
  name: string; // required on every PATCH
  key?: string;
  customMetaData?: Record<string, unknown>;
  customAccountId?: string;
  customUserId?: string;
  expiry?: string | null;
  rateLimitConfigs?: { rateLimit: number; rateLimitTtl: number } | null;
}

const rateToWire = (r: { limit: number; ttlSeconds: number }) => ({ rateLimit: r.limit, rateLimitTtl: r.ttlSeconds });

export function createBody(i: ApiKeyInputs): CreateBody {
  const b: CreateBody = { name: i.name, projectId: i.projectId };
  if (i.customKey) b.key = i.customKey;
  if (i.customMetaData) b.customMetaData = i.customMetaData;
  if (i.customAccountId) b.customAccountId = i.customAccountId;
  if (i.customUserId) b.customUserId = i.customUserId;
  if (i.expiry) b.expiry = i.expiry;
  if (i.rateLimit) b.rateLimitConfigs = rateToWire(i.rateLimit);
  return b;
}

/**
 * The PATCH for the changed fields (plus `name`, which the API requires every time). Clearing sends
 * the API's clearing value: `expiry: null`, `rateLimitConfigs: null`; the custom ids and metadata have
 * no documented null, so they are cleared with "" and {}.
 */
export function updateBody(news: ApiKeyInputs, changed: readonly string[]): UpdateBody {
  const b: UpdateBody = { name: news.name };
  if (changed.includes("customAccountId")) b.customAccountId = news.customAccountId ?? "";
  if (changed.includes("customUserId")) b.customUserId = news.customUserId ?? "";
  if (changed.includes("customMetaData")) b.customMetaData = news.customMetaData ?? {};
  if (changed.includes("expiry")) b.expiry = news.expiry ?? null;
  if (changed.includes("rateLimit")) b.rateLimitConfigs = news.rateLimit ? rateToWire(news.rateLimit) : null;
  if (changed.includes("customKey") && news.customKey) b.key = news.customKey;
  return b;
}

// ---- state ----

export interface ApiKeyState extends ApiKeyInputs {
  key: string;
  keyFingerprint: string;
  env: string;
  isActive: boolean;
  /** active, revoked, or expired (off because its declared expiry passed: in sync, not drift). */
  status: "active" | "revoked" | "expired";
  expiresAt?: string;
  createdAt: string;
  /** When the current value was created, rotated or set (customKey). */
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

/** The live key projected onto the input names, canonical; "" and {} read as absent. */
export function liveInputs(dto: ApiKeyDto, projectId: string, prior: Partial<ApiKeyInputs>): ApiKeyInputs {
  // An expired key is off as declared: it reads as the declaration's `active`, so it is not drift.
  const out: ApiKeyInputs = { projectId, name: dto.name, active: isExpired(dto) ? (prior.active ?? true) : dto.isActive };
  if (dto.customAccountId) out.customAccountId = dto.customAccountId;
  if (dto.customUserId) out.customUserId = dto.customUserId;
  if (dto.customMetaData && Object.keys(dto.customMetaData).length) out.customMetaData = canonical(dto.customMetaData) as Record<string, unknown>;
  if (dto.expiresAt) out.expiry = canonicalInstant(dto.expiresAt);
  const r = dto.rateLimitConfigs;
  if (r && typeof r.rateLimit === "number" && typeof r.rateLimitTtl === "number") out.rateLimit = { limit: r.rateLimit, ttlSeconds: r.rateLimitTtl };
  // A custom value is live only while it is still the key's value; a rotation trigger is the user's.
  if (prior.customKey !== undefined && prior.customKey === dto.key) out.customKey = prior.customKey;
  if (prior.rotation !== undefined) out.rotation = prior.rotation;
  if (prior.rotateAfter !== undefined) out.rotateAfter = prior.rotateAfter;
  if (prior.rotationOverlap !== undefined) out.rotationOverlap = prior.rotationOverlap;
  return out;
}

/**
 * The one definition of "this live key is what this declaration describes", for reconciling a create,
 * a rotate or a custom key change (the drift report compares the same way, field by field). A revoked
 * key never matches an active declaration; a declared custom key must be the key's value.
 */
export function matchesDeclaration(dto: ApiKeyDto, declared: ApiKeyInputs): boolean {
  if (declared.customKey !== undefined && dto.key !== declared.customKey) return false;
  return liveDifferences(AUTHAPI_LIVE_POLICY, declared, liveInputs(dto, declared.projectId, declared)).length === 0;
}
