// Basic Admin API project keys, as documented in emulator/openapi/basic-admin-keys.openapi.yaml.
// Choices where the vendor is silent (see emulator/README.md): any UUID is an existing project of the
// token; roles are stored exactly as sent (no reordering); key ids are UUIDs; no rate limit.
import { randomBytes, randomUUID } from "node:crypto";
import { EmulatedApi, Principal, Reply } from "../api";
import { OpenApiDocument } from "../openapi-validator";
import type { Store } from "../store";

export interface BasicKey {
  id: string;
  projectId: string;
  label: string;
  roles: string;
  value: string;
  is_private: boolean;
  created_at: string;
  updated_at: string;
  last_used: string | null;
}

declare module "../store" {
  interface EmulatorData {
    basic: BasicKey[];
  }
}

export const BASIC_TOKEN = "basic-emulator-admin-token-0000000000000000";
export const BASIC_PROJECT = "6f1c2a7e-3b9d-4c5e-8a1f-0d2e3c4b5a69";
/** A second account's token and its one project: the token sees no project of the first account. */
export const BASIC_TOKEN_B = "basic-emulator-other-account-token-000000000";
export const BASIC_PROJECT_B = "0b7e3d1c-9a4f-4e2b-8c6d-5f1a2b3c4d5e";
const ACCOUNTS: Record<string, string> = { [BASIC_TOKEN]: "account-a", [BASIC_TOKEN_B]: "account-b" };
const accountOf = (projectId: string) => (projectId === BASIC_PROJECT_B ? "account-b" : "account-a");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function err(status: number, message: string): Reply {
  const error = { 400: "bad_request", 401: "unauthorized", 404: "not_found", 429: "rate_limited" }[status] ?? "error";
  return { status, body: { error, message } };
}

export function newBasicKey(projectId: string, label: string, roles: string): BasicKey {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    projectId,
    label,
    roles,
    value: `bsk_${randomBytes(24).toString("base64url")}`,
    is_private: true,
    created_at: now,
    updated_at: now,
    last_used: null,
  };
}

function find(store: Store, projectId: string, keyId: string): BasicKey | undefined {
  return store.data.basic.find((k) => k.projectId === projectId && k.id === keyId);
}

const summary = (k: BasicKey) => ({ id: k.id, label: k.label, roles: k.roles, is_private: k.is_private, created_at: k.created_at, last_used: k.last_used });

