// Typed calls for every Statsig Console API key endpoint. No Pulumi here: the drift command uses it too.
import { vendorSettings } from "../core/config";
import { apiWire, ClientOptions, VendorClient } from "../core/connection";
import { unlessNotFound } from "../core/http";
import { everyPage, ListPage, ListServedReads, listServedReadsFor } from "../core/list-served-reads";
import { fingerprint, registerSecret } from "../core/redact";
import { CreateBody, KeyDto, keyListResponse, messageResponse, singleKeyResponse, UpdateBody } from "./schema";

/**
 * Statsig on the wire: the console key and the API version in headers, and the documented windows,
 * ~100 requests / 10 s and ~900 / 15 min per project (counted from each answer: core/rate-limit.ts).
 */
export const STATSIG_WIRE = apiWire({
  name: "statsig",
  defaultUrl: "https://statsigapi.net",
  settings: vendorSettings("statsig", "ConsoleApiKey"),
  headers: (consoleKey) => ({ "STATSIG-API-KEY": consoleKey, "STATSIG-API-VERSION": "20240601" }),
  windows: [
    { limit: 100, windowMs: 10_000 },
    { limit: 900, windowMs: 15 * 60_000 },
  ],
  redaction: [
    /\b(secret|client|console|scim|org)-[A-Za-z0-9_-]{6,}/g, // key values
    /\b(statsig-api-key)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, // header dumps
  ],
});

export interface ListFilter {
  primaryTargetApp?: string;
  environment?: string;
}

const ROUTE_KEYS = "/console/v1/keys";
const ROUTE_KEY = "/console/v1/keys/{id}";

export class StatsigClient extends VendorClient {
  private readonly reads: ListServedReads<KeyDto>;
  /** A fingerprint of the console key in use: state records which credential last saw each key. */
  readonly credentialFingerprint: string;

  constructor(opts: ClientOptions) {
    super(STATSIG_WIRE, opts);
    this.credentialFingerprint = fingerprint(opts.credential);
    this.reads = listServedReadsFor<KeyDto>(this.scope, {
      page: (n) => this.listPage(n),
      idOf: (k) => k.key ?? undefined,
      credential: opts.credential,
      spent: (calls, at) => this.limiter?.noteAnswered(calls, at),
    });
  }

  private remember(dto: KeyDto): KeyDto {
    registerSecret(dto.key);
    return dto;
  }

  /** One page of keys (100 a page). */
  async listPage(page: number, filter: ListFilter = {}): Promise<ListPage<KeyDto>> {
    const r = await this.http.json({ method: "GET", route: ROUTE_KEYS, query: { limit: 100, page, ...filter } }, keyListResponse());
    const total = r.pagination?.totalItems;
    return { items: r.data.map((d) => this.remember(d)), more: !!r.pagination?.nextPage, pages: total === undefined ? undefined : Math.ceil(total / 100) };
  }

  /** Every key before this run's first write: from the preview's notes when it listed them (see ListServedReads.everything). */
  async keysBefore(): Promise<KeyDto[]> {
    return (await this.reads.everything()).map((d) => this.remember(d));
  }

  /** Every key, following pagination. */
  async list(filter: ListFilter = {}): Promise<KeyDto[]> {
    return everyPage((n) => this.listPage(n, filter));
  }

  async create(body: CreateBody): Promise<KeyDto> {
    return this.wrote(this.remember((await this.http.json({ method: "POST", route: ROUTE_KEYS, body }, singleKeyResponse())).data));
  }

  /** The key, or undefined when the API says it does not exist. */
  async get(key: string): Promise<KeyDto | undefined> {
    const r = await unlessNotFound(this.http.json({ method: "GET", route: ROUTE_KEY, params: { id: key } }, singleKeyResponse()));
    return r && this.remember(r.data);
  }

  /**
   * Whether the project this credential sees is the one where a console key with this fingerprint
   * lives (or is that key): Statsig lists a project's console keys among its keys.
   */
  async seesProjectOf(credentialFingerprint: string): Promise<boolean> {
    return credentialFingerprint === this.credentialFingerprint || (await this.list()).some((k) => k.key && fingerprint(k.key) === credentialFingerprint);
  }

  /** As `get`, but one of many: past a few reads, served from one shared listing (see list-served-reads.ts). */
  async read(key: string): Promise<KeyDto | undefined> {
    return this.reads.read(key, () => this.get(key));
  }

  /** PATCH the given fields. The response is not trusted as the new state (its documented example is request-shaped). */
  async update(key: string, body: UpdateBody): Promise<void> {
    this.wrote(await this.http.send({ method: "PATCH", route: ROUTE_KEY, params: { id: key }, body }));
  }

  /** Deletes the key; false when it was already gone. */
  async delete(key: string): Promise<boolean> {
    const r = await unlessNotFound(this.http.json({ method: "DELETE", route: ROUTE_KEY, params: { id: key } }, messageResponse()).then(() => true));
    return this.wrote(r ?? false);
  }

  /** A new secret for the same key; the old value stops working. Never retried blindly: a repeat would rotate twice. */
  async rotate(key: string): Promise<KeyDto> {
    const r = await this.http.json({ method: "PATCH", route: `${ROUTE_KEY}/rotate`, params: { id: key }, idempotent: false }, singleKeyResponse());
    return this.wrote(this.remember(r.data));
  }

  async deactivate(key: string): Promise<void> {
    this.wrote(await this.http.json({ method: "PATCH", route: `${ROUTE_KEY}/deactivate`, params: { id: key } }, messageResponse()));
  }

  /** Takes a previous value out of service the vendor's way: deactivated, then deleted. Already gone is done. */
  async retire(key: string): Promise<void> {
    if ((await unlessNotFound(this.deactivate(key).then(() => true))) === undefined) return;
    await this.delete(key);
  }

  /** Every write passes its result through here: a listing taken before it no longer holds. */
  private wrote<T>(result: T): T {
    this.reads.invalidate();
    return result;
  }
}
