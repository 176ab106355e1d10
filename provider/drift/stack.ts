// Reads a stack without changing it: `pulumi stack export --show-secrets` (the declared inputs and the
// key values needed to address keys) and `pulumi config --show-secrets --json` (credentials).
/* eslint-disable @typescript-eslint/no-explicit-any -- this file reads the JSON the CLI exports; callers check its shape */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { declaredInputs } from "../core/declared";
import { projectOf } from "../core/vendor";
import { ApiKeysError } from "../core/errors";
import { fingerprint } from "../core/redact";
import { Api, APIS, apiOfType, PACKAGE, REGISTRY } from "../registry";

export interface StackResource {
  api: Api;
  name: string;
  urn: string;
  id: string;
  /** The inputs the last `up` declared (state inputs, with any declared values a refresh displaced). */
  inputs: Record<string, any>;
  outputs: Record<string, any>;
  /** Native plugin resources: their provider's settings (credential, URL), which the stack's config may not hold. */
  providerConfig?: Record<string, string>;
  /** The URN of its explicit provider resource (a native plugin resource not on the default provider). */
  provider?: string;
}

export interface StackSnapshot {
  project: string;
  stack: string;
  resources: StackResource[];
  config: Record<string, string>;
  /** Vendor scopes the stack has used, remembered in its tags: listed even when no key of it is left in state. */
  scopes?: VendorScope[];
}

/** Where a stack's keys live, apart from endpoint and credential (the stack's settings give those). */
export interface VendorScope {
  api: Api;
  /** The project, where the vendor's keys live in projects (its definition's scope.projectInput); none for account-wide keys. */
  projectId?: string;
}

/** Stack tags that hold the remembered scopes: one per scope, named by a digest of its value. */
export const SCOPE_TAG_PREFIX = "pulumi-api-keys.scope.";

const scopeValue = (s: VendorScope) => JSON.stringify(s.projectId ? { api: s.api, projectId: s.projectId } : { api: s.api });
// The same 16-hex-digit SHA-256 digest as a key fingerprint: tags already in stacks keep their names.
const scopeTag = (s: VendorScope) => SCOPE_TAG_PREFIX + fingerprint(scopeValue(s));

/** The scopes of a stack's keys. */
export function scopesOf(resources: StackResource[]): VendorScope[] {
  const out = new Map<string, VendorScope>();
  for (const r of resources) {
    const projectId = projectOf(REGISTRY[r.api].scope, r.inputs);
    const scope: VendorScope = projectId === undefined ? { api: r.api } : { api: r.api, projectId };
    out.set(scopeValue(scope), scope);
  }
  return [...out.values()];
}

function scopesFromTags(tags: Record<string, string>): VendorScope[] {
  const out: VendorScope[] = [];
  for (const [name, value] of Object.entries(tags)) {
    if (!name.startsWith(SCOPE_TAG_PREFIX)) continue;
    try {
      const v = JSON.parse(value) as VendorScope;
      if ((APIS as readonly string[]).includes(v.api)) out.push(v.projectId ? { api: v.api, projectId: String(v.projectId) } : { api: v.api });
    } catch {
      // not ours, or edited by hand: skipped
    }
  }
  return out;
}

/**
 * Adds the scopes the snapshot's keys use to the stack's remembered ones (stack tags; never its state).
 * Returns what could not be remembered, for a warning: an old backend without tags does not fail a report.
 */
export async function rememberScopes(opts: { cwd: string; pulumiBin?: string; env?: NodeJS.ProcessEnv }, snapshot: StackSnapshot): Promise<string[]> {
  const known = new Set((snapshot.scopes ?? []).map(scopeValue));
  const problems: string[] = [];
  for (const scope of scopesOf(snapshot.resources).filter((x) => !known.has(scopeValue(x)))) {
    await pulumi(
      opts.pulumiBin ?? "pulumi",
      ["stack", "tag", "set", "--stack", snapshot.stack, scopeTag(scope), scopeValue(scope)],
      opts.cwd,
      opts.env ?? process.env,
    ).catch((e: Error) => problems.push(`could not remember that stack ${snapshot.stack} uses ${scopeValue(scope)}: ${e.message}`));
  }
  return problems;
}

/** A provider resource's inputs as settings: `statsigConsoleApiKey` and so on, strings. */
function providerSettings(inputs: Record<string, any>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(inputs)) if (v !== undefined && v !== null && k !== "version") out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

/** The URN in a provider reference (`<urn>::<id>`), unless it is a default provider (`default`, `default_0_2_0`). */
function explicitProvider(ref: unknown): string | undefined {
  if (typeof ref !== "string") return undefined;
  const urn = ref.slice(0, ref.lastIndexOf("::"));
  return /::default(_[0-9_]+.*)?$/.test(urn) ? undefined : urn;
}

