// The end-to-end tests use the same project runner as the benchmarks.
import type { PulumiProject } from "./pulumi-project";
import { request } from "undici";
import type { EmulatedApi } from "../../emulator/api";
import { emulatedApis } from "../../emulator/main";
import { CONFIG_NAMESPACE } from "../../provider/core/config";
import { ENTRIES } from "../../provider/registry";

export * from "./pulumi-project";

/** Each emulated API's testing facts, by API name: built once, since building the APIs compiles their OpenAPI validators (~250 ms). */
let testing: Map<string, EmulatedApi["testing"]> | undefined;
const testingOf = (api: string) => (testing ??= new Map(emulatedApis().map((a) => [a.name, a.testing]))).get(api);

/**
 * What a running service does with a key it holds: one call of the vendor's API with the key as its
 * credential (EmulatedApi.testing.serviceCall). Its status: 2xx while the key works.
 */
export async function useKey(url: string, api: string, value: string): Promise<number> {
  const call = testingOf(api)?.serviceCall?.(value);
  if (!call) throw new Error(`the emulated ${api} API has no service call in its testing facts`);
  const res = await request(`${url}${call.path}`, { method: call.method as "POST", headers: call.headers, body: call.method === "GET" ? undefined : "{}" });
  await res.body.dump();
  return res.statusCode;
}

/** The settings that point every API at an emulator: its URL, and the credentials it knows (secrets). */
export function emulatorSettings(url: string): { config: Record<string, string>; secrets: Record<string, string> } {
  const credentialOf = (api: string) => {
    const credential = testingOf(api)?.credential;
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
