// Statsig Console API keys, as documented in emulator/openapi/statsig-keys.openapi.yaml.
// Choices where the vendor is silent (see emulator/README.md): scopes and environments are kept in the
// order sent; rotation invalidates the old value at once; `key` is never null; the PATCH response is
// the full updated KeyDto (the documented example is request-shaped and violates the schema).
import { EmulatedApi, Principal, Reply, ServiceRequest } from "../api";
import { OpenApiDocument } from "../openapi-validator";
import type { Store } from "../store";
import type { StatsigKey } from "./statsig-keys";
import { applyUpdate, fieldsFromCreate, listBody, newKeyValue, newStatsigKey, STATSIG_DEFAULT_KEYS, toDto } from "./statsig-keys";

export { newStatsigKey, STATSIG_DEFAULT_KEYS, toDto };

export const STATSIG_CONSOLE_KEY = "console-emulatorProjectA0000000000000000";
export const STATSIG_CONSOLE_KEY_B = "console-emulatorProjectB0000000000000000";

/** Each project's console credential. It is itself a key of its project: listed, type CONSOLE. */
const CONSOLE_KEYS: Record<string, string> = { [STATSIG_CONSOLE_KEY]: "project-a", [STATSIG_CONSOLE_KEY_B]: "project-b" };
function err(status: number, message: string): Reply {
  return { status, body: { status, message } };
}

function find(store: Store, p: Principal, id: string): StatsigKey | undefined {
  return store.data.statsig.find((k) => k.key === id && k.project === p.project);
}

/**
 * A call of Statsig's SDK API (api.statsig.com) with a key of `type` as its STATSIG-API-KEY: the key must
 * be active, and the call is its last use (the console shows it as `lastUsed`).
 */
function sdkCall(type: string, answer: () => object) {
  return ({ headers, store, now }: ServiceRequest): Reply => {
    const v = headers["statsig-api-key"];
    const key = Array.isArray(v) ? v[0] : v;
    const k = store.data.statsig.find((x) => x.key === key && x.type === type && x.status === "active");
    if (!k) return err(401, "Invalid SDK key");
    k.lastUsed = now;
    return { status: 200, body: { ...answer(), has_updates: true, time: Date.parse(now) } };
  };
}

