export { Key, KeyArgs, KeyType, Scope } from "./resource";
