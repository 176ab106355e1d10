// Statsig's enumerations as plain data: the schema validates with them, and the public types (which
// must compile in a user's project without zod) are derived from them.
export const KEY_TYPES = ["SERVER", "CLIENT", "CONSOLE", "SCIM", "ORG"] as const;
export const SCOPES = [
  "omni_read_only",
  "omni_read_write",
  "client_download_config_specs",
  "none_hash_enabled",
  "can_access_keys",
  "client_can_write_user_store",
  "personal_read_only",
  "personal_read_write",
] as const;
