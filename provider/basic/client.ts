// Typed calls for every Basic Admin API project-key endpoint. No Pulumi here.
import { Setting } from "../core/config";
import { HttpClient, HttpClientOptions, unlessNotFound } from "../core/http";
import { registerSecret } from "../core/redact";
import { CreatedKeyResponse, KeyListResponse, KeyResponse, KeySummary, MessageResponse, UpdateBody, UpdatedKeyResponse } from "./schema";

export const BASIC_DEFAULT_URL = "https://api.basic.tech";

export const BASIC_SETTINGS = {
  token: { configKey: "basicApiToken", env: "BASIC_API_TOKEN", secret: true } as Setting,
  baseUrl: { configKey: "basicApiUrl", env: "BASIC_API_URL", secret: false } as Setting,
};

export interface BasicClientOptions {
  token: string;
  baseUrl?: string;
  http?: Partial<Omit<HttpClientOptions, "api" | "baseUrl" | "headers">>;
}

const ROUTE_KEYS = "/project/{id}/key";
const ROUTE_KEY = "/project/{id}/key/{key_id}";

export class BasicClient {
  private readonly http: HttpClient;

  constructor(opts: BasicClientOptions) {
    // No documented rate limit: retries with backoff on 429 are the only brake.
    this.http = new HttpClient({ api: "basic", baseUrl: opts.baseUrl ?? BASIC_DEFAULT_URL, headers: { Authorization: `Bearer ${opts.token}` }, ...opts.http });
  }

  async list(projectId: string): Promise<KeySummary[]> {
    return (await this.http.json({ method: "GET", route: ROUTE_KEYS, params: { id: projectId } }, KeyListResponse)).data;
  }

  /** The only call that returns the secret value. */
  async create(projectId: string, label: string, roles: string) {
    const r = await this.http.json({ method: "POST", route: ROUTE_KEYS, params: { id: projectId }, body: { label, roles } }, CreatedKeyResponse);
    registerSecret(r.key.value);
    return r.key;
  }

  async get(projectId: string, keyId: string) {
    return (await unlessNotFound(this.http.json({ method: "GET", route: ROUTE_KEY, params: { id: projectId, key_id: keyId } }, KeyResponse)))?.key;
  }

  async update(projectId: string, keyId: string, body: UpdateBody) {
    return (await this.http.json({ method: "PATCH", route: ROUTE_KEY, params: { id: projectId, key_id: keyId }, body }, UpdatedKeyResponse)).key;
  }

  /** Deletes the key; false when it was already gone. */
  async delete(projectId: string, keyId: string): Promise<boolean> {
    const r = await unlessNotFound(this.http.json({ method: "DELETE", route: ROUTE_KEY, params: { id: projectId, key_id: keyId } }, MessageResponse).then(() => true));
    return r ?? false;
  }
}
