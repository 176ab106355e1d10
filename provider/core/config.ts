// Credentials and endpoints: stack config (set with `pulumi config set --secret`) read in the provider's
// `configure()`, then environment variables. They live on the provider object at run time only and
// are never captured in the serialized provider (which Pulumi stores in state).
import { ApiKeysError, CredentialsError } from "./errors";
import { registerSecret } from "./redact";

export interface ConfigSource {
  get(key: string): string | undefined;
}

export const CONFIG_NAMESPACE = "pulumi-api-keys";
/** The native plugin's namespace (`apikeys:`): the dynamic resources read it too, after their own. */
export const PLUGIN_NAMESPACE = "apikeys";

export interface Setting {
  /** Stack config key, under the `pulumi-api-keys:` namespace. */
  configKey: string;
  env: string;
  secret: boolean;
}

const upperSnake = (camel: string) => camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/**
 * A vendor's two settings, named from one prefix: the credential `<prefix><credential>` (a secret) and
 * the endpoint `<prefix>ApiUrl`, each also an environment variable in upper snake case
 * (`statsigConsoleApiKey` and STATSIG_CONSOLE_API_KEY).
 */
export function vendorSettings(prefix: string, credential: string): { credential: Setting; baseUrl: Setting } {
  const setting = (configKey: string, secret: boolean): Setting => ({ configKey, env: upperSnake(configKey), secret });
  return { credential: setting(`${prefix}${credential}`, true), baseUrl: setting(`${prefix}ApiUrl`, false) };
}

/** The namespace messages name settings in: the native plugin names its own (`apikeys:`). */
let messagesNamespace = CONFIG_NAMESPACE;
export function nameSettingsIn(namespace: string): void {
  messagesNamespace = namespace;
}

/** How a user names a setting: its stack config key, and the environment variable that also sets it. */
export function settingName(s: Setting): string {
  return `${messagesNamespace}:${s.configKey} (or ${s.env})`;
}

export function readSetting(s: Setting, config: ConfigSource | undefined): string | undefined {
  const v = config?.get(`${CONFIG_NAMESPACE}:${s.configKey}`) ?? config?.get(`${PLUGIN_NAMESPACE}:${s.configKey}`) ?? process.env[s.env];
  const value = v === undefined || v === "" ? undefined : v;
  if (value && s.secret) registerSecret(value);
  return value;
}

export function requireSetting(s: Setting, config: ConfigSource | undefined, what: string): string {
  const v = readSetting(s, config);
  if (!v) {
    throw new CredentialsError(
      messagesNamespace === CONFIG_NAMESPACE
        ? `no ${what}: set it with \`pulumi config set --secret ${CONFIG_NAMESPACE}:${s.configKey} <value>\` or the environment variable ${s.env}`
        : `no ${what}: set \`${s.configKey}\` on the provider, or \`pulumi config set --secret ${messagesNamespace}:${s.configKey} <value>\` for the default provider, or the environment variable ${s.env}`,
    );
  }
  return v;
}

/** How long to wait for an answer before a request counts as timed out (and is retried if it may be). */
export const REQUEST_TIMEOUT_SETTING: Setting = { configKey: "requestTimeoutMs", env: "PULUMI_API_KEYS_REQUEST_TIMEOUT_MS", secret: false };

/**
 * What a client is made from, as a provider's settings give it: the credential, the endpoint, HTTP options.
 * (Here, not beside the clients: the public declarations reach this file, and must not reach zod's types.)
 */
export interface Connection {
  credential: string;
  baseUrl: string;
  http: ReturnType<typeof httpOptionsFrom>;
}

/** HTTP client options from config or env; a bad value is the user's error, named with its rule. */
export function httpOptionsFrom(config: ConfigSource | undefined): { timeouts?: { headersMs: number; bodyMs: number } } {
  const raw = readSetting(REQUEST_TIMEOUT_SETTING, config);
  if (raw === undefined) return {};
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100 || ms > 600_000) {
    throw new ApiKeysError(
      "PAK_INVALID_INPUT",
      "user",
      `${CONFIG_NAMESPACE}:${REQUEST_TIMEOUT_SETTING.configKey} (or ${REQUEST_TIMEOUT_SETTING.env}) must be a whole number of milliseconds from 100 to 600000, got ${JSON.stringify(raw)}`,
    );
  }
  return { timeouts: { headersMs: ms, bodyMs: ms } };
}

/**
 * Settings named without a namespace (`statsigConsoleApiKey`), as a provider resource holds them: the
 * native plugin's provider arguments, and the drift command's reading of them from state.
 */
export function providerSettingsSource(props: Record<string, unknown>): ConfigSource {
  return {
    get: (key) => {
      const v = props[key.slice(key.indexOf(":") + 1)];
      return v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    },
  };
}
