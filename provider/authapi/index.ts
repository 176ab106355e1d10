export { ApiKey, type ApiKeyArgs } from "./resource";
