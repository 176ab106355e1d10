// Errors as data: every failure has a stable `code` that callers (the CLI's exit code, tests, users'
// scripts) can match on, and a `kind` that keeps "your input is wrong" apart from "the API failed"
// and "we have a bug". Messages pass through `redact` so no credential or key value is ever shown.
import { redact } from "./redact";

export type ErrorKind = "user" | "api" | "bug";

export type ErrorCode =
  | "PAK_INVALID_INPUT" // the declared resource is invalid (names the field)
  | "PAK_MISSING_CREDENTIALS" // no credential in stack config or environment
  | "PAK_UNAUTHORIZED" // 401: the credential was refused
  | "PAK_FORBIDDEN" // 403: the credential lacks a scope or role
  | "PAK_NOT_FOUND" // 404 where the key was expected to exist
  | "PAK_CONFLICT" // 409
  | "PAK_REJECTED" // 400 from the API: it refused the request
  | "PAK_RATE_LIMITED" // 429 after every retry
  | "PAK_SERVER_ERROR" // 5xx after every retry
  | "PAK_NETWORK" // connection refused/reset after every retry
  | "PAK_TIMEOUT" // no answer in time after every retry
  | "PAK_BAD_RESPONSE" // the API answered with something the documented schema does not allow
  | "PAK_AMBIGUOUS_CREATE" // a create may or may not have happened; see the message
  | "PAK_UNSETTLED_WRITE" // a rotate's or custom key change's outcome could not be found out; the key stays in state
  | "PAK_WRONG_SCOPE" // the credential sees another project or account than the key's
  | "PAK_PLUGIN_PLATFORM" // install-plugin: a platform that has no release, or not this machine's
  | "PAK_PLUGIN_ARCHIVE" // install-plugin: the release has no such archive, or no checksums file
  | "PAK_PLUGIN_CHECKSUM" // install-plugin: the archive does not match the release's checksum
  | "PAK_INTERNAL"; // a bug in pulumi-api-keys

export class ApiKeysError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  constructor(code: ErrorCode, kind: ErrorKind, message: string) {
    super(redact(message));
    this.name = "ApiKeysError";
    this.code = code;
    this.kind = kind;
  }
}

/** The declared inputs are wrong; `property` is the input's name as the user wrote it. */
export class InputError extends ApiKeysError {
  constructor(
    readonly property: string,
    readonly reason: string,
  ) {
    super("PAK_INVALID_INPUT", "user", `${property}: ${reason}`);
    this.name = "InputError";
  }
}

export class CredentialsError extends ApiKeysError {
  constructor(message: string) {
    super("PAK_MISSING_CREDENTIALS", "user", message);
    this.name = "CredentialsError";
  }
}

/** What an HTTP call was: the API, the method and the path *template* (never the filled-in path). */
export interface Operation {
  api: string;
  method: string;
  route: string;
}

export function describeOp(op: Operation): string {
  return `${op.api} ${op.method} ${op.route}`;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "PAK_REJECTED",
  401: "PAK_UNAUTHORIZED",
  403: "PAK_FORBIDDEN",
  404: "PAK_NOT_FOUND",
  409: "PAK_CONFLICT",
  422: "PAK_REJECTED",
  429: "PAK_RATE_LIMITED",
};

/** The API answered with a status that is not success. */
export class HttpStatusError extends ApiKeysError {
  constructor(
    readonly op: Operation,
    readonly status: number,
    readonly apiMessage: string,
    readonly attempts = 1,
    credential?: string,
  ) {
    const code = STATUS_CODES[status] ?? (status >= 500 ? "PAK_SERVER_ERROR" : "PAK_REJECTED");
    const kind: ErrorKind = status === 400 || status === 401 || status === 403 || status === 422 ? "user" : "api";
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    const todo =
      credential && status === 401
        ? `. The API refused the credential: set a valid one in ${credential}`
        : credential && status === 403
          ? `. The credential in ${credential} is valid but lacks the permission for this call`
          : "";
    const said = (apiMessage || "(no message)").replace(/\.+$/, ""); // the advice that follows brings its own full stop
    super(code, kind, `${describeOp(op)} failed with HTTP ${status}${tries}: ${said}${todo}`);
    this.name = "HttpStatusError";
  }
}

/** The request never got an answer: connection refused or reset, or a timeout. */
export class TransportError extends ApiKeysError {
  constructor(
    readonly op: Operation,
    readonly detail: string,
    timeout: boolean,
    readonly attempts = 1,
  ) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    super(timeout ? "PAK_TIMEOUT" : "PAK_NETWORK", "api", `${describeOp(op)} ${timeout ? "timed out" : "failed"}${tries}: ${detail}`);
    this.name = "TransportError";
  }
}

/** The API answered 2xx with a body its documented schema does not allow. */
export class BadResponseError extends ApiKeysError {
  constructor(
    readonly op: Operation,
    detail: string,
  ) {
    super("PAK_BAD_RESPONSE", "api", `${describeOp(op)} returned an unexpected body: ${detail}`);
    this.name = "BadResponseError";
  }
}

/**
 * A managed key is not visible, and neither is the project or account it was created in: the
 * credential belongs elsewhere. Never read as "the key was deleted".
 */
export class WrongScopeError extends ApiKeysError {
  constructor(what: string, credential: string, scope: string) {
    super(
      "PAK_WRONG_SCOPE",
      "user",
      `${what} is not visible with the credential in ${credential}, and neither is the ${scope} it was created in: ` +
        `that credential belongs to another ${scope}. Nothing was changed. Set ${credential} back to a credential of the key's ${scope}; ` +
        `if that whole ${scope} was deleted, remove the key from state with \`pulumi state delete <urn>\`.`,
    );
    this.name = "WrongScopeError";
  }
}

export class AmbiguousCreateError extends ApiKeysError {
  constructor(message: string) {
    super("PAK_AMBIGUOUS_CREATE", "api", message);
    this.name = "AmbiguousCreateError";
  }
}

/** `install-plugin --from`: the platform, archive or checksum is wrong; nothing was installed. */
export class PluginInstallError extends ApiKeysError {
  constructor(code: "PAK_PLUGIN_PLATFORM" | "PAK_PLUGIN_ARCHIVE" | "PAK_PLUGIN_CHECKSUM", message: string) {
    super(code, "user", `${message}; nothing was installed`);
    this.name = "PluginInstallError";
  }
}

export class InternalError extends ApiKeysError {
  constructor(message: string) {
    super("PAK_INTERNAL", "bug", `internal error in pulumi-api-keys (please report it): ${message}`);
    this.name = "InternalError";
  }
}

/** Wraps anything thrown into an ApiKeysError, redacting its message. */
export function asApiKeysError(e: unknown): ApiKeysError {
  if (e instanceof ApiKeysError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new InternalError(msg);
}
