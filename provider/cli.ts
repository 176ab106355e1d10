#!/usr/bin/env node
// `pulumi-api-keys drift`: do the live keys still match what the stack declares?
// The core returns a report; a renderer prints it; the exit code is a pure function of the report.
import * as fs from "node:fs";
import * as path from "node:path";
import { redact } from "./core/redact";
import { detectDrift } from "./drift/detect";
import { appendUnmanagedRules, IgnoreRules } from "./drift/ignore";
import { importable, writeImportFile } from "./drift/import-file";
import { checkWritable } from "./drift/output-file";
import { DEFAULT_FAIL_ON, DriftReport, exitCodeOf, FAIL_ON, FailOn, summarize } from "./drift/report";
import { Format, RENDERERS } from "./drift/render";
import { compareWithPrevious, loadPreviousReport } from "./drift/since";
import { markStale, staleAfterProblem } from "./drift/usage";

const USAGE = `usage: pulumi-api-keys drift [options]

Compares every key a Pulumi stack manages (Statsig, Basic, The Auth API) with the live APIs. Read-only.

  --cwd DIR            the Pulumi project directory (default: .)
  --stack NAME         the stack (default: the selected stack); repeat it to read several stacks that
                       share vendor projects: a key managed by any of them is not unmanaged
  --all-stacks         every stack of the project in the backend
  --format FORMAT      text (default), json or markdown
  --output FILE        also write the report to FILE (e.g. "$GITHUB_STEP_SUMMARY" with --format markdown)
  --json-output FILE   also write the JSON report to FILE, replacing it (the next run's --since)
  --ignore FILE        ignore rules (default: .pulumi-api-keys-ignore.yaml in the project, if present)
  --no-unmanaged       do not report keys that no resource manages
  --fail-on KINDS      which findings exit 2: a comma list of drifted, deleted, unmanaged, rotation-due,
                       previous-in-use, stale (default: the first four; rotation-due: keys past their
                       rotateAfter policy; previous-in-use: a previous key that rotationOverlap keeps
                       live was used after the new one was made, so a service still holds the old value;
                       stale: managed keys unused for --stale-after)
  --write-ignore       add today's unmanaged keys to the ignore file (a baseline: each rule dated, with a
                       reason to fill in); from then on only new unmanaged keys fail
  --import-file FILE   write a Pulumi bulk-import file adopting every unmanaged key (not ignored), then
                       run: pulumi import --file FILE (one stack only)
  --stale-after DUR    mark keys unused for DUR (720h, 90d, 12w) as stale, and unmanaged ones as
                       candidates to delete; every key shows its last use where the vendor reports it
  --since FILE         compare with an earlier report (--format json): mark each finding new or known,
                       and exit 2 only for new ones
  --pulumi PATH        the pulumi binary (default: pulumi on PATH)
  --help               this text

Exit codes: 0 in sync, 2 drift (as --fail-on chooses), 1 error.
Also: pulumi-api-keys install-plugin (installs the native plugin; --help for its options).
Credentials come from the stack's config (pulumi-api-keys:*) or the environment, as for \`pulumi up\`.
`;

export interface DriftArgs {
  cwd: string;
  stacks: string[];
  allStacks: boolean;
  format: Format;
  output?: string;
  jsonOutput?: string;
  ignore?: string;
  unmanaged: boolean;
  failOn: FailOn[];
  writeIgnore: boolean;
  importFile?: string;
  staleAfter?: string;
  since?: string;
  pulumi?: string;
}

