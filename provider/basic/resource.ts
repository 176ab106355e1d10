// `basic.ProjectKey`: a Basic Admin API project key as a Pulumi resource.
import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceArgs, RotationPolicyArgs } from "../core/dynamic-resource";
import { BASIC } from "./definition";
import provider = require("./provider");

export interface ProjectKeyArgs extends RotationPolicyArgs {
  /** The project's UUID. Changing it replaces the key. */
  projectId: pulumi.Input<string>;
  label: pulumi.Input<string>;
  /** Permission names: a set (order never matters); sent as one sorted, comma-separated string. */
  roles: pulumi.Input<pulumi.Input<string>[]>;
  /** Any string; changing it rotates the key: a new key is created, then the old one deleted. */
  rotation?: pulumi.Input<string>;
}

export class ProjectKey extends pulumi.CustomResource {
  declare readonly projectId: pulumi.Output<string>;
  declare readonly label: pulumi.Output<string>;
  declare readonly roles: pulumi.Output<string[]>;
  declare readonly rotation: pulumi.Output<string | undefined>;
  declare readonly rotateAfter: pulumi.Output<string | undefined>;
  /** When the current value was created or last rotated (ISO 8601). */
  declare readonly rotatedAt: pulumi.Output<string | undefined>;
  declare readonly keyId: pulumi.Output<string>;
  /** The secret value (a Pulumi secret), seen only at creation and kept from then on. */
  declare readonly value: pulumi.Output<string>;
  declare readonly valueFingerprint: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string | undefined>;

  constructor(name: string, args: ProjectKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicResourceArgs(BASIC, { file: require.resolve("./provider"), module: provider }, name, args, opts));
  }
}
