// The end-to-end tests use the same project runner as the benchmarks.
import type { PulumiProject } from "./pulumi-project";
import { emulatedApis } from "../../emulator/main";
import { CONFIG_NAMESPACE } from "../../provider/core/config";
import { ENTRIES } from "../../provider/registry";

export * from "./pulumi-project";

/** The settings that point every API at an emulator: its URL, and the credentials it knows (secrets). */
export function emulatorSettings(url: string): { config: Record<string, string>; secrets: Record<string, string> } {
  const apis = new Map(emulatedApis().map((a) => [a.name, a]));
  const credentialOf = (api: string) => {
    const a = apis.get(api);
    if (!a) throw new Error(`the emulator serves no API named ${api} (each registry entry needs an emulator module in emulator/apis/)`);
    return a.testing.credential;
  };
  return {
    config: Object.fromEntries(ENTRIES.map((e) => [`${CONFIG_NAMESPACE}:${e.baseUrl.setting.configKey}`, url])),
    secrets: Object.fromEntries(ENTRIES.map((e) => [`${CONFIG_NAMESPACE}:${e.credential.setting.configKey}`, credentialOf(e.api)])),
  };
}

/** Creates the project's stack pointed at the emulator for every API, with their credentials as secrets. */
export function initForEmulator(
  project: PulumiProject,
  url: string,
  extra: { config?: Record<string, string>; secrets?: Record<string, string> } = {},
): Promise<void> {
  const s = emulatorSettings(url);
  return project.init({ ...s.config, ...extra.config }, { ...s.secrets, ...extra.secrets });
}
