// The public surface: resource classes and their Args, per API.
export * as statsig from "./statsig";
export * as basic from "./basic";
export * as authapi from "./authapi";
export * as drift from "./drift";
export { declareKeys, resolveKeys, type KeysSource, type DeclaredResources } from "./declarative";
export { ApiKeysError, type ErrorCode } from "./core/errors";
