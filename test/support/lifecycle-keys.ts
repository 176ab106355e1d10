// The keys each resource's lifecycle test declares, in process and through the CLI alike.
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";

export const STATSIG_SERVER = {
  type: "SERVER",
  description: "backend server key",
  scopes: ["omni_read_only", "client_download_config_specs"],
  environments: ["production", "staging"],
  targetApp: "checkout",
  secondaryTargetApps: ["billing", "admin"],
};
export const STATSIG_CLIENT = { type: "CLIENT", description: "web client key", environments: ["production"] };

export const AUTHAPI_BILLING = {
  projectId: AUTHAPI_PROJECT,
  name: "billing service",
  customAccountId: "acct-42",
  customUserId: "user-7",
  customMetaData: { tier: "gold", limits: { daily: 1000 } },
  expiry: "2030-01-31",
  rateLimit: { limit: 100, ttlSeconds: 60 },
};
/** Console edits on every field of AUTHAPI_BILLING (the emulator's admin PATCH body). */
export const AUTHAPI_EDITED_BY_HAND = {
  name: "renamed",
  customAccountId: "acct-evil",
  customUserId: null,
  customMetaData: { tier: "free" },
  expiresAt: "2031-01-01T00:00:00.000Z",
  rateLimitConfigs: { rateLimit: 5, rateLimitTtl: 1 },
};
/** AUTHAPI_BILLING as the emulator holds it. */
export const AUTHAPI_BILLING_LIVE = {
  customAccountId: "acct-42",
  customUserId: "user-7",
  customMetaData: { tier: "gold", limits: { daily: 1000 } },
  expiresAt: "2030-01-31T00:00:00.000Z",
  rateLimitConfigs: { rateLimit: 100, rateLimitTtl: 60 },
};

export const BASIC_DEPLOYS = { projectId: BASIC_PROJECT, label: "ci deploys", roles: ["write", "read"] };
export const BASIC_READER = { projectId: BASIC_PROJECT, label: "dashboards", roles: ["read"] };
