// Runs the real Pulumi CLI on a local file backend in a throwaway project directory. Shared by the
// end-to-end tests and the benchmarks. The toolchain (Node >= 22, the pinned CLI on PATH, offline
// settings) comes from scripts/env.sh; nothing here skips when the CLI is missing.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installPackageCopy } from "../../demo/install";
import { packed } from "./packed";
import { REPO_ROOT } from "./repo-root";

export { REPO_ROOT };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** With PAK_CLI_LOG=<file>, every CLI run's test file, command and duration, one JSON line each (where the suite's time goes). */
function logCliRun(args: string[], ms: number): void {
  const log = process.env.PAK_CLI_LOG;
  if (!log) return;
  const testPath = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.().testPath;
  fs.appendFileSync(log, JSON.stringify({ test: testPath ? path.relative(REPO_ROOT, testPath) : undefined, cmd: args.slice(0, 2).join(" "), ms }) + "\n");
}

/**
 * Whether a command acts on one stack: each runner names its own, since `stack init` selects the new
 * stack and several runners may share a project directory.
 */
function stackScoped(args: string[]): boolean {
  const [cmd, sub] = args;
  if (args.includes("--stack") || args.includes("-s")) return false;
  if (cmd === "stack") return ["export", "import", "tag", "output", "history"].includes(sub ?? "");
  return ["up", "preview", "refresh", "destroy", "import", "config", "state"].includes(cmd ?? "");
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
    const started = Date.now();
    return new Promise<CliResult>((resolve, reject) => {
      execFile(
        "pulumi",
        [...args, ...(stackScoped(args) ? ["--stack", this.stack] : []), "--non-interactive", "--color", "never"],
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
    }).finally(() => logCliRun(args, Date.now() - started));
  }

  /** Runs `pulumi <args>` and fails with the CLI's own output unless it exits 0. */
  async ok(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
    const r = await this.run(args, opts);
    if (r.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    }
    return r;
  }

  /** `stack init`, then every setting in one `config set-all` (two CLI processes, whatever the count). */
  async init(config: Record<string, string> = {}, secrets: Record<string, string> = {}): Promise<void> {
    await this.ok(["stack", "init", this.stack]);
    await this.setAll(config, secrets);
  }

  /** Sets config values (plaintext) and secrets in one CLI process. */
  async setAll(config: Record<string, string> = {}, secrets: Record<string, string> = {}): Promise<void> {
    const args = [
      ...Object.entries(config).map(([k, v]) => ["--plaintext", `${k}=${v}`]),
      ...Object.entries(secrets).map(([k, v]) => ["--secret", `${k}=${v}`]),
    ];
    if (args.length) await this.ok(["config", "set-all", ...args.flat()]);
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

  /** Rewrites the stack's state (`stack export`, the edit, `stack import`): how tests move time, never by waiting. */
  async editState(edit: (resources: Array<Record<string, any>>) => void): Promise<void> {
    const exported = JSON.parse((await this.ok(["stack", "export"])).stdout);
    edit(exported.deployment.resources ?? []);
    const file = path.join(this.dir, `edited-state-${Date.now()}.json`);
    fs.writeFileSync(file, JSON.stringify(exported));
    await this.ok(["stack", "import", "--file", file]);
    fs.rmSync(file);
  }

  /** Ends every overlap: each previousRetiresAt in state written as a minute ago. */
  endOverlaps(): Promise<void> {
    const past = new Date(Date.now() - 60_000).toISOString();
    return this.editState((resources) => {
      for (const r of resources) if (r.outputs?.previousRetiresAt) r.outputs.previousRetiresAt = past;
    });
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
 * real directory (package.json + dist/provider) copied from `source`, as `npm install` would lay it out.
 * Being under node_modules is what makes Pulumi serialize the provider as a `require` of the package.
 */
function layOutNodeModules(dir: string, source: string): void {
  const nm = path.join(dir, "node_modules");
  fs.mkdirSync(nm);
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
    if (entry.startsWith(".") || entry === "pulumi-api-keys") continue;
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", entry), path.join(nm, entry), "dir");
  }
  installPackageCopy(source, nm);
}

/**
 * A Pulumi project in a fresh temp directory, with the library in its node_modules: by default the
 * run's packed tarball unpacked (what users install); `packageFrom` names another folder with the same
 * layout.
 */
export function makeProject(
  name: string,
  files: Record<string, string>,
  extraEnv: Record<string, string> = {},
  packageFrom: string = packed().unpacked,
): PulumiProject {
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
  layOutNodeModules(dir, packageFrom);
  return new PulumiProject(dir, "test", extraEnv);
}
