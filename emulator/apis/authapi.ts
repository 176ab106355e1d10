// The Auth API keys, as documented in emulator/openapi/theauthapi-keys.openapi.yaml.
// Choices where the vendor is silent (see emulator/README.md): three access keys (account-level admin
// and viewer, which must name a project; a project-level user key); generated values are
// `live_<32 alnum>`; an expired key reads as revoked; DELETE of a revoked key is a 404; no rate limit.
import { randomBytes } from "node:crypto";
import { EmulatedApi, Principal, Reply } from "../api";
import { OpenApiDocument } from "../openapi-validator";
import type { Store } from "../store";

export interface AuthApiKey {
  key: string;
  projectId: string;
  name: string;
  customMetaData: Record<string, unknown> | null;
  customAccountId: string | null;
  customUserId: string | null;
  env: "live" | "test";
  createdAt: string;
  updatedAt: string;
  isActive: boolean;
  expiresAt: string | null;
  rateLimitConfigs: { rateLimit?: number; rateLimitTtl?: number } | null;
  /** When a service last authenticated it: kept, though the API reports no last use. */
  lastUsed?: string;
}

declare module "../store" {
  interface EmulatorData {
    authapi: AuthApiKey[];
  }
}

export const AUTHAPI_PROJECT = "proj_emulator";
/** Another project of the same account, and a project of another account. */
export const AUTHAPI_OTHER_PROJECT = "proj_other";
export const AUTHAPI_OTHER_ACCOUNT_PROJECT = "proj_other_account";
const ACCESS_KEYS: Record<string, Principal> = {
  "authapi-admin-emulator-000000000000": { credential: "authapi-admin-emulator-000000000000", project: null, role: "admin", account: "account-a" },
  "authapi-user-emulator-0000000000000": { credential: "authapi-user-emulator-0000000000000", project: AUTHAPI_PROJECT, role: "user", account: "account-a" },
  "authapi-viewer-emulator-00000000000": { credential: "authapi-viewer-emulator-00000000000", project: null, role: "viewer", account: "account-a" },
  "authapi-user-otherproject-000000000": {
    credential: "authapi-user-otherproject-000000000",
    project: AUTHAPI_OTHER_PROJECT,
    role: "user",
    account: "account-a",
  },
  "authapi-admin-otheraccount-00000000": { credential: "authapi-admin-otheraccount-00000000", project: null, role: "admin", account: "account-b" },
};
// Every project belongs to account A, but for account B's one.
const accountOf = (projectId: string) => (projectId === AUTHAPI_OTHER_ACCOUNT_PROJECT ? "account-b" : "account-a");

export function authApiCredentials() {
  const [admin, user, viewer, otherProjectUser, otherAccountAdmin] = Object.keys(ACCESS_KEYS) as [string, string, string, string, string];
  return { admin, user, viewer, otherProjectUser, otherAccountAdmin };
}

const ERRORS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
};
function err(status: number, message: string): Reply {
  return { status, body: { statusCode: status, message, error: ERRORS[status] ?? "Error" } };
}

const alnum = (n: number) => {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(n)].map((b) => chars[b % chars.length]).join("");
};
const newValue = () => `live_${alnum(32)}`;

export function toApiKey(k: AuthApiKey) {
  const { projectId: _p, lastUsed: _u, ...rest } = k;
  return { ...rest, isActive: isActive(k) };
}

function isActive(k: AuthApiKey): boolean {
  return k.isActive && !(k.expiresAt && Date.parse(k.expiresAt) <= Date.now());
}

function projectOf(p: Principal, requested: string | null | undefined): string | Reply {
  if (p.project) return requested && requested !== p.project ? err(403, "This access key belongs to another project") : p.project;
  if (!requested) return err(400, "projectId is required with an account-level access key");
  if (accountOf(requested) !== p.account) return err(403, "This access key cannot see that project");
  return requested;
}

const mutating = (p: Principal) => (p.role === "viewer" ? err(403, "Forbidden resource: viewers cannot change keys") : undefined);

function find(store: Store, p: Principal, key: string): AuthApiKey | undefined {
  return store.data.authapi.find((k) => k.key === key && (p.project ? k.projectId === p.project : accountOf(k.projectId) === p.account));
}

