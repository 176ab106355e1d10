// A user's Pulumi project outside the repo, set up the way users do it: `npm install` of the packed
// tarball next to the `@pulumi/pulumi` they chose. Used by the newcomer and upgrade tests.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiProject } from "./harness";

export interface ShResult {
  code: number;
  out: string;
}

/** Runs a command; resolves with its exit code and combined output whatever the code. */
export function sh(cmd: string, args: string[], cwd: string, timeoutMs = 300_000, env?: Record<string, string>): Promise<ShResult> {
  return new Promise((resolve) =>
    execFile(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );
}

export async function shOk(cmd: string, args: string[], cwd: string, timeoutMs?: number): Promise<string> {
  const r = await sh(cmd, args, cwd, timeoutMs);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}:\n${r.out}`);
  return r.out;
}

export function npmInstall(dir: string, extra: string[] = []): Promise<string> {
  return shOk("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline", ...extra], dir, 600_000);
}

/** Every installed copy of `@pulumi/pulumi` in a project's tree. */
export function sdkCopies(dir: string): string[] {
  const found: string[] = [];
  const walk = (nm: string) => {
    if (!fs.existsSync(nm)) return;
    for (const entry of fs.readdirSync(nm)) {
      if (entry.startsWith(".")) continue;
      const pkgs = entry.startsWith("@") ? fs.readdirSync(path.join(nm, entry)).map((e) => path.join(entry, e)) : [entry];
      for (const p of pkgs) {
        const at = path.join(nm, p);
        if (p === "@pulumi/pulumi") found.push(at);
        walk(path.join(at, "node_modules"));
      }
    }
  };
  walk(path.join(dir, "node_modules"));
  return found;
}

/** Writes a project directory with the given files and returns a runner for its stack. */
export function writeUserProject(name: string, files: Record<string, string>): PulumiProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pak-${name}-`));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return new PulumiProject(dir, "dev");
}
