// Valid credentials of another project or account, per API: what the stack was made with (right),
// what it then runs with (wrong), and the two keys it manages. Shared by the in-process test of every
// case (test/unit/foreign-credentials.test.ts) and the CLI test of one (test/e2e/foreign-credentials.test.ts).
import { AUTHAPI_PROJECT, authApiCredentials } from "../../emulator/apis/authapi";
import { BASIC_PROJECT, BASIC_TOKEN, BASIC_TOKEN_B } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY, STATSIG_CONSOLE_KEY_B } from "../../emulator/apis/statsig";
import type { Declared } from "./provider-engine";

const creds = authApiCredentials();
const authapiKeys: Record<string, Declared> = {
  a: { api: "authapi", args: { projectId: AUTHAPI_PROJECT, name: "a" } },
  b: { api: "authapi", args: { projectId: AUTHAPI_PROJECT, name: "b" } },
};

export const FOREIGN_CREDENTIALS: Array<{ label: string; setting: string; right: string; wrong: string; keys: Record<string, Declared> }> = [
  {
    label: "a Statsig console key of another project",
    setting: "pulumi-api-keys:statsigConsoleApiKey",
    right: STATSIG_CONSOLE_KEY,
    wrong: STATSIG_CONSOLE_KEY_B,
    keys: {
      a: { api: "statsig", args: { type: "SERVER", description: "a" } },
      b: { api: "statsig", args: { type: "CLIENT", description: "b" } },
    },
  },
  {
    label: "a Basic token of another account",
    setting: "pulumi-api-keys:basicApiToken",
    right: BASIC_TOKEN,
    wrong: BASIC_TOKEN_B,
    keys: {
      a: { api: "basic", args: { projectId: BASIC_PROJECT, label: "a", roles: ["read"] } },
      b: { api: "basic", args: { projectId: BASIC_PROJECT, label: "b", roles: ["read"] } },
    },
  },
  {
    label: "an Auth API key of another project",
    setting: "pulumi-api-keys:theauthapiAccessKey",
    right: creds.admin,
    wrong: creds.otherProjectUser,
    keys: authapiKeys,
  },
  {
    label: "an Auth API key of another account",
    setting: "pulumi-api-keys:theauthapiAccessKey",
    right: creds.admin,
    wrong: creds.otherAccountAdmin,
    keys: authapiKeys,
  },
];
