// The end-to-end tests use the same project runner as the benchmarks.
import type { PulumiProject } from "../../bench/pulumi-project";
import { authApiCredentials } from "../../emulator/apis/authapi";
import { BASIC_TOKEN } from "../../emulator/apis/basic";
import { STATSIG_CONSOLE_KEY } from "../../emulator/apis/statsig";

export * from "../../bench/pulumi-project";

/** Creates the project's stack pointed at the emulator for all three APIs, with their credentials as secrets. */
export function initForEmulator(
  project: PulumiProject,
  url: string,
  extra: { config?: Record<string, string>; secrets?: Record<string, string> } = {},
): Promise<void> {
  return project.init(
    { "pulumi-api-keys:statsigApiUrl": url, "pulumi-api-keys:basicApiUrl": url, "pulumi-api-keys:theauthapiApiUrl": url, ...extra.config },
    {
      "pulumi-api-keys:statsigConsoleApiKey": STATSIG_CONSOLE_KEY,
      "pulumi-api-keys:basicApiToken": BASIC_TOKEN,
      "pulumi-api-keys:theauthapiAccessKey": authApiCredentials().admin,
      ...extra.secrets,
    },
  );
}
