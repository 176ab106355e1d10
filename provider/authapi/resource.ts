// `authapi.ApiKey`: a key of The Auth API as a Pulumi resource.
import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceArgs, RotationPolicyArgs } from "../core/dynamic-resource";
import { AUTHAPI } from "./definition";
import provider = require("./provider");

export interface ApiKeyArgs extends RotationPolicyArgs {
  /** The project the key belongs to. Changing it replaces the key. */
  projectId: pulumi.Input<string>;
  name: pulumi.Input<string>;
  customAccountId?: pulumi.Input<string>;
  customUserId?: pulumi.Input<string>;
  /** Any JSON object; drift is compared structurally (key order never matters). */
  customMetaData?: pulumi.Input<Record<string, unknown>>;
  /** ISO 8601 (2027-01-31 or 2027-01-31T00:00:00Z). Removing it sends `expiry: null` (never expires). */
  expiry?: pulumi.Input<string>;
  /** Requests allowed per ttlSeconds. Removing it clears the limit. */
  rateLimit?: pulumi.Input<{ limit: pulumi.Input<number>; ttlSeconds: pulumi.Input<number> }>;
  /** Your own key value instead of a generated one (stored as a secret). Changing it changes the value in place. */
  customKey?: pulumi.Input<string>;
  /** Any string; changing it rotates the value in place (POST …/rotate). Conflicts with customKey. */
  rotation?: pulumi.Input<string>;
  /** false revokes the key; true (the default) reactivates a revoked one. */
  active?: pulumi.Input<boolean>;
}

export class ApiKey extends pulumi.CustomResource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly customAccountId: pulumi.Output<string | undefined>;
  declare readonly customUserId: pulumi.Output<string | undefined>;
  declare readonly customMetaData: pulumi.Output<Record<string, unknown> | undefined>;
  declare readonly expiry: pulumi.Output<string | undefined>;
  declare readonly rateLimit: pulumi.Output<{ limit: number; ttlSeconds: number } | undefined>;
  declare readonly active: pulumi.Output<boolean>;
  declare readonly rotateAfter: pulumi.Output<string | undefined>;
  /** When the current value was created or last rotated (ISO 8601). */
  declare readonly rotatedAt: pulumi.Output<string | undefined>;
  /** The secret key value (a Pulumi secret). */
  declare readonly key: pulumi.Output<string>;
  declare readonly keyFingerprint: pulumi.Output<string>;
  /** live or test. */
  declare readonly env: pulumi.Output<string>;
  declare readonly isActive: pulumi.Output<boolean>;
  /** active, revoked, or expired: off because its declared expiry passed, which is in sync, not drift. */
  declare readonly status: pulumi.Output<"active" | "revoked" | "expired">;
  declare readonly expiresAt: pulumi.Output<string | undefined>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: ApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicResourceArgs(AUTHAPI, { file: require.resolve("./provider"), module: provider }, name, args, opts));
  }
}
