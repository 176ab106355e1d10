// The names of the three APIs, with no dependencies: public types refer to these, and the registry
// (registry.ts) says everything else about each API.
export const APIS = ["statsig", "basic", "authapi"] as const;
export type Api = (typeof APIS)[number];
