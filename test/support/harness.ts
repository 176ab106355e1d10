// The end-to-end tests use the same project runner as the benchmarks.
import type { PulumiProject } from "./pulumi-project";
import { authApiCredentials } from "../../emulator/apis/authapi";
import { BASIC_TOKEN } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";

export * from "./pulumi-project";

/** The settings that point all three APIs at an emulator: its URL, and the credentials it knows (secrets). */
export function emulatorSettings(url: string): { config: Record<string, string>; secrets: Record<string, string> } {
  return {
    config: { "pulumi-api-keys:statsigApiUrl": url, "pulumi-api-keys:basicApiUrl": url, "pulumi-api-keys:theauthapiApiUrl": url },
    secrets: {
      "pulumi-api-keys:statsigConsoleApiKey": STATSIG_CONSOLE_KEY,
      "pulumi-api-keys:basicApiToken": BASIC_TOKEN,
      "pulumi-api-keys:theauthapiAccessKey": authApiCredentials().admin,
    },
  };
}

/** Creates the project's stack pointed at the emulator for all three APIs, with their credentials as secrets. */
export function initForEmulator(
  project: PulumiProject,
  url: string,
  extra: { config?: Record<string, string>; secrets?: Record<string, string> } = {},
): Promise<void> {
  const s = emulatorSettings(url);
  return project.init({ ...s.config, ...extra.config }, { ...s.secrets, ...extra.secrets });
}