/** The API, as the emulator serves it (createEmulator finds this export in every module of apis/). */
export function emulatedApi(): EmulatedApi {
  const doc = OpenApiDocument.load("statsig-keys.openapi.yaml", "statsig");
  return {
    name: "statsig",
    doc,
    rateLimits: [
      { limit: 100, windowMs: 10_000 },
      { limit: 900, windowMs: 15 * 60_000 },
    ],
    error: err,
    testing: {
      credential: STATSIG_CONSOLE_KEY,
      idField: "key",
      serviceCall: (value) => ({
        method: "POST",
        path: value.startsWith("client-") ? "/v1/initialize" : "/v1/download_config_specs",
        headers: { "statsig-api-key": value, "content-type": "application/json" },
      }),
    },
    usage: (url) => `Statsig      STATSIG_API_URL=${url}  STATSIG_CONSOLE_API_KEY=${STATSIG_CONSOLE_KEY}`,
    authenticate(headers, store) {
      const v = headers["statsig-api-key"];
      const key = Array.isArray(v) ? v[0] : v;
      if (!key) return err(401, "Unauthorized. Missing STATSIG-API-KEY header.");
      // The credential is a key like any other: deleted, deactivated or rotated, it stops working.
      const k = store.data.statsig.find((x) => x.key === key && x.type === "CONSOLE" && x.status === "active");
      if (!k) return err(401, "Unauthorized. Invalid STATSIG-API-KEY.");
      return { credential: key, project: k.project, role: "admin" };
    },
    seed(store, { empty }) {
      for (const [key, project] of Object.entries(CONSOLE_KEYS)) {
        store.data.statsig.push(newStatsigKey("CONSOLE", project, { key, description: "Console API Key", lastUsed: "2024-03-01T09:00:00.000Z" }));
        // The project's default keys, in use by its apps: the server key an hour ago, the client key just now.
        if (!empty)
          for (const d of STATSIG_DEFAULT_KEYS)
            store.data.statsig.push(newStatsigKey(d.type, project, { description: d.description, lastUsed: new Date(Date.now() - d.idleMs).toISOString() }));
      }
    },
    handlers: {
      "GET /console/v1/keys": ({ query, store, principal }) => {
        const limit = Math.max(1, Math.min(1000, Number(query.get("limit") ?? 10) || 10));
        const page = Math.max(1, Number(query.get("page") ?? 1) || 1);
        const app = query.get("primaryTargetApp");
        const env = query.get("environment");
        const all = store.data.statsig.filter(
          (k) => k.project === principal.project && (!app || k.primaryTargetApp === app) && (!env || k.environments.includes(env)),
        );
        return { status: 200, body: listBody(all, limit, page) };
      },
      "POST /console/v1/keys": ({ body, store, principal }) => {
        const k = newStatsigKey(body.type, principal.project!, fieldsFromCreate(body));
        store.data.statsig.push(k);
        return { status: 200, body: { message: "Key created successfully.", data: toDto(k) } };
      },
      "GET /console/v1/keys/{id}": ({ params, store, principal }) => {
        const k = find(store, principal, params.id!);
        return k
          ? { status: 200, body: { message: "Key read successfully.", data: toDto(k) } }
          : err(404, "Not Found. The requested resource could not be found.");
      },
      "PATCH /console/v1/keys/{id}": ({ params, body, store, principal }) => {
        const k = find(store, principal, params.id!);
        if (!k) return err(404, "Not Found. The requested resource could not be found.");
        applyUpdate(k, body);
        return { status: 200, body: { message: "Key updated successfully.", data: toDto(k) } };
      },
      "DELETE /console/v1/keys/{id}": ({ params, store, principal }) => {
        const k = find(store, principal, params.id!);
        if (!k) return err(404, "Not Found. The requested resource could not be found.");
        store.data.statsig = store.data.statsig.filter((x) => x !== k);
        return { status: 200, body: { message: "Key deleted successfully." } };
      },
      "PATCH /console/v1/keys/{id}/rotate": ({ params, store, principal }) => {
        const k = find(store, principal, params.id!);
        if (!k) return err(404, "Not Found. The requested resource could not be found.");
        k.key = newKeyValue(k.type);
        return { status: 200, body: { message: "Key rotated successfully,", data: toDto(k) } };
      },
      "PATCH /console/v1/keys/{id}/deactivate": ({ params, store, principal }) => {
        const k = find(store, principal, params.id!);
        if (!k) return err(404, "Not Found. The requested resource could not be found.");
        k.status = "deactivated";
        return { status: 200, body: { message: "Key deactivated successfully." } };
      },
    },
    services: {
      // A client SDK starts with a client key; a server SDK downloads the config specs with a server secret key.
      "POST /v1/initialize": sdkCall("CLIENT", () => ({ feature_gates: {}, dynamic_configs: {}, layer_configs: {} })),
      "POST /v1/download_config_specs": sdkCall("SERVER", () => ({ feature_gates: [], dynamic_configs: [], layer_configs: [] })),
    },
    admin: {
      // A console user edits a key: any KeyDto field, by key value.
      "PATCH /statsig/keys/{key}": (store, { key }, body) => {
        const k = store.data.statsig.find((x) => x.key === key);
        if (!k) return err(404, "no such key");
        Object.assign(k, body);
        return { status: 200, body: toDto(k) };
      },
      "DELETE /statsig/keys/{key}": (store, { key }) => {
        const before = store.data.statsig.length;
        store.data.statsig = store.data.statsig.filter((x) => x.key !== key);
        return before === store.data.statsig.length ? err(404, "no such key") : { status: 200, body: {} };
      },
      // A key someone made by hand, that no stack manages.
      "POST /statsig/keys": (store, _p, body) => {
        const k = newStatsigKey(body?.type ?? "SERVER", body?.project ?? "project-a", body ?? {});
        store.data.statsig.push(k);
        return { status: 200, body: toDto(k) };
      },
    },
  };
}
