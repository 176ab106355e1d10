// Typed calls for every The Auth API key endpoint. No Pulumi here.
import { Setting } from "../core/config";
import { HttpClient, HttpClientOptions, unlessNotFound } from "../core/http";
import { registerSecret } from "../core/redact";
import { ApiKeyDto, ApiKeyDtoSchema, ApiKeyListResponse, CreateBody, DeleteResponse, UpdateBody } from "./schema";

export const AUTHAPI_DEFAULT_URL = "https://api.theauthapi.com";

export const AUTHAPI_SETTINGS = {
  accessKey: { configKey: "theauthapiAccessKey", env: "THEAUTHAPI_ACCESS_KEY", secret: true } as Setting,
  baseUrl: { configKey: "theauthapiApiUrl", env: "THEAUTHAPI_API_URL", secret: false } as Setting,
};

export interface AuthApiClientOptions {
  accessKey: string;
  baseUrl?: string;
  http?: Partial<Omit<HttpClientOptions, "api" | "baseUrl" | "headers">>;
}

export interface ListFilter {
  projectId: string;
  name?: string;
  customAccountId?: string;
  customUserId?: string;
  isActive?: boolean;
}

const ROUTE_KEYS = "/api-keys";
const ROUTE_KEY = "/api-keys/{key}";
const PAGE = 100;

export class AuthApiClient {
  private readonly http: HttpClient;

  constructor(opts: AuthApiClientOptions) {
    // Management rate limits are undocumented: retries with backoff on 429 and 5xx (as the vendor's SDK does).
    this.http = new HttpClient({ api: "theauthapi", baseUrl: opts.baseUrl ?? AUTHAPI_DEFAULT_URL, headers: { "x-api-key": opts.accessKey }, ...opts.http });
  }

  private remember(k: ApiKeyDto): ApiKeyDto {
    registerSecret(k.key);
    return k;
  }

  /** Every matching key, following limit/offset. */
  async list(filter: ListFilter): Promise<ApiKeyDto[]> {
    const out: ApiKeyDto[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.http.json({ method: "GET", route: ROUTE_KEYS, query: { ...filter, limit: PAGE, offset } }, ApiKeyListResponse);
      out.push(...page.map((k) => this.remember(k)));
      if (page.length < PAGE) return out;
    }
  }

  async create(body: CreateBody): Promise<ApiKeyDto> {
    if (body.key) registerSecret(body.key);
    return this.remember(await this.http.json({ method: "POST", route: ROUTE_KEYS, body }, ApiKeyDtoSchema));
  }

  /** The active key, or undefined on 404 (which the API also answers for a revoked key). */
  async get(key: string): Promise<ApiKeyDto | undefined> {
    const k = await unlessNotFound(this.http.json({ method: "GET", route: ROUTE_KEY, params: { key } }, ApiKeyDtoSchema));
    return k && this.remember(k);
  }

  async update(key: string, body: UpdateBody): Promise<ApiKeyDto> {
    if (body.key) registerSecret(body.key);
    return this.remember(await this.http.json({ method: "PATCH", route: ROUTE_KEY, params: { key }, body }, ApiKeyDtoSchema));
  }

  /** Revokes (soft-deletes) the key; false when it was not there to revoke. */
  async revoke(key: string): Promise<boolean> {
    return (await unlessNotFound(this.http.json({ method: "DELETE", route: ROUTE_KEY, params: { key } }, DeleteResponse).then(() => true))) ?? false;
  }

  /** Reactivates a revoked key; an already-active key (409) is fine. */
  async reactivate(key: string): Promise<ApiKeyDto | undefined> {
    try {
      return this.remember(await this.http.json({ method: "PATCH", route: `${ROUTE_KEY}/reactivate`, params: { key } }, ApiKeyDtoSchema));
    } catch (e) {
      if ((e as { code?: string }).code === "PAK_CONFLICT") return undefined;
      throw e;
    }
  }

  /** A new value with the same metadata; the old one stops at once. Not idempotent, never blindly retried. */
  async rotate(key: string): Promise<ApiKeyDto> {
    return this.remember(await this.http.json({ method: "POST", route: `${ROUTE_KEY}/rotate`, params: { key } }, ApiKeyDtoSchema));
  }
}
