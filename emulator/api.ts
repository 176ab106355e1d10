// What each emulated vendor API provides to the server.
import { OpenApiDocument } from "./openapi-validator";
import { Store } from "./store";

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  principal: Principal;
  store: Store;
}

export interface Principal {
  credential: string;
  project: string | null; // null: account-level (must name a project per request)
  role: "admin" | "user" | "viewer";
  /** The account the credential belongs to, where the API has accounts: it sees that account's projects only. */
  account?: string;
}

export type Handler = (ctx: RequestContext) => Reply;

/** A call a running service makes with a managed key as its credential (not a key-management call). */
export interface ServiceRequest {
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  store: Store;
  /** When the call is made: what the key's last use becomes. */
  now: string;
}

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface EmulatedApi {
  /** Its name: its keys are `store.data[name]`, and `?api=<name>` picks it in the admin endpoints. */
  name: string;
  doc: OpenApiDocument;
  /** Which credential header this API uses, and the principals it accepts (a credential may itself be a key in the store). */
  authenticate(headers: Record<string, string | string[] | undefined>, store: Store): Principal | Reply;
  /**
   * What a real project holds before anyone runs this library: keys that are part of it (Statsig's
   * console credential) always, and unless `empty`, the keys a vendor or a person made long ago.
   */
  seed(store: Store, opts: { empty: boolean }): void;
  handlers: Record<string, Handler>; // "METHOD /template"
  error(status: number, message: string): Reply;
  rateLimits: RateWindow[];
  /** Out-of-band changes, as a person in the vendor's console would make them. */
  admin: Record<string, (store: Store, params: Record<string, string>, body: any) => Reply>;
  /**
   * What tests need to use it: the credential of the example project's admin, the field that names a
   * stored key, whether a stored key still works, and the call a service makes holding a key's value.
   */
  testing: {
    credential: string;
    idField: string;
    isLive?(key: any): boolean;
    serviceCall?(value: string): { method: string; path: string; headers: Record<string, string> };
  };
  /**
   * The calls a service makes with a managed key ("METHOD /template"): each authenticates the key itself
   * and records its last use. No rate limit or injected fault applies: they are not management calls.
   */
  services: Record<string, (req: ServiceRequest) => Reply>;
  /** What `npm run emulator` prints for it: the settings that point the package at this URL. */
  usage(url: string): string;
}