export function parseDriftArgs(argv: string[]): DriftArgs | string {
  const a: DriftArgs = { cwd: ".", stacks: [], allStacks: false, format: "text", unmanaged: true, failOn: [...DEFAULT_FAIL_ON], writeIgnore: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      if (flag === "--cwd") a.cwd = value();
      else if (flag === "--stack" || flag === "-s") a.stacks.push(value());
      else if (flag === "--all-stacks") a.allStacks = true;
      else if (flag === "--format") {
        const f = value();
        if (!(f in RENDERERS)) return `--format must be text, json or markdown (got ${f})`;
        a.format = f as Format;
      } else if (flag === "--output") a.output = value();
      else if (flag === "--json-output") a.jsonOutput = value();
      else if (flag === "--ignore") a.ignore = value();
      else if (flag === "--no-unmanaged") a.unmanaged = false;
      else if (flag === "--fail-on") {
        const kinds = value()
          .split(",")
          .map((k) => k.trim())
          .filter(Boolean);
        const bad = kinds.filter((k) => !(FAIL_ON as readonly string[]).includes(k));
        if (bad.length || !kinds.length) return `--fail-on takes a comma list of ${FAIL_ON.join(", ")} (got ${bad.join(", ") || "nothing"})`;
        a.failOn = kinds as FailOn[];
      } else if (flag === "--write-ignore") a.writeIgnore = true;
      else if (flag === "--import-file") a.importFile = value();
      else if (flag === "--stale-after") {
        a.staleAfter = value();
        const problem = staleAfterProblem(a.staleAfter);
        if (problem) return problem;
      } else if (flag === "--since") a.since = value();
      else if (flag === "--pulumi") a.pulumi = value();
      else return `unknown option ${flag}`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (a.allStacks && a.stacks.length) return "--all-stacks and --stack do not go together";
  if (a.failOn.includes("stale") && !a.staleAfter) return "--fail-on stale needs --stale-after (how long unused makes a key stale, e.g. 90d)";
  if (a.importFile !== undefined && (a.allStacks || a.stacks.length > 1))
    return "--import-file adopts keys into one stack: give one --stack (keys another stack manages are then listed as unmanaged; run it after adding them there)";
  if (a.importFile !== undefined && !a.unmanaged) return "--import-file lists the unmanaged keys: it does not go with --no-unmanaged";
  return a;
}

async function drift(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE); // asked for: the usage is the output, and nothing is wrong
    return 0;
  }
  const args = parseDriftArgs(argv);
  if (typeof args === "string") {
    process.stderr.write(`${args}\n\n${USAGE}`);
    return 1;
  }
  const tty = process.stderr.isTTY;
  try {
    // Bad input stops here, before any stack is read or any file written.
    for (const [flag, file] of [
      ["--import-file", args.importFile],
      ["--output", args.output],
      ["--json-output", args.jsonOutput],
    ] as const)
      if (file !== undefined) checkWritable(flag, file);
    const previous = args.since === undefined ? undefined : loadPreviousReport(args.since);
    const defaultIgnore = path.join(args.cwd, ".pulumi-api-keys-ignore.yaml");
    const ignoreFile = args.ignore ?? (fs.existsSync(defaultIgnore) || args.writeIgnore ? defaultIgnore : undefined);
    const found = await detectDrift({
      cwd: args.cwd,
      stacks: args.stacks.length ? args.stacks : undefined,
      allStacks: args.allStacks,
      unmanaged: args.unmanaged,
      ignore: ignoreFile && fs.existsSync(ignoreFile) ? IgnoreRules.load(ignoreFile) : undefined,
      pulumiBin: args.pulumi,
      onProgress: tty ? (m) => process.stderr.write(`\r\x1b[K… ${m}`) : undefined,
      onWarning: (m) => process.stderr.write(`${tty ? "\r\x1b[K" : ""}pulumi-api-keys drift: warning: ${redact(m)}\n`),
    });
    if (tty) process.stderr.write("\r\x1b[K");
    let report: DriftReport = { ...found, failOn: args.failOn };
    if (args.writeIgnore && ignoreFile) {
      const baseline = report.unmanaged.filter((u) => !u.ignored);
      if (baseline.length) appendUnmanagedRules(ignoreFile, baseline);
      report = summarize({ ...report, unmanaged: report.unmanaged.map((u) => ({ ...u, ignored: true })) });
      process.stderr.write(`pulumi-api-keys drift: ${baseline.length} unmanaged key(s) added to ${ignoreFile}; fill in each rule's reason\n`);
    }
    if (args.staleAfter) report = markStale(report, args.staleAfter);
    if (previous) report = compareWithPrevious(report, previous);
    if (args.importFile !== undefined) {
      writeImportFile(args.importFile, report);
      report = { ...report, importFile: args.importFile };
      process.stderr.write(`pulumi-api-keys drift: ${importable(report).length} unmanaged key(s) written to ${args.importFile}\n`);
    }
    const text = RENDERERS[args.format](report);
    process.stdout.write(text);
    if (args.output) fs.appendFileSync(args.output, text);
    if (args.jsonOutput) fs.writeFileSync(args.jsonOutput, RENDERERS.json(report));
    return exitCodeOf(report);
  } catch (e) {
    if (tty) process.stderr.write("\r\x1b[K");
    process.stderr.write(`pulumi-api-keys drift: ${redact((e as Error).message)}\n`);
    return 1;
  }
}

