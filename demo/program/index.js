// The demo program: every key comes from keys.yaml. Only non-secret outputs are exported.
const path = require("path");
const { declareKeys } = require("pulumi-api-keys");

const keys = declareKeys({ file: path.join(__dirname, "keys.yaml") });

exports.statsig = Object.fromEntries(Object.entries(keys.statsig).map(([n, k]) => [n, { fingerprint: k.keyFingerprint, status: k.status }]));
exports.basic = Object.fromEntries(Object.entries(keys.basic).map(([n, k]) => [n, { keyId: k.keyId, fingerprint: k.valueFingerprint }]));
exports.authapi = Object.fromEntries(Object.entries(keys.authapi).map(([n, k]) => [n, { fingerprint: k.keyFingerprint, active: k.isActive }]));
exports.checkoutServerKey = keys.statsig["checkout-server"].key; // a secret: shown masked
