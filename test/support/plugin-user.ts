// The native plugin, installed the way a user installs it: the packed package into a project with
// `npm install`, then `npx pulumi-api-keys install-plugin` into the user's PULUMI_HOME.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pinnedPulumiVersion } from "./harness";
import { packed } from "./packed";
import { npmInstall, sh } from "./user-project";

export interface InstalledPlugin {
  /** The PULUMI_HOME the plugin is installed in (give it to every `pulumi` run). */
  home: string;
  /** What `install-plugin` printed. */
  output: string;
}

/** Packs the repo, installs it in a fresh project and runs its `install-plugin` command into a fresh PULUMI_HOME. */
export async function installPluginLikeUser(): Promise<InstalledPlugin> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pak-plugin-user-"));
  const home = path.join(root, "pulumi-home");
  const project = path.join(root, "project");
  fs.mkdirSync(project);
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "plugin-user", version: "0.0.0", private: true }));
  const { tarball } = packed();
  await npmInstall(project, [tarball, `@pulumi/pulumi@${pinnedPulumiVersion()}`]);
  const r = await sh("npx", ["--no-install", "pulumi-api-keys", "install-plugin"], project, 300_000, { PULUMI_HOME: home });
  if (r.code !== 0) throw new Error(`install-plugin exited ${r.code}:\n${r.out}`);
  return { home, output: r.out };
}
