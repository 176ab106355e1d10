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

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface EmulatedApi {
  name: "statsig" | "basic" | "authapi";
  doc: OpenApiDocument;
  /** Which credential header this API uses, and the principals it accepts. */
  authenticate(headers: Record<string, string | string[] | undefined>): Principal | Reply;
  handlers: Record<string, Handler>; // "METHOD /template"
  error(status: number, message: string): Reply;
  rateLimits: RateWindow[];
  /** Out-of-band changes, as a person in the vendor's console would make them. */
  admin: Record<string, (store: Store, params: Record<string, string>, body: any) => Reply>;
}
