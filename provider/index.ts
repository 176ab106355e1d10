// The public surface: resource classes and their Args, per API.
export * as statsig from "./statsig";
export { ApiKeysError, ErrorCode } from "./core/errors";
