// The Auth API keys. Credentials: `pulumi config set --secret pulumi-api-keys:theauthapiAccessKey <key>`
// (or THEAUTHAPI_ACCESS_KEY). `pulumi config set projectId <project>`; for the partner's own value:
// `pulumi config set --secret partnerKey <value>`.
const pulumi = require("@pulumi/pulumi");
const { authapi } = require("pulumi-api-keys");

const cfg = new pulumi.Config();
const projectId = cfg.require("projectId");

const billing = new authapi.ApiKey("billing", {
  projectId,
  name: "billing service",
  customAccountId: "acct-42",
  customMetaData: { tier: "gold", limits: { daily: 1000 } },
  expiry: "2027-01-31",
  rateLimit: { limit: 100, ttlSeconds: 60 },
  rotateAfter: "720h", // rotated in place by the first `pulumi up` after 30 days
  rotationOverlap: "48h", // the old value stays live two more days (previousKey), then the first `up` after that revokes it
});

const partner = new authapi.ApiKey("partner", { projectId, name: "partner", customKey: cfg.requireSecret("partnerKey") });

exports.billingKey = billing.key; // a secret
exports.partnerActive = partner.isActive;