/** The API, as the emulator serves it (createEmulator finds this export in every module of apis/). */
export function emulatedApi(): EmulatedApi {
  const doc = OpenApiDocument.load("basic-admin-keys.openapi.yaml", "basic");
  // Any UUID is a project of account A, except account B's one; a token sees its own account's projects only.
  const project = (id: string, p: Principal) => (UUID.test(id) && accountOf(id) === p.account ? undefined : err(404, "Project not found"));
  return {
    name: "basic",
    doc,
    rateLimits: [],
    error: err,
    testing: {
      credential: BASIC_TOKEN,
      idField: "id",
      serviceCall: (value) => ({ method: "GET", path: "/_emulator/basic/whoami", headers: { authorization: `Bearer ${value}` } }),
    },
    usage: (url) => `Basic        BASIC_API_URL=${url}  BASIC_API_TOKEN=${BASIC_TOKEN}  (any UUID is a project, e.g. ${BASIC_PROJECT})`,
    seed(store, { empty }) {
      if (empty) return;
      // Keys somebody made in the console long ago, before any infrastructure as code.
      // The backend's key has not been used since its service moved off it; project B's default key never was.
      for (const [projectId, label, lastUsed] of [
        [BASIC_PROJECT, "backend (made in the console)", "2024-02-20T16:30:00.000Z"],
        [BASIC_PROJECT_B, "default key", null],
      ] as const)
        store.data.basic.push({
          ...newBasicKey(projectId, label, "read,write"),
          created_at: "2023-05-10T08:00:00.000Z",
          updated_at: "2023-05-10T08:00:00.000Z",
          last_used: lastUsed,
        });
    },
    authenticate(headers) {
      const v = headers["authorization"];
      const h = Array.isArray(v) ? v[0] : v;
      if (!h || !/^Bearer\s+/i.test(h)) return err(401, "Missing bearer token");
      const token = h.replace(/^Bearer\s+/i, "");
      const account = ACCOUNTS[token];
      if (!account) return err(401, "Invalid token");
      return { credential: token, project: null, role: "admin", account };
    },
    handlers: {
      "GET /project/{id}/key": ({ params, store, principal }) =>
        project(params.id!, principal) ?? { status: 200, body: { data: store.data.basic.filter((k) => k.projectId === params.id).map(summary) } },
      "POST /project/{id}/key": ({ params, body, store, principal }) => {
        const missing = project(params.id!, principal);
        if (missing) return missing;
        if (!body.label) return err(400, "label must not be empty");
        const k = newBasicKey(params.id!, body.label, body.roles);
        store.data.basic.push(k);
        return { status: 200, body: { key: { id: k.id, label: k.label, roles: k.roles, value: k.value, created_at: k.created_at } } };
      },
      "GET /project/{id}/key/{key_id}": ({ params, store, principal }) => {
        const foreign = project(params.id!, principal);
        if (foreign) return foreign;
        const k = find(store, params.id!, params.key_id!);
        return k ? { status: 200, body: { key: { id: k.id, label: k.label, roles: k.roles, created_at: k.created_at } } } : err(404, "API key not found");
      },
      "PATCH /project/{id}/key/{key_id}": ({ params, body, store, principal }) => {
        const foreign = project(params.id!, principal);
        if (foreign) return foreign;
        const k = find(store, params.id!, params.key_id!);
        if (!k) return err(404, "API key not found");
        if (body.label !== undefined) k.label = body.label;
        if (body.roles !== undefined) k.roles = body.roles;
        k.updated_at = new Date().toISOString();
        return { status: 200, body: { key: { id: k.id, label: k.label, roles: k.roles, updated_at: k.updated_at } } };
      },
      "DELETE /project/{id}/key/{key_id}": ({ params, store, principal }) => {
        const foreign = project(params.id!, principal);
        if (foreign) return foreign;
        const k = find(store, params.id!, params.key_id!);
        if (!k) return err(404, "API key not found");
        store.data.basic = store.data.basic.filter((x) => x !== k);
        return { status: 200, body: { message: "API key deleted" } };
      },
    },
    services: {
      // Emulator-only: Basic's data API is out of scope, so this stands for any call a service makes
      // with a project key (Authorization: Bearer <value>). It is the key's last use (`last_used` in a listing).
      "GET /_emulator/basic/whoami": ({ headers, store, now }) => {
        const v = headers["authorization"];
        const value = (Array.isArray(v) ? v[0] : v)?.replace(/^Bearer\s+/i, "");
        const k = store.data.basic.find((x) => x.value === value);
        if (!k) return err(401, "Invalid API key");
        k.last_used = now;
        return { status: 200, body: { project_id: k.projectId, key_id: k.id } };
      },
    },
    admin: {
      "PATCH /basic/projects/{pid}/keys/{kid}": (store, { pid, kid }, body) => {
        const k = find(store, pid!, kid!);
        if (!k) return err(404, "no such key");
        Object.assign(k, body);
        return { status: 200, body: summary(k) };
      },
      "DELETE /basic/projects/{pid}/keys/{kid}": (store, { pid, kid }) => {
        const k = find(store, pid!, kid!);
        if (!k) return err(404, "no such key");
        store.data.basic = store.data.basic.filter((x) => x !== k);
        return { status: 200, body: {} };
      },
      "POST /basic/projects/{pid}/keys": (store, { pid }, body) => {
        const k = newBasicKey(pid!, body?.label ?? "made by hand", body?.roles ?? "read");
        store.data.basic.push(k);
        return { status: 200, body: summary(k) };
      },
    },
  };
}
