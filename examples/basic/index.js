// Basic project keys. Credentials: `pulumi config set --secret pulumi-api-keys:basicApiToken <token>`
// (or BASIC_API_TOKEN). Set `projectId` in stack config: `pulumi config set projectId <uuid>`.
const pulumi = require("@pulumi/pulumi");
const { basic } = require("pulumi-api-keys");

const projectId = new pulumi.Config().require("projectId");

// rotateAfter: once the value is 12 weeks old, `pulumi up` makes a new key; rotationOverlap keeps the old
// one live a week longer (previousValue), so CI jobs that still hold it keep working, then deletes it.
const deploys = new basic.ProjectKey("ci-deploys", { projectId, label: "ci deploys", roles: ["read", "write"], rotateAfter: "12w", rotationOverlap: "1w" });
const dashboards = new basic.ProjectKey("dashboards", { projectId, label: "dashboards", roles: ["read"], rotation: "2026-11" });

exports.deploysValue = deploys.value; // a secret, seen once at creation and kept in state
exports.dashboardsKeyId = dashboards.keyId;
