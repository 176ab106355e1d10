// The programs the benchmarks run, and the floors ours is measured against. Shared with the reliability
// suite's rate-limit test, which holds 300 creates to the same rate-limit floor.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../test/support/pulumi-project";
import { STATSIG } from "../provider/statsig/definition";
import { dynamicTypeOf } from "../provider/core/vendor";
import { dynamicOptions, dynamicProperties } from "../provider/core/dynamic-resource";
import { STATSIG_CONSOLE_KEY } from "../emulator/apis/statsig";
import { MemoryStatsig } from "./memory-transport";

/** The endpoint the in-memory floor's projects are configured with: its transport answers every origin. */
export const MEMORY_URL = "http://statsig.memory.invalid";

/**
 * The in-memory floor's vendor for one project: a fresh store, seeded as Statsig creates a project, and the
 * environment that puts bench/memory-transport.ts in every Node process of the project (bench/memory-preload.ts).
 */
export function memoryVendor(tag: string): { store: string; env: Record<string, string> } {
  const store = path.join(os.tmpdir(), `pak-bench-store-${tag}-${process.pid}.log`);
  fs.rmSync(store, { force: true });
  new MemoryStatsig(store).seed(STATSIG_CONSOLE_KEY);
  return {
    store,
    env: {
      PAK_BENCH_MEMORY_STORE: store,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(REPO_ROOT, "dist/bench/memory-preload.js")}`.trim(),
    },
  };
}

/**
 * The shape ours gives a Statsig key in a program, from what `statsig.Key` itself passes (so the floor
 * cannot drift from it): the type token, the computed outputs as placeholders (the SDK makes four
 * promises, each with a stack trace, per property), and the outputs kept secret.
 */
export const STATSIG_SHAPE = {
  type: dynamicTypeOf(STATSIG),
  placeholders: Object.keys(dynamicProperties(STATSIG.fields, {}, "")).filter((k) => k !== "__provider"),
  secretOutputs: dynamicOptions(STATSIG.fields, undefined).additionalSecretOutputs ?? [],
};

/** The no-op provider as the floors' state stores it: a `require` of its file (see bench/noop-provider.ts). */
const noopProviderSource = `exports.handler = () => require(${JSON.stringify(path.join(REPO_ROOT, "dist/bench/noop-provider.js"))}).provider;\n`;

export const floorProgram = `
const pulumi = require("@pulumi/pulumi");
const cfg = new pulumi.Config();
const n = cfg.requireNumber("n"), changed = cfg.getNumber("changed") || 0, round = cfg.get("round") || "";
// The floor: a dynamic provider that makes no HTTP call, over resources of ours' shape (STATSIG_SHAPE).
class Noop extends pulumi.CustomResource {
  constructor(name, args) {
    const outputs = {};
    for (const k of ${JSON.stringify(STATSIG_SHAPE.placeholders)}) outputs[k] = undefined;
    super(${JSON.stringify(STATSIG_SHAPE.type)}, name, { ...outputs, ...args, __provider: ${JSON.stringify(noopProviderSource)} }, { additionalSecretOutputs: ${JSON.stringify(STATSIG_SHAPE.secretOutputs)} });
  }
}
for (let i = 0; i < n; i++) new Noop("k" + i, { type: "SERVER", description: "key " + i + (i < changed ? " v" + round : ""), scopes: ["omni_read_only"], environments: ["production"] });
`;

export const keysProgram = `
const pulumi = require("@pulumi/pulumi");
const { statsig } = require("pulumi-api-keys");
const cfg = new pulumi.Config();
const n = cfg.requireNumber("n"), changed = cfg.getNumber("changed") || 0, round = cfg.get("round") || "";
for (let i = 0; i < n; i++) new statsig.Key("k" + i, { type: "SERVER", description: "key " + i + (i < changed ? " v" + round : ""), scopes: ["omni_read_only"], environments: ["production"] });
`;
