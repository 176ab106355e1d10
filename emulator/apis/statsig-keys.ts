// What a Statsig key looks like on the wire and when it is made: shared by the emulator and the
// benchmarks' in-memory transport, and light (no validator) so that the latter loads it cheaply.
import { randomBytes } from "node:crypto";

export interface StatsigKey {
  key: string;
  type: string;
  description: string;
  scopes: string[];
  environments: string[];
  primaryTargetApp: string | null;
  secondaryTargetApps: string[] | null;
  status: "active" | "deactivated";
  lastUsed: string | null;
  project: string; // which console key (project) owns it
}

declare module "../store" {
  interface EmulatorData {
    statsig: StatsigKey[];
  }
}

const PREFIX: Record<string, string> = { SERVER: "secret", CLIENT: "client", CONSOLE: "console", SCIM: "scim", ORG: "org" };
/** What Statsig puts in every new project: a server secret key and a client key. */
export const STATSIG_DEFAULT_KEYS = [
  { type: "SERVER", description: "Server Secret Key", idleMs: 3_600_000 },
  { type: "CLIENT", description: "Client API Key", idleMs: 60_000 },
];

/** A new secret value of the kind Statsig gives this key type. */
export function newKeyValue(type: string): string {
  return `${PREFIX[type] ?? "secret"}-${randomBytes(20).toString("base64url")}`;
}

export function toDto(k: StatsigKey) {
  return {
    key: k.key,
    type: k.type,
    description: k.description,
    scopes: k.scopes,
    environments: k.environments,
    primaryTargetApp: k.primaryTargetApp,
    secondaryTargetApps: k.secondaryTargetApps,
    status: k.status,
    lastUsed: k.lastUsed,
  };
}

export function newStatsigKey(type: string, project: string, fields: Partial<StatsigKey> = {}): StatsigKey {
  return {
    key: newKeyValue(type),
    type,
    description: "",
    scopes: [],
    environments: [],
    primaryTargetApp: null,
    secondaryTargetApps: null,
    status: "active",
    lastUsed: null,
    project,
    ...fields,
  };
}

/** The fields a create body sets (Statsig names the target apps `targetAppID` and `secondaryTargetAppIDs` on the wire). */
export function fieldsFromCreate(body: any): Partial<StatsigKey> {
  return {
    description: body.description,
    scopes: body.scopes ?? [],
    environments: body.environments ?? [],
    primaryTargetApp: body.targetAppID ?? null,
    secondaryTargetApps: body.secondaryTargetAppIDs ?? null,
  };
}

/** Applies an update body to `k` in place: only the fields it carries. */
export function applyUpdate(k: StatsigKey, body: any): StatsigKey {
  if (body.description !== undefined) k.description = body.description;
  if (body.scopes !== undefined) k.scopes = body.scopes;
  if (body.environments !== undefined) k.environments = body.environments;
  if (body.targetAppID !== undefined) k.primaryTargetApp = body.targetAppID;
  if (body.secondaryTargetAppIDs !== undefined) k.secondaryTargetApps = body.secondaryTargetAppIDs;
  return k;
}

/** One page of a key listing, as Statsig answers `GET /console/v1/keys?limit&page`. */
export function listBody(all: StatsigKey[], limit: number, page: number) {
  const link = (p: number) => `/console/v1/keys?page=${p}&limit=${limit}`;
  return {
    message: "Keys listed successfully.",
    data: all.slice((page - 1) * limit, page * limit).map(toDto),
    pagination: {
      itemsPerPage: limit,
      pageNumber: page,
      nextPage: page * limit < all.length ? link(page + 1) : null,
      previousPage: page > 1 ? link(page - 1) : null,
      totalItems: all.length,
    },
  };
}
