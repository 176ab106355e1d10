// Every key comes from keys.yaml; `stacks:` in that file holds per-stack overrides.
// Credentials: the pulumi-api-keys:* config keys (with --secret) or their environment variables.
const path = require("path");
const { declareKeys } = require("pulumi-api-keys");

const keys = declareKeys({ file: path.join(__dirname, "keys.yaml") });

exports.fingerprints = {
  statsig: Object.fromEntries(Object.entries(keys.statsig).map(([n, k]) => [n, k.keyFingerprint])),
  basic: Object.fromEntries(Object.entries(keys.basic).map(([n, k]) => [n, k.valueFingerprint])),
  authapi: Object.fromEntries(Object.entries(keys.authapi).map(([n, k]) => [n, k.keyFingerprint])),
};