const INSTALL_USAGE = `usage: pulumi-api-keys install-plugin [--from RELEASE [--platform P]] [--pack-only DIR] [--pulumi PATH]

Installs the native plugin (pulumi-resource-apikeys, for Pulumi YAML and every language) into your Pulumi
home with \`pulumi plugin install resource apikeys <version> --file <archive>\`.
  (no --from)         the archive is made here from this package: a launcher that runs on Node.js 22+
  --from RELEASE      a release's self-contained archive (no Node needed), checked against the release's
                      checksums file: a folder (npm run release), an http(s) URL, or github://<host>/<owner>/<repo>
  --platform P        with --from: which platform's archive (default this machine's)
  --pack-only DIR     only write the archive into DIR (to install elsewhere with pulumi plugin install)
  --pulumi PATH       the pulumi binary (default: pulumi on PATH)
`;

export function parseInstallArgs(argv: string[]): { from?: string; platform?: string; packOnly?: string; pulumi?: string; help?: true } | string {
  const flags: Record<string, "from" | "platform" | "packOnly" | "pulumi"> = {
    "--from": "from",
    "--platform": "platform",
    "--pack-only": "packOnly",
    "--pulumi": "pulumi",
  };
  const out: { from?: string; platform?: string; packOnly?: string; pulumi?: string; help?: true } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") return { help: true };
    const key = flags[a];
    if (!key) return `unknown option ${a}`;
    const v = argv[++i];
    if (v === undefined || v.startsWith("--")) return `${a} needs a value`;
    out[key] = v;
  }
  if (out.platform !== undefined && out.from === undefined) return "--platform goes with --from (the archive made here is always this machine's)";
  return out;
}

async function installPluginCommand(argv: string[]): Promise<number> {
  const { fetchReleaseArchive, installPlugin, packPlugin } = await import("./plugin/install");
  const args = parseInstallArgs(argv);
  if (typeof args === "string" || args.help) {
    process.stderr.write(typeof args === "string" ? `pulumi-api-keys install-plugin: ${args}\n\n${INSTALL_USAGE}` : INSTALL_USAGE);
    return typeof args === "string" ? 1 : 0;
  }
  try {
    if (args.packOnly) {
      const written = args.from ? await fetchReleaseArchive({ from: args.from, platform: args.platform, outDir: args.packOnly }) : packPlugin(args.packOnly);
      process.stdout.write(`${written}\n`);
      return 0;
    }
    const r = await installPlugin({ pulumiBin: args.pulumi, from: args.from, platform: args.platform });
    process.stdout.write(
      `installed the apikeys plugin v${r.version} (pulumi-resource-apikeys) from ${r.tarball}${args.from ? ` (${args.from}, checksum verified)` : ""}\n`,
    );
    return 0;
  } catch (e) {
    const code = (e as { code?: string }).code;
    process.stderr.write(`pulumi-api-keys install-plugin: ${redact((e as Error).message)}${code?.startsWith("PAK_") ? ` [${code}]` : ""}\n`);
    return 1;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "drift") return drift(rest);
  if (command === "install-plugin") return installPluginCommand(rest);
  process.stderr.write(command && command !== "--help" && command !== "-h" ? `unknown command ${command}\n\n${USAGE}` : USAGE);
  return command && command !== "--help" && command !== "-h" ? 1 : 0;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
