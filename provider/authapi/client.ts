// Typed calls for every The Auth API key endpoint. No Pulumi here.
import { vendorSettings } from "../core/config";
import { apiWire, ClientOptions, VendorClient } from "../core/connection";
import { isScopeRefusal, unlessNotFound } from "../core/http";
import { everyPage, ListPage, ListServedReads, listServedReadsFor } from "../core/list-served-reads";
import { registerSecret } from "../core/redact";
import { ApiKeyDto, apiKeyDtoSchema, apiKeyListResponse, CreateBody, deleteResponse, UpdateBody } from "./schema";

/**
 * The Auth API on the wire. Management rate limits are undocumented: no windows (a 429 still pauses every
 * request of this process to it; retries back off on 429 and 5xx, as the vendor's SDK does).
 */
export const AUTHAPI_WIRE = apiWire({
  name: "theauthapi",
  defaultUrl: "https://api.theauthapi.com",
  settings: vendorSettings("theauthapi", "AccessKey"),
  headers: (accessKey) => ({ "x-api-key": accessKey }),
  redaction: [
    /\b(live|test)_[A-Za-z0-9]{12,}/g, // generated keys
    /\b(x-api-key)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, // header dumps
  ],
});

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

export class AuthApiClient extends VendorClient {
  constructor(opts: ClientOptions) {
    super(AUTHAPI_WIRE, opts);
  }

  /** The project's shared listing for reads: active and revoked keys alike (no isActive filter). */
  private reads(projectId: string): ListServedReads<ApiKeyDto> {
    return listServedReadsFor<ApiKeyDto>(`${this.scope}:${projectId}`, {
      page: (n) => this.listPage({ projectId }, n),
      idOf: (k) => k.key,
      credential: this.credential,
    });
  }

  private remember(k: ApiKeyDto): ApiKeyDto {
    registerSecret(k.key);
    return k;
  }

  /** One page of matching keys (100 a page, by offset). */
  async listPage(filter: ListFilter, page: number): Promise<ListPage<ApiKeyDto>> {
    const items = await this.http.json(
      { method: "GET", route: ROUTE_KEYS, query: { ...filter, limit: PAGE, offset: (page - 1) * PAGE } },
      apiKeyListResponse(),
    );
    return { items: items.map((k) => this.remember(k)), more: items.length === PAGE };
  }

  /** The project's keys before this run's first write: from the preview's notes when it listed them. */
  async keysBefore(projectId: string): Promise<ApiKeyDto[]> {
    return (await this.reads(projectId).everything()).map((k) => this.remember(k));
  }

  /** Every matching key, following limit/offset. */
  async list(filter: ListFilter): Promise<ApiKeyDto[]> {
    return everyPage((n) => this.listPage(filter, n));
  }

  async create(body: CreateBody): Promise<ApiKeyDto> {
    if (body.key) registerSecret(body.key);
    return this.wrote(body.projectId, this.remember(await this.http.json({ method: "POST", route: ROUTE_KEYS, body }, apiKeyDtoSchema())));
  }

  /** Whether this access key sees the project at all (another project's or account's key gets 403). */
  async seesProject(projectId: string): Promise<boolean> {
    try {
      await this.listPage({ projectId }, 1);
      return true;
    } catch (e) {
      if (isScopeRefusal(e)) return false;
      throw e;
    }
  }

  /** The active key, or undefined on 404 (which the API also answers for a revoked key). */
  async get(key: string): Promise<ApiKeyDto | undefined> {
    const k = await unlessNotFound(this.http.json({ method: "GET", route: ROUTE_KEY, params: { key } }, apiKeyDtoSchema()));
    return k && this.remember(k);
  }

  /**
   * The key, active or revoked; undefined when it is gone. A 404 means revoked or gone, and only the list of
   * inactive keys tells which. Past a few reads, served from the project's listing (see list-served-reads.ts).
   */
  async read(projectId: string, key: string): Promise<ApiKeyDto | undefined> {
    return this.reads(projectId).read(key, async () => (await this.get(key)) ?? (await this.list({ projectId, isActive: false })).find((k) => k.key === key));
  }

  async update(projectId: string, key: string, body: UpdateBody): Promise<ApiKeyDto> {
    if (body.key) registerSecret(body.key);
    // A new custom key moves the key to another path: sent again to the old one, it would 404.
    const spec = { method: "PATCH" as const, route: ROUTE_KEY, params: { key }, body, idempotent: body.key === undefined };
    return this.wrote(projectId, this.remember(await this.http.json(spec, apiKeyDtoSchema())));
  }

  /** Revokes (soft-deletes) the key; false when it was not there to revoke. */
  async revoke(projectId: string, key: string): Promise<boolean> {
    return this.wrote(
      projectId,
      (await unlessNotFound(this.http.json({ method: "DELETE", route: ROUTE_KEY, params: { key } }, deleteResponse()).then(() => true))) ?? false,
    );
  }

  /** Reactivates a revoked key; an already-active key (409) is fine. */
  async reactivate(projectId: string, key: string): Promise<ApiKeyDto | undefined> {
    try {
      return this.wrote(
        projectId,
        this.remember(await this.http.json({ method: "PATCH", route: `${ROUTE_KEY}/reactivate`, params: { key } }, apiKeyDtoSchema())),
      );
    } catch (e) {
      if ((e as { code?: string }).code === "PAK_CONFLICT") return undefined;
      throw e;
    }
  }

  /** A new value with the same metadata; the old one stops at once. Not idempotent, never blindly retried. */
  async rotate(projectId: string, key: string): Promise<ApiKeyDto> {
    return this.wrote(projectId, this.remember(await this.http.json({ method: "POST", route: `${ROUTE_KEY}/rotate`, params: { key } }, apiKeyDtoSchema())));
  }

  /** Every write passes its result through here: a listing taken before it no longer holds. */
  private wrote<T>(projectId: string | undefined, result: T): T {
    if (projectId !== undefined) this.reads(projectId).invalidate();
    return result;
  }
}
