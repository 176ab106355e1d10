// `statsig.Key`: a Statsig Console API key as a Pulumi resource.
import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceArgs, RotationPolicyArgs } from "../core/dynamic-resource";
import { STATSIG } from "./definition";
import provider = require("./provider");
import type { KEY_TYPES, SCOPES } from "./enums";

export type KeyType = (typeof KEY_TYPES)[number];
export type Scope = (typeof SCOPES)[number];

export interface KeyArgs extends RotationPolicyArgs {
  /** SERVER, CLIENT, CONSOLE, SCIM or ORG. Changing it replaces the key. */
  type: pulumi.Input<KeyType>;
  /** Up to 1000 characters. */
  description: pulumi.Input<string>;
  /** A set: order and duplicates never matter to the API; duplicates are rejected as likely typos. */
  scopes?: pulumi.Input<pulumi.Input<Scope>[]>;
  environments?: pulumi.Input<pulumi.Input<string>[]>;
  /** The primary target app; omit (or null) for none. Removing it clears it. */
  targetApp?: pulumi.Input<string | null>;
  secondaryTargetApps?: pulumi.Input<pulumi.Input<string>[]>;
  /** false deactivates the key in place. Turning a deactivated key back on creates a new key (the API cannot reactivate). */
  active?: pulumi.Input<boolean>;
  /** Any string; changing it rotates the secret in place through the rotate endpoint (same key, new value). */
  rotation?: pulumi.Input<string>;
}

export class Key extends pulumi.CustomResource {
  declare readonly type: pulumi.Output<KeyType>;
  declare readonly description: pulumi.Output<string>;
  declare readonly scopes: pulumi.Output<Scope[]>;
  declare readonly environments: pulumi.Output<string[]>;
  declare readonly targetApp: pulumi.Output<string | undefined>;
  declare readonly secondaryTargetApps: pulumi.Output<string[]>;
  declare readonly active: pulumi.Output<boolean>;
  declare readonly rotation: pulumi.Output<string | undefined>;
  declare readonly rotateAfter: pulumi.Output<string | undefined>;
  /** When the current value was created or last rotated (ISO 8601). */
  declare readonly rotatedAt: pulumi.Output<string | undefined>;
  /** The secret key value (a Pulumi secret). */
  declare readonly key: pulumi.Output<string>;
  /** A short, non-reversible fingerprint of the key value: safe to log and compare. */
  declare readonly keyFingerprint: pulumi.Output<string>;
  /** active or deactivated. */
  declare readonly status: pulumi.Output<string>;
  /** The fingerprint of the console key that last saw the key: tells a deleted key from a console key of another project. */
  declare readonly credentialFingerprint: pulumi.Output<string>;

  constructor(name: string, args: KeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicResourceArgs(STATSIG, { file: require.resolve("./provider"), module: provider }, name, args, opts));
  }
}
