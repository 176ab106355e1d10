// Typed calls for every Basic Admin API project-key endpoint. No Pulumi here.
import { vendorSettings } from "../core/config";
import { apiWire, ClientOptions, VendorClient } from "../core/connection";
import { isScopeRefusal, unlessNotFound } from "../core/http";
import { ListServedReads, listServedReadsFor } from "../core/list-served-reads";
import { registerSecret } from "../core/redact";
import { createdKeyResponse, keyListResponse, keyResponse, KeySummary, messageResponse, UpdateBody, updatedKeyResponse } from "./schema";

/** Basic on the wire. No documented rate limit: no windows (a 429 still pauses every request of this process to it). */
export const BASIC_WIRE = apiWire({
  name: "basic",
  defaultUrl: "https://api.basic.tech",
  settings: vendorSettings("basic", "ApiToken"),
  headers: (token) => ({ Authorization: `Bearer ${token}` }),
  redaction: [], // none of its own: its token travels as a bearer header, which core removes
});

const ROUTE_KEYS = "/project/{id}/key";
const ROUTE_KEY = "/project/{id}/key/{key_id}";

export class BasicClient extends VendorClient {
  constructor(opts: ClientOptions) {
    super(BASIC_WIRE, opts);
  }

  /** The project's shared listing for reads: the list endpoint returns every key of a project at once. */
  private reads(projectId: string): ListServedReads<KeySummary> {
    return listServedReadsFor<KeySummary>(`${this.scope}:${projectId}`, {
      page: async () => ({ items: await this.list(projectId), more: false }),
      idOf: (k) => k.id,
      credential: this.credential,
    });
  }

  /** The project's keys before this run's first write: from the preview's notes when it listed them. */
  async keysBefore(projectId: string): Promise<KeySummary[]> {
    return this.reads(projectId).everything();
  }

  async list(projectId: string): Promise<KeySummary[]> {
    return (await this.http.json({ method: "GET", route: ROUTE_KEYS, params: { id: projectId } }, keyListResponse())).data;
  }

  /** The only call that returns the secret value. */
  async create(projectId: string, label: string, roles: string) {
    const r = await this.http.json({ method: "POST", route: ROUTE_KEYS, params: { id: projectId }, body: { label, roles } }, createdKeyResponse());
    registerSecret(r.key.value);
    return this.wrote(projectId, r.key);
  }

  /** Whether this token sees the project at all (a token of another account gets 404 or 403). */
  async seesProject(projectId: string): Promise<boolean> {
    try {
      await this.list(projectId);
      return true;
    } catch (e) {
      if (isScopeRefusal(e)) return false;
      throw e;
    }
  }

  async get(projectId: string, keyId: string) {
    return (await unlessNotFound(this.http.json({ method: "GET", route: ROUTE_KEY, params: { id: projectId, key_id: keyId } }, keyResponse())))?.key;
  }

  /** As `get`, but one of many: past a few reads, served from the project's listing (see list-served-reads.ts). */
  async read(projectId: string, keyId: string): Promise<{ label: string; roles: string } | undefined> {
    return this.reads(projectId).read(keyId, () => this.get(projectId, keyId));
  }

  async update(projectId: string, keyId: string, body: UpdateBody) {
    return this.wrote(
      projectId,
      (await this.http.json({ method: "PATCH", route: ROUTE_KEY, params: { id: projectId, key_id: keyId }, body }, updatedKeyResponse())).key,
    );
  }

  /** Deletes the key; false when it was already gone. */
  async delete(projectId: string, keyId: string): Promise<boolean> {
    const r = await unlessNotFound(
      this.http.json({ method: "DELETE", route: ROUTE_KEY, params: { id: projectId, key_id: keyId } }, messageResponse()).then(() => true),
    );
    return this.wrote(projectId, r ?? false);
  }

  /** Every write passes its result through here: a listing taken before it no longer holds. */
  private wrote<T>(projectId: string, result: T): T {
    this.reads(projectId).invalidate();
    return result;
  }
}
