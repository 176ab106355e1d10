// The programs the benchmarks run, and the floors ours is measured against. Shared with the reliability
// suite's rate-limit test, which holds 300 creates to the same rate-limit floor.

import * as path from "node:path";
import { REPO_ROOT } from "../test/support/pulumi-project";

/** The no-op provider as the floors' state stores it: a `require` of its file (see bench/noop-provider.ts). */
const noopProviderSource = `exports.handler = () => require(${JSON.stringify(path.join(REPO_ROOT, "dist/bench/noop-provider.js"))}).provider;\n`;

export const floorProgram = `
const pulumi = require("@pulumi/pulumi");
const cfg = new pulumi.Config();
const n = cfg.requireNumber("n"), changed = cfg.getNumber("changed") || 0, round = cfg.get("round") || "";
// The floor: a dynamic provider that makes no HTTP call, over resources of the same shape as ours: the
// same output placeholders (the SDK makes four promises, each with a stack trace, per property).
class Noop extends pulumi.CustomResource {
  constructor(name, args) {
    const outputs = { key: undefined, keyFingerprint: undefined, status: undefined, rotatedAt: undefined };
    super("pulumi-nodejs:dynamic:Resource", name, { ...outputs, ...args, __provider: ${JSON.stringify(noopProviderSource)} }, { additionalSecretOutputs: ["key"] });
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
