export { ApiKey, ApiKeyArgs } from "./resource";
