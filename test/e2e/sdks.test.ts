// `npm run gen-sdk` makes the apikeys SDKs from the plugin's schema; each compiles where its toolchain
// exists here, including a small program in each language that uses the resources and a provider.
// The schema's own assertions are unit tests (test/unit/schema.test.ts): none of them waits on these builds.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/harness";

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 900_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );
}

async function ok(cmd: string, args: string[], cwd: string, env?: Record<string, string>): Promise<string> {
  const r = await run(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}:\n${r.out}`);
  return r.out;
}

const sdk = path.join(REPO_ROOT, "sdk");

describe("SDKs generated from the plugin's schema", () => {
  jest.setTimeout(1_200_000);

  beforeAll(async () => {
    await ok("bash", [path.join(REPO_ROOT, "scripts/gen-sdk.sh")], REPO_ROOT);
  });

  test("every SDK carries the schema's pluginDownloadURL, so a program using it gets the plugin downloaded by Pulumi", () => {
    const url = "github://api.github.com/pulumi-api-keys/pulumi-api-keys";
    const filesWith = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && !e.parentPath.includes("node_modules") && /\.(go|ts|py|json)$/.test(e.name))
        .map((e) => path.join(e.parentPath, e.name))
        .filter((f) => fs.readFileSync(f, "utf8").includes(url));
    expect(JSON.parse(fs.readFileSync(path.join(sdk, "schema.json"), "utf8")).pluginDownloadURL).toBe(url);
    // Go registers it as a default resource option; Node.js and Python pass it with every resource.
    expect(
      filesWith(path.join(sdk, "go"))
        .map((f) => path.basename(f))
        .sort(),
    ).toEqual(expect.arrayContaining(["pulumi-plugin.json", "pulumiUtilities.go"]));
    expect(filesWith(path.join(sdk, "nodejs")).map((f) => path.basename(f))).toContain("utilities.ts");
    expect(filesWith(path.join(sdk, "python")).map((f) => path.basename(f))).toContain("_utilities.py");
  });

  test("Go: the SDK and a program using two providers build against the Pulumi Go SDK", async () => {
    const dir = path.join(sdk, "go", "example");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "main.go"),
      `package main

import (
	"github.com/pulumi-api-keys/pulumi-api-keys/sdk/go/apikeys"
	"github.com/pulumi-api-keys/pulumi-api-keys/sdk/go/apikeys/authapi"
	"github.com/pulumi-api-keys/pulumi-api-keys/sdk/go/apikeys/basic"
	"github.com/pulumi-api-keys/pulumi-api-keys/sdk/go/apikeys/statsig"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		ops, err := apikeys.NewProvider(ctx, "ops", &apikeys.ProviderArgs{StatsigConsoleApiKey: cfg.RequireSecret("opsConsoleKey")})
		if err != nil {
			return err
		}
		k, err := statsig.NewKey(ctx, "server", &statsig.KeyArgs{Type: pulumi.String("SERVER"), Description: pulumi.String("ops"), Scopes: pulumi.StringArray{pulumi.String("omni_read_only")}}, pulumi.Provider(ops))
		if err != nil {
			return err
		}
		if _, err := basic.NewProjectKey(ctx, "ci", &basic.ProjectKeyArgs{ProjectId: pulumi.String("6f1c2a7e-3b9d-4c5e-8a1f-0d2e3c4b5a69"), Label: pulumi.String("ci"), Roles: pulumi.StringArray{pulumi.String("read")}}); err != nil {
			return err
		}
		if _, err := authapi.NewApiKey(ctx, "billing", &authapi.ApiKeyArgs{ProjectId: pulumi.String("proj_1"), Name: pulumi.String("billing"), RateLimit: &authapi.RateLimitArgs{Limit: pulumi.Int(100), TtlSeconds: pulumi.Int(60)}}); err != nil {
			return err
		}
		ctx.Export("fingerprint", k.KeyFingerprint)
		return nil
	})
}
`,
    );
    // The CLI's build flags (scripts/build-pulumi.sh), so its compiled packages in the Go build cache serve here.
    const goEnv = { GOFLAGS: "-mod=mod -trimpath", CGO_ENABLED: "0" };
    await ok("go", ["build", "./..."], path.join(sdk, "go"), goEnv);
    await ok("go", ["vet", "./..."], path.join(sdk, "go"), goEnv);
  });

  test("TypeScript: the SDK and a program using it compile with strict type checks", async () => {
    const dir = path.join(sdk, "nodejs");
    const nm = path.join(dir, "node_modules");
    fs.rmSync(nm, { recursive: true, force: true });
    fs.mkdirSync(path.join(nm, "@pulumi"), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules/@pulumi/pulumi"), path.join(nm, "@pulumi/pulumi"), "dir");
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules/@types"), path.join(nm, "@types"), "dir");
    fs.writeFileSync(
      path.join(dir, "example.ts"),
      `import * as pulumi from "@pulumi/pulumi";
import * as apikeys from "./index";

const cfg = new pulumi.Config();
const ops = new apikeys.Provider("ops", { statsigConsoleApiKey: cfg.requireSecret("opsConsoleKey") });
const server = new apikeys.statsig.Key("server", { type: "SERVER", description: "ops", scopes: ["omni_read_only"] }, { provider: ops });
new apikeys.basic.ProjectKey("ci", { projectId: "6f1c2a7e-3b9d-4c5e-8a1f-0d2e3c4b5a69", label: "ci", roles: ["read"] });
new apikeys.authapi.ApiKey("billing", { projectId: "proj_1", name: "billing", rateLimit: { limit: 100, ttlSeconds: 60 } });
export const fingerprint: pulumi.Output<string | undefined> = server.keyFingerprint;
`,
    );
    const tsc = path.join(REPO_ROOT, "node_modules/typescript/bin/tsc");
    await ok(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--target",
        "ES2020",
        "--module",
        "commonjs",
        "--moduleResolution",
        "node",
        "--esModuleInterop",
        "--types",
        "node",
        "example.ts",
      ],
      dir,
    );
    // A misspelt input must not compile: the check above is a real one.
    fs.writeFileSync(
      path.join(dir, "wrong.ts"),
      `import * as apikeys from "./index";\nnew apikeys.statsig.Key("k", { type: "SERVER", descripton: "typo" });\n`,
    );
    const wrong = await run(
      process.execPath,
      [tsc, "--noEmit", "--strict", "--target", "ES2020", "--module", "commonjs", "--moduleResolution", "node", "--types", "node", "wrong.ts"],
      dir,
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toMatch(/descripton/);
  });

  test("Python: the SDK is valid Python (its pulumi package is not installable without a registry here)", async () => {
    await ok("python3", ["-m", "compileall", "-q", "pulumi_apikeys"], path.join(sdk, "python"));
    expect(fs.readFileSync(path.join(sdk, "python", "pulumi_apikeys", "statsig", "key.py"), "utf8")).toMatch(/class Key\(pulumi\.CustomResource\)/);
  });
});
