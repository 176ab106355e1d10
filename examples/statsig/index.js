// Statsig keys for one service. Credentials: `pulumi config set --secret pulumi-api-keys:statsigConsoleApiKey <console key>`
// (or STATSIG_CONSOLE_API_KEY). Against the local emulator also set pulumi-api-keys:statsigApiUrl.
const { statsig } = require("pulumi-api-keys");

const server = new statsig.Key("checkout-server", {
  type: "SERVER",
  description: "checkout service, server SDK",
  scopes: ["omni_read_only"],
  environments: ["production", "staging"],
  targetApp: "checkout",
  secondaryTargetApps: ["billing"],
  rotation: "2026-11", // change this string to rotate the secret in place
  rotateAfter: "90d", // and rotate it anyway once the value is 90 days old (the next `pulumi up` after that)
  rotationOverlap: "7d", // the old value keeps working for 7 days after each rotation (previousKey), then goes
});

const web = new statsig.Key("checkout-web", {
  type: "CLIENT",
  description: "checkout web client",
  environments: ["production"],
  targetApp: "checkout",
});

exports.serverKey = server.key; // a secret: `pulumi stack output --show-secrets serverKey`
exports.serverFingerprint = server.keyFingerprint;
exports.webStatus = web.status;
