// Credentials and endpoints: stack config (set with `pulumi config set --secret`) read in the provider's
// `configure()`, then environment variables. They live on the provider object at run time only and
// are never captured in the serialized provider (which Pulumi stores in state).
import { CredentialsError } from "./errors";
import { registerSecret } from "./redact";

export interface ConfigSource {
  get(key: string): string | undefined;
}

export const CONFIG_NAMESPACE = "pulumi-api-keys";

export interface Setting {
  /** Stack config key, under the `pulumi-api-keys:` namespace. */
  configKey: string;
  env: string;
  secret: boolean;
}

export function readSetting(s: Setting, config: ConfigSource | undefined): string | undefined {
  const v = config?.get(`${CONFIG_NAMESPACE}:${s.configKey}`) ?? process.env[s.env];
  const value = v === undefined || v === "" ? undefined : v;
  if (value && s.secret) registerSecret(value);
  return value;
}

export function requireSetting(s: Setting, config: ConfigSource | undefined, what: string): string {
  const v = readSetting(s, config);
  if (!v) {
    throw new CredentialsError(
      `no ${what}: set it with \`pulumi config set --secret ${CONFIG_NAMESPACE}:${s.configKey} <value>\` or the environment variable ${s.env}`,
    );
  }
  return v;
}
