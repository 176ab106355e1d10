export { Key, KeyArgs, KeyType, Scope } from "./resource";
export { StatsigClient } from "./client";