function pulumi(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(bin, [...args, "--non-interactive"], { cwd, env, maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err)
        reject(
          new ApiKeysError(
            "PAK_INVALID_INPUT",
            "user",
            `pulumi ${args.slice(0, 2).join(" ")} failed: ${(stderr || err.message).trim().split("\n").slice(-3).join(" ")}`,
          ),
        );
      else resolve(stdout);
    }),
  );
}

/** Unwraps `{plaintext: "<json>"}` secret envelopes that `--show-secrets` leaves in place. */
export function revealSecrets(v: any): any {
  if (Array.isArray(v)) return v.map(revealSecrets);
  if (v && typeof v === "object") {
    if ("4dabf18193072939515e22adb298388d" in v && "plaintext" in v) return revealSecrets(JSON.parse(v.plaintext));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revealSecrets(x)]));
  }
  return v;
}

/** The project's name from its Pulumi.yaml (`name:`), or the directory's name when it has none. */
function projectNameIn(cwd: string): string {
  for (const f of ["Pulumi.yaml", "Pulumi.yml"]) {
    const file = path.join(cwd, f);
    if (fs.existsSync(file)) {
      const name = (parse(fs.readFileSync(file, "utf8")) as { name?: unknown } | null)?.name;
      if (typeof name === "string" && name) return name;
    }
  }
  return path.basename(path.resolve(cwd));
}

export async function readStack(opts: { cwd: string; stack?: string; pulumiBin?: string; env?: NodeJS.ProcessEnv }): Promise<StackSnapshot> {
  const bin = opts.pulumiBin ?? "pulumi";
  const env = opts.env ?? process.env;
  const stackArgs = opts.stack ? ["--stack", opts.stack] : [];
  const [exported, config, tags] = await Promise.all([
    pulumi(bin, ["stack", "export", "--show-secrets", ...stackArgs], opts.cwd, env),
    pulumi(bin, ["config", "--show-secrets", "--json", ...stackArgs], opts.cwd, env),
    // A backend without stack tags remembers nothing; the report still covers the scopes in state.
    pulumi(bin, ["stack", "tag", "ls", "--json", ...stackArgs], opts.cwd, env).catch(() => "{}"),
  ]);
  const deployment = JSON.parse(exported).deployment ?? {};
  const all: Array<Record<string, any>> = deployment.resources ?? [];
  const stackRes = all.find((r) => r.type === "pulumi:pulumi:Stack");
  // A stack never deployed has no Stack resource to name it: ask the CLI and read Pulumi.yaml instead.
  const [, stackName = "", projectName = ""] = stackRes
    ? (/^urn:pulumi:([^:]+)::([^:]+)::/.exec(stackRes.urn) ?? [])
    : ["", opts.stack ?? (await pulumi(bin, ["stack", "--show-name"], opts.cwd, env)).trim(), projectNameIn(opts.cwd)];
  // Native plugin resources name their provider as `<urn>::<id>`; its inputs hold the settings.
  const providers = new Map<string, Record<string, string>>();
  for (const r of all)
    if (String(r.type).startsWith(`pulumi:providers:${PACKAGE}`)) providers.set(`${r.urn}::${r.id}`, providerSettings(revealSecrets(r.inputs ?? {})));
  const resources: StackResource[] = all
    .filter((r) => apiOfType(r.type) && !r.delete)
    .map((r) => ({
      api: apiOfType(r.type)!,
      ...(r.provider && providers.has(r.provider) ? { providerConfig: providers.get(r.provider) } : {}),
      ...(explicitProvider(r.provider) ? { provider: explicitProvider(r.provider) } : {}),
      name: String(r.urn).split("::").pop()!,
      urn: r.urn,
      id: r.id,
      // What the last `up` declared, not what a later refresh wrote over it.
      inputs: declaredInputs(revealSecrets(r.inputs ?? {}), revealSecrets(r.outputs ?? {})),
      outputs: revealSecrets(r.outputs ?? {}),
    }));
  const cfg: Record<string, string> = {};
  for (const [k, v] of Object.entries<any>(JSON.parse(config || "{}")))
    if (v && v.value !== undefined) cfg[k] = typeof v.value === "string" ? v.value : JSON.stringify(v.value);
  let scopes: VendorScope[] = [];
  try {
    scopes = scopesFromTags(JSON.parse(tags || "{}") as Record<string, string>);
  } catch {
    // unreadable tags: nothing remembered
  }
  return { project: projectName, stack: stackName, resources, config: cfg, scopes };
}

/** Every stack of the project in the backend (`pulumi stack ls --json`), by name. */
export async function listStacks(opts: { cwd: string; pulumiBin?: string; env?: NodeJS.ProcessEnv }): Promise<string[]> {
  const out = await pulumi(opts.pulumiBin ?? "pulumi", ["stack", "ls", "--json"], opts.cwd, opts.env ?? process.env);
  const names = (JSON.parse(out || "[]") as Array<{ name: string }>).map((s) => s.name.split("/").pop()!);
  if (!names.length) throw new ApiKeysError("PAK_INVALID_INPUT", "user", `the project in ${opts.cwd} has no stacks in this backend`);
  return names;
}