/** The API, as the emulator serves it (createEmulator finds this export in every module of apis/). */
export function emulatedApi(): EmulatedApi {
  const doc = OpenApiDocument.load("theauthapi-keys.openapi.yaml", "authapi");
  return {
    name: "authapi",
    doc,
    rateLimits: [],
    error: err,
    // Its DELETE is a soft delete (a revoke): a revoked key is still stored, but no longer works.
    testing: {
      credential: authApiCredentials().admin,
      idField: "key",
      isLive: (k: AuthApiKey) => k.isActive,
      serviceCall: (value) => ({
        method: "POST",
        path: `/api-keys/auth/${encodeURIComponent(value)}`,
        headers: { "x-api-key": authApiCredentials().admin, "content-type": "application/json" },
      }),
    },
    usage: (url) => {
      const creds = authApiCredentials();
      return `The Auth API THEAUTHAPI_API_URL=${url}  THEAUTHAPI_ACCESS_KEY=${creds.admin}  (account-level: pass projectId, e.g. ${AUTHAPI_PROJECT}; viewer: ${creds.viewer})`;
    },
    seed(store, { empty }) {
      if (empty) return;
      // A key somebody made by hand long ago, in each example project.
      for (const projectId of [AUTHAPI_PROJECT, AUTHAPI_OTHER_PROJECT, AUTHAPI_OTHER_ACCOUNT_PROJECT])
        store.data.authapi.push({
          key: newValue(),
          projectId,
          name: "support desk (made by hand)",
          customMetaData: null,
          customAccountId: null,
          customUserId: null,
          env: "live",
          createdAt: "2024-01-15T10:00:00.000Z",
          updatedAt: "2024-01-15T10:00:00.000Z",
          isActive: true,
          expiresAt: null,
          rateLimitConfigs: null,
        });
    },
    authenticate(headers) {
      const v = headers["x-api-key"];
      const key = Array.isArray(v) ? v[0] : v;
      if (!key) return err(401, "Missing x-api-key header");
      return ACCESS_KEYS[key] ?? err(401, "Invalid access key");
    },
    handlers: {
      "GET /api-keys": ({ query, store, principal }) => {
        const project = projectOf(principal, query.get("projectId"));
        if (typeof project !== "string") return project;
        const active = query.get("isActive");
        let keys = store.data.authapi.filter(
          (k) =>
            k.projectId === project &&
            (!query.get("name") || k.name === query.get("name")) &&
            (!query.get("customAccountId") || k.customAccountId === query.get("customAccountId")) &&
            (!query.get("customUserId") || k.customUserId === query.get("customUserId")) &&
            (active === null || String(isActive(k)) === active),
        );
        const offset = Number(query.get("offset") ?? 0) || 0;
        const limit = Number(query.get("limit") ?? 100) || 100;
        keys = keys.slice(offset, offset + limit);
        return { status: 200, body: keys.map(toApiKey) };
      },
      "POST /api-keys": ({ body, store, principal }) => {
        const denied = mutating(principal);
        if (denied) return denied;
        const project = projectOf(principal, body.projectId);
        if (typeof project !== "string") return project;
        if (body.key !== undefined && store.data.authapi.some((k) => k.key === body.key)) return err(400, "key already exists");
        const now = new Date().toISOString();
        const k: AuthApiKey = {
          key: body.key ?? newValue(),
          projectId: project,
          name: body.name,
          customMetaData: body.customMetaData ?? null,
          customAccountId: body.customAccountId ?? null,
          customUserId: body.customUserId ?? null,
          env: "live",
          createdAt: now,
          updatedAt: now,
          isActive: true,
          expiresAt: body.expiry ? new Date(body.expiry).toISOString() : null,
          rateLimitConfigs: body.rateLimitConfigs ?? null,
        };
        store.data.authapi.push(k);
        return { status: 201, body: toApiKey(k) };
      },
      "GET /api-keys/{key}": ({ params, store, principal }) => {
        const k = find(store, principal, params.key!);
        return k && isActive(k) ? { status: 200, body: toApiKey(k) } : err(404, "API key not found");
      },
      "PATCH /api-keys/{key}": ({ params, body, store, principal }) => {
        const denied = mutating(principal);
        if (denied) return denied;
        const k = find(store, principal, params.key!);
        if (!k || !isActive(k)) return err(404, "API key not found");
        if (body.key !== undefined && body.key !== k.key && store.data.authapi.some((x) => x.key === body.key)) return err(400, "key already exists");
        k.name = body.name;
        if (body.key !== undefined) k.key = body.key;
        if (body.customAccountId !== undefined) k.customAccountId = body.customAccountId;
        if (body.customUserId !== undefined) k.customUserId = body.customUserId;
        if (body.customMetaData !== undefined) k.customMetaData = body.customMetaData;
        if (body.expiry !== undefined) k.expiresAt = body.expiry === null ? null : new Date(body.expiry).toISOString();
        if (body.rateLimitConfigs !== undefined) k.rateLimitConfigs = body.rateLimitConfigs;
        k.updatedAt = new Date().toISOString();
        return { status: 200, body: toApiKey(k) };
      },
      "DELETE /api-keys/{key}": ({ params, store, principal }) => {
        const denied = mutating(principal);
        if (denied) return denied;
        const k = find(store, principal, params.key!);
        if (!k || !isActive(k)) return err(404, "API key not found");
        k.isActive = false;
        k.updatedAt = new Date().toISOString();
        return { status: 200, body: true };
      },
      "PATCH /api-keys/{key}/reactivate": ({ params, store, principal }) => {
        const denied = mutating(principal);
        if (denied) return denied;
        const k = find(store, principal, params.key!);
        if (!k) return err(404, "API key not found");
        if (isActive(k)) return err(409, "API key is already active");
        k.isActive = true;
        if (k.expiresAt && Date.parse(k.expiresAt) <= Date.now()) k.expiresAt = null;
        k.updatedAt = new Date().toISOString();
        return { status: 200, body: toApiKey(k) };
      },
      "POST /api-keys/{key}/rotate": ({ params, store, principal }) => {
        const denied = mutating(principal);
        if (denied) return denied;
        const k = find(store, principal, params.key!);
        if (!k || !isActive(k)) return err(404, "API key not found");
        k.key = newValue();
        k.updatedAt = new Date().toISOString();
        return { status: 201, body: toApiKey(k) };
      },
    },
    services: {
      // How a service checks a key it was handed (its own access key in x-api-key): the documented
      // authenticate call. The answer is the key, or a 401 once it is revoked, expired or unknown.
      "POST /api-keys/auth/{key}": ({ params, headers, store, now }) => {
        const v = headers["x-api-key"];
        const principal = ACCESS_KEYS[(Array.isArray(v) ? v[0] : v) ?? ""];
        if (!principal) return err(401, "Invalid access key");
        const k = find(store, principal, params.key!);
        if (!k || !isActive(k)) return err(401, "Invalid API key");
        k.lastUsed = now;
        return { status: 200, body: toApiKey(k) };
      },
    },
    admin: {
      "PATCH /authapi/keys/{key}": (store, { key }, body) => {
        const k = store.data.authapi.find((x) => x.key === key);
        if (!k) return err(404, "no such key");
        Object.assign(k, body);
        return { status: 200, body: toApiKey(k) };
      },
      "POST /authapi/keys/{key}/revoke": (store, { key }) => {
        const k = store.data.authapi.find((x) => x.key === key);
        if (!k) return err(404, "no such key");
        k.isActive = false;
        return { status: 200, body: toApiKey(k) };
      },
      // A hard delete: the key no longer exists at all (not even as revoked).
      "DELETE /authapi/keys/{key}": (store, { key }) => {
        const before = store.data.authapi.length;
        store.data.authapi = store.data.authapi.filter((x) => x.key !== key);
        return before === store.data.authapi.length ? err(404, "no such key") : { status: 200, body: {} };
      },
      "POST /authapi/keys": (store, _p, body) => {
        const now = new Date().toISOString();
        const k: AuthApiKey = {
          key: newValue(),
          projectId: body?.projectId ?? AUTHAPI_PROJECT,
          name: body?.name ?? "made by hand",
          customMetaData: null,
          customAccountId: null,
          customUserId: null,
          env: "live",
          createdAt: now,
          updatedAt: now,
          isActive: true,
          expiresAt: null,
          rateLimitConfigs: null,
        };
        store.data.authapi.push(k);
        return { status: 200, body: toApiKey(k) };
      },
    },
  };
}
