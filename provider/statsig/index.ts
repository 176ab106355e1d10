export { Key, type KeyArgs, type KeyType, type Scope } from "./resource";
