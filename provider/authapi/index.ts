export { ApiKey, ApiKeyArgs } from "./resource";
export { AuthApiClient } from "./client";
