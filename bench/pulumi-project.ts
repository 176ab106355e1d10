// Runs the real Pulumi CLI on a local file backend in a throwaway project directory. Shared by the
// end-to-end tests and the benchmarks. The toolchain (Node >= 22, the pinned CLI on PATH, offline
// settings) comes from scripts/env.sh; nothing here skips when the CLI is missing.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installPackageCopy } from "../demo/install";

/** The repo root, found from here whether this runs from source or from dist/. */
export const REPO_ROOT = (() => {
  for (let d = __dirname; d !== path.dirname(d); d = path.dirname(d)) {
    const pj = path.join(d, "package.json");
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, "utf8")).name === "pulumi-api-keys") return d;
  }
  throw new Error("cannot find the pulumi-api-keys repo root");
})();

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function pinnedPulumiVersion(): string {
  return require(path.join(REPO_ROOT, "node_modules/@pulumi/pulumi/package.json")).version;
}

export class PulumiProject {
  readonly stateDir: string;
  constructor(
    readonly dir: string,
    readonly stack = "test",
    readonly extraEnv: Record<string, string> = {},
  ) {
    this.stateDir = path.join(dir, ".state");
    fs.mkdirSync(this.stateDir, { recursive: true });
  }

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      ...this.extraEnv,
    };
  }

  /** Runs `pulumi <args>`; resolves with the result whatever the exit code. */
  run(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      execFile(
        "pulumi",
        [...args, "--non-interactive", "--color", "never"],
        { cwd: this.dir, env: { ...this.env(), ...opts.env }, timeout: opts.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err && typeof (err as NodeJS.ErrnoException).code === "string") {
            reject(new Error(`could not run the Pulumi CLI (pulumi ${args.join(" ")}): ${err.message}`));
            return;
          }
          const code = err ? ((err as { code?: number }).code ?? 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** Runs `pulumi <args>` and fails with the CLI's own output unless it exits 0. */
  async ok(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
    const r = await this.run(args, opts);
    if (r.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    }
    return r;
  }

  async init(config: Record<string, string> = {}, secrets: Record<string, string> = {}): Promise<void> {
    await this.ok(["stack", "init", this.stack]);
    for (const [k, v] of Object.entries(config)) await this.ok(["config", "set", k, v]);
    for (const [k, v] of Object.entries(secrets)) await this.ok(["config", "set", "--secret", k, v]);
  }

  async up(extra: string[] = []): Promise<CliResult> {
    return this.ok(["up", "--yes", "--skip-preview", ...extra]);
  }

  /** The stack's exported state (a checkpoint deployment). */
  async exportState(showSecrets = false): Promise<{ raw: string; resources: Array<Record<string, any>> }> {
    const r = await this.ok(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])]);
    const parsed = JSON.parse(r.stdout);
    return { raw: r.stdout, resources: parsed.deployment?.resources ?? [] };
  }

  /** Asserts the engine sees nothing to do: `preview --expect-no-changes` (optionally after a refresh). */
  async expectNoChanges(refresh = false): Promise<CliResult> {
    return this.ok(["preview", "--expect-no-changes", ...(refresh ? ["--refresh"] : [])]);
  }

  async destroyAndRemove(): Promise<void> {
    await this.ok(["destroy", "--yes", "--skip-preview"]);
    await this.ok(["stack", "rm", "--yes", this.stack]);
  }
}

/**
 * `node_modules` for a test project: links to every package the repo installed, plus this library as a
 * real directory (package.json + dist/provider), as `npm install` would lay it out. Being under
 * node_modules is what makes Pulumi serialize the provider as a `require` of the package.
 */
function layOutNodeModules(dir: string): void {
  const nm = path.join(dir, "node_modules");
  fs.mkdirSync(nm);
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
    if (entry.startsWith(".") || entry === "pulumi-api-keys") continue;
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", entry), path.join(nm, entry), "dir");
  }
  installPackageCopy(REPO_ROOT, nm);
}

/** A Pulumi project in a fresh temp directory, with the built library installed in its node_modules. */
export function makeProject(name: string, files: Record<string, string>, extraEnv: Record<string, string> = {}): PulumiProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pak-${name}-`));
  const withDefaults: Record<string, string> = {
    "Pulumi.yaml": `name: ${name}\nruntime: nodejs\ndescription: e2e test program\n`,
    "package.json": JSON.stringify({ name, version: "0.0.0", main: "index.js" }),
    ...files,
  };
  for (const [rel, content] of Object.entries(withDefaults)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  layOutNodeModules(dir);
  return new PulumiProject(dir, "test", extraEnv);
}
