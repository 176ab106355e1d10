// 50+ distinct invalid inputs across the three resources: `pulumi preview` must reject each one,
// naming the resource, the field and the rule, with zero API calls. The engine stops at the first
// failing resource, so each case gets its own preview (four at a time, on separate stacks).
import * as fs from "node:fs";
import { AUTHAPI_PROJECT, authApiCredentials } from "../../emulator/apis/authapi";
import { BASIC_PROJECT, BASIC_TOKEN } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { makeProject, PulumiProject } from "./harness";

const S = { type: "SERVER", description: "ok" };
const B = { projectId: BASIC_PROJECT, label: "ok", roles: ["read"] };
const A = { projectId: AUTHAPI_PROJECT, name: "ok" };

// [api, args, field, reason]
const CASES: Array<[string, Record<string, unknown>, string, string]> = [
  ["statsig", { description: "x" }, "type", "is required"],
  ["statsig", { type: "SERVER" }, "description", "is required"],
  ["statsig", { ...S, type: "PUBLIC" }, "type", "must be one of SERVER"],
  ["statsig", { ...S, type: "server" }, "type", "must be one of SERVER"],
  ["statsig", { ...S, type: 1 }, "type", "must be one of SERVER"],
  ["statsig", { ...S, description: "" }, "description", "must not be empty"],
  ["statsig", { ...S, description: "d".repeat(1001) }, "description", "at most 1000 characters"],
  ["statsig", { ...S, description: 42 }, "description", "must be a string"],
  ["statsig", { ...S, scopes: ["read_all"] }, "scopes[0]", "must be one of omni_read_only"],
  ["statsig", { ...S, scopes: "omni_read_only" }, "scopes", "must be a list"],
  ["statsig", { ...S, scopes: ["omni_read_only", "omni_read_only"] }, "scopes[1]", "duplicate value"],
  ["statsig", { ...S, scopes: [7] }, "scopes[0]", "must be one of"],
  ["statsig", { ...S, environments: [""] }, "environments[0]", "must not be empty"],
  ["statsig", { ...S, environments: ["prod", "prod"] }, "environments[1]", "duplicate value"],
  ["statsig", { ...S, environments: [" prod"] }, "environments[0]", "must not start or end with spaces"],
  ["statsig", { ...S, environments: { prod: true } }, "environments", "must be a list"],
  ["statsig", { ...S, targetApp: "" }, "targetApp", "must not be empty"],
  ["statsig", { ...S, targetApp: 3 }, "targetApp", "must be a string"],
  ["statsig", { ...S, secondaryTargetApps: ["a", "a"] }, "secondaryTargetApps[1]", "duplicate value"],
  ["statsig", { ...S, targetApp: "a", secondaryTargetApps: ["a"] }, "secondaryTargetApps", "must not repeat targetApp"],
  ["statsig", { ...S, active: "no" }, "active", "must be true or false"],
  ["statsig", { ...S, rotation: "" }, "rotation", "must not be empty"],
  ["statsig", { ...S, rotation: 5 }, "rotation", "must be a string"],
  ["statsig", { ...S, colour: "blue" }, "colour", "unknown input"],
  ["statsig", { ...S, targetAppID: "a" }, "targetAppID", "unknown input"],
  ["basic", { label: "x", roles: ["read"] }, "projectId", "is required"],
  ["basic", { ...B, projectId: "project-1" }, "projectId", "must be a project UUID"],
  ["basic", { ...B, projectId: "" }, "projectId", "must be a project UUID"],
  ["basic", { projectId: BASIC_PROJECT, roles: ["read"] }, "label", "is required"],
  ["basic", { ...B, label: "" }, "label", "must not be empty"],
  ["basic", { ...B, label: "l".repeat(201) }, "label", "at most 200 characters"],
  ["basic", { ...B, label: "padded " }, "label", "must not start or end with spaces"],
  ["basic", { projectId: BASIC_PROJECT, label: "x" }, "roles", "is required"],
  ["basic", { ...B, roles: [] }, "roles", "at least one permission"],
  ["basic", { ...B, roles: "read,write" }, "roles", "must be a list"],
  ["basic", { ...B, roles: ["read,write"] }, "roles[0]", "no commas or spaces"],
  ["basic", { ...B, roles: ["read write"] }, "roles[0]", "no commas or spaces"],
  ["basic", { ...B, roles: ["read", "read"] }, "roles[1]", "duplicate value"],
  ["basic", { ...B, roles: [""] }, "roles[0]", "must not be empty"],
  ["basic", { ...B, value: "bsk_x" }, "value", "unknown input"],
  ["authapi", { name: "x" }, "projectId", "is required"],
  ["authapi", { projectId: AUTHAPI_PROJECT }, "name", "is required"],
  ["authapi", { ...A, name: "" }, "name", "must not be empty"],
  ["authapi", { ...A, name: "n".repeat(256) }, "name", "at most 255 characters"],
  ["authapi", { ...A, expiry: "tomorrow" }, "expiry", "must be an ISO 8601 date"],
  ["authapi", { ...A, expiry: "2027-01-31 10:00" }, "expiry", "must be an ISO 8601 date"],
  ["authapi", { ...A, expiry: "2027-01-31T10:00:00" }, "expiry", "must be an ISO 8601 date"],
  ["authapi", { ...A, expiry: "2027-13-01" }, "expiry", "is not a real date"],
  ["authapi", { ...A, expiry: "2027-02-30" }, "expiry", "is not a real date"],
  ["authapi", { ...A, expiry: "2020-01-31" }, "expiry", "is in the past"],
  ["authapi", { ...A, expiry: 1767225600 }, "expiry", "must be an ISO 8601"],
  ["authapi", { ...A, rateLimit: { limit: 0, ttlSeconds: 60 } }, "rateLimit.limit", "greater than 0"],
  ["authapi", { ...A, rateLimit: { limit: 2.5, ttlSeconds: 60 } }, "rateLimit.limit", "whole number"],
  ["authapi", { ...A, rateLimit: { limit: 10 } }, "rateLimit.ttlSeconds", "is required"],
  ["authapi", { ...A, rateLimit: { limit: 10, ttlSeconds: 60, burst: 5 } }, "rateLimit.burst", "unknown input"],
  ["authapi", { ...A, rateLimit: 10 }, "rateLimit", "must be an object"],
  ["authapi", { ...A, customMetaData: "gold" }, "customMetaData", "must be an object"],
  ["authapi", { ...A, customMetaData: ["gold"] }, "customMetaData", "must be an object"],
  ["authapi", { ...A, customAccountId: "" }, "customAccountId", "must not be empty"],
  ["authapi", { ...A, customUserId: 5 }, "customUserId", "must be a string"],
  ["authapi", { ...A, customKey: "short" }, "customKey", "at least 8 characters"],
  ["authapi", { ...A, customKey: "has a space" }, "customKey", "must not contain spaces"],
  ["authapi", { ...A, customKey: "long-enough-value", rotation: "1" }, "rotation", "conflicts with customKey"],
  ["authapi", { ...A, active: 1 }, "active", "must be true or false"],
  ["authapi", { ...A, env: "test" }, "env", "unknown input"],
];

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, basic, authapi } = require("pulumi-api-keys");
const ctor = { statsig: statsig.Key, basic: basic.ProjectKey, authapi: authapi.ApiKey };
const i = Number(process.env.BAD_CASE);
const [api, args] = JSON.parse(new pulumi.Config().require("cases"))[i];
new ctor[api]("bad" + i, args);
`;

describe("bad input is rejected at preview", () => {
  jest.setTimeout(300_000);
  let emulator: Emulator;
  const WORKERS = 4;
  const stacks: PulumiProject[] = [];

  beforeAll(async () => {
    emulator = createEmulator({ port: 0 });
    const url = await emulator.start();
    const first = makeProject("bad-input", { "index.js": program });
    for (let w = 0; w < WORKERS; w++) stacks.push(w === 0 ? first : new PulumiProject(first.dir, `s${w}`));
    await Promise.all(
      stacks.map((project) =>
        project.init(
          {
            "pulumi-api-keys:statsigApiUrl": url,
            "pulumi-api-keys:basicApiUrl": url,
            "pulumi-api-keys:theauthapiApiUrl": url,
            cases: JSON.stringify(CASES.map(([api, args]) => [api, args])),
          },
          {
            "pulumi-api-keys:statsigConsoleApiKey": STATSIG_CONSOLE_KEY,
            "pulumi-api-keys:basicApiToken": BASIC_TOKEN,
            "pulumi-api-keys:theauthapiAccessKey": authApiCredentials().admin,
          },
        ),
      ),
    );
  });
  afterAll(async () => {
    await emulator?.stop();
    if (stacks[0]) fs.rmSync(stacks[0].dir, { recursive: true, force: true });
  });

  test(`${CASES.length} distinct invalid inputs`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(CASES.map(([api, args]) => api + JSON.stringify(args))).size).toBe(CASES.length);
  });

  // One test per API: each preview costs seconds of CLI time, and each group gets its own budget.
  test.each(["statsig", "basic", "authapi"])("every invalid %s input is named at preview, zero API calls", async (api) => {
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const missing: string[] = [];
    const queue = CASES.map((c, i) => [c, i] as const).filter(([c]) => c[0] === api);
    expect(queue.length).toBeGreaterThanOrEqual(10);
    let next = 0;
    await Promise.all(
      stacks.map(async (project) => {
        for (let q = next++; q < queue.length; q = next++) {
          const [[, , field, reason], i] = queue[q]!;
          const r = await project.run(["preview"], { env: { BAD_CASE: String(i) } });
          const re = new RegExp(`'bad${i}' has a problem: ${esc(field)}: [^\\n]*${esc(reason)}`);
          // The engine prints an input's value beside a failure that names a property; ours never do.
          if (r.code === 0 || !re.test(r.stdout + r.stderr) || /property \S+ value/.test(r.stdout + r.stderr))
            missing.push(
              `bad${i}: ${field}: ${reason}\n${(r.stdout + r.stderr)
                .split("\n")
                .filter((l) => /error/.test(l))
                .slice(0, 2)
                .join("\n")}`,
            );
        }
      }),
    );
    expect(missing).toEqual([]);
    expect(emulator.log).toHaveLength(0);
  });
});
