// The end-to-end tests use the same project runner as the benchmarks.
import type { PulumiProject } from "./pulumi-project";
import { emulatedApis } from "../../emulator/main";
import { CONFIG_NAMESPACE } from "../../provider/core/config";
import { ENTRIES } from "../../provider/registry";

export * from "./pulumi-project";

/** Each emulated API's test credential, by API name: built once, since building the APIs compiles their OpenAPI validators (~250 ms). */
let testCredentials: Map<string, string> | undefined;

/** The settings that point every API at an emulator: its URL, and the credentials it knows (secrets). */
export function emulatorSettings(url: string): { config: Record<string, string>; secrets: Record<string, string> } {
  testCredentials ??= new Map(emulatedApis().map((a) => [a.name, a.testing.credential]));
  const credentialOf = (api: string) => {
    const credential = testCredentials!.get(api);
    if (!credential) throw new Error(`the emulator serves no API named ${api} (each registry entry needs an emulator module in emulator/apis/)`);
    return credential;
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
