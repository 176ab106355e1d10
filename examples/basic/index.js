// Basic project keys. Credentials: `pulumi config set --secret pulumi-api-keys:basicApiToken <token>`
// (or BASIC_API_TOKEN). Set `projectId` in stack config: `pulumi config set projectId <uuid>`.
const pulumi = require("@pulumi/pulumi");
const { basic } = require("pulumi-api-keys");

const projectId = new pulumi.Config().require("projectId");

const deploys = new basic.ProjectKey("ci-deploys", { projectId, label: "ci deploys", roles: ["read", "write"] });
const dashboards = new basic.ProjectKey("dashboards", { projectId, label: "dashboards", roles: ["read"], rotation: "2026-11" });

exports.deploysValue = deploys.value; // a secret, seen once at creation and kept in state
exports.dashboardsKeyId = dashboards.keyId;
