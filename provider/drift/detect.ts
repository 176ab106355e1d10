// Drift detection: data in (a stack snapshot, live keys), report out. Read-only. It lists keys per API
// and project (one call per 100 keys where the API pages) rather than reading them one by one.
import { AuthApiClient } from "../authapi/client";
import { AUTHAPI_DIFF_POLICY, liveInputs as authapiLive } from "../authapi/schema";
import { BasicClient } from "../basic/client";
import { BASIC_DIFF_POLICY, liveInputs as basicLive } from "../basic/schema";
import { ConfigSource, httpOptionsFrom, providerSettingsSource, readSetting, requireSetting, settingName } from "../core/config";
import { WrongScopeError } from "../core/errors";
import { isScopeRefusal } from "../core/http";
import { canonical, DiffPolicy, liveDifferences } from "../core/diff";
import { redact, fingerprint } from "../core/redact";
import { StatsigClient } from "../statsig/client";
import { ApiEntry, REGISTRY } from "../registry";
import { liveInputs as statsigLive, STATSIG_DIFF_POLICY } from "../statsig/schema";
import { ageDays, rotationDue, valueMadeAt } from "../core/rotation";
import { IgnoreRules } from "./ignore";
import { Api, CredentialKey, DriftReport, FieldDrift, ResourceReport, summarize, UnmanagedKey } from "./report";
import { listStacks, readStack, rememberScopes, scopesOf, StackResource, StackSnapshot } from "./stack";

export interface DriftOptions {
  /** The Pulumi project directory. */
  cwd: string;
  stack?: string;
  /** Several stacks of the project, read together (a key any of them manages is not unmanaged). */
  stacks?: string[];
  /** Every stack of the project in the backend. */
  allStacks?: boolean;
  /** Report keys that exist in an API but no resource manages (default true). */
  unmanaged?: boolean;
  ignore?: IgnoreRules;
  pulumiBin?: string;
  env?: NodeJS.ProcessEnv;
  onProgress?: (message: string) => void;
  /** Told what did not stop the report but should be known (a scope that could not be remembered). */
  onWarning?: (message: string) => void;
}

/** Field-by-field differences between the declared and the live inputs, under a diff policy. */
export function compareFields(policy: DiffPolicy, declared: Record<string, unknown>, live: Record<string, unknown>): FieldDrift[] {
  const out: FieldDrift[] = [];
  for (const field of liveDifferences(policy, declared, live)) {
    const isSet = policy[field] === "set";
    const d: FieldDrift = { field, declared: canonical(declared[field]) ?? null, live: canonical(live[field]) ?? null };
    if (isSet) {
      const a = new Set((declared[field] as string[] | undefined) ?? []);
      const b = new Set((live[field] as string[] | undefined) ?? []);
      d.added = [...b].filter((x) => !a.has(x)).sort();
      d.removed = [...a].filter((x) => !b.has(x)).sort();
    }
    out.push(d);
  }
  return out;
}

function resourceReport(r: StackResource, fields: FieldDrift[] | "deleted", ignore: IgnoreRules): ResourceReport {
  if (fields === "deleted") return { api: r.api, name: r.name, urn: r.urn, id: r.id, status: "deleted", fields: [] };
  const marked = fields.map((f) => (ignore.field(r.name, r.urn, f.field) ? { ...f, ignored: true } : f));
  return { api: r.api, name: r.name, urn: r.urn, id: r.id, status: marked.length ? "drifted" : "in-sync", fields: marked, ...ageOf(r) };
}

/** The key's age and, under a rotateAfter policy, whether it is due. */
function ageOf(r: StackResource): Pick<ResourceReport, "rotatedAt" | "ageDays" | "rotateAfter" | "rotationDue"> {
  const at = valueMadeAt(r.outputs);
  if (at === undefined) return {};
  const policy = typeof r.inputs.rotateAfter === "string" ? r.inputs.rotateAfter : undefined;
  const due = rotationDue(policy, r.outputs);
  return { rotatedAt: at, ageDays: ageDays(at)!, ...(policy ? { rotateAfter: policy, rotationDue: due?.due ?? false } : {}) };
}

function configSource(snapshot: StackSnapshot): ConfigSource {
  return { get: (k) => snapshot.config[k] };
}

/** A key's settings: its native provider's (named without a namespace), else the stack's config. */
function settingsOf(snapshot: StackSnapshot, r: StackResource): ConfigSource {
  const own = r.providerConfig;
  return own ? providerSettingsSource(own) : configSource(snapshot);
}

/** A listing refused for the whole project or account means the credential belongs elsewhere: say so. */
const refusedAs =
  (what: string, credential: string, scope: string) =>
  (e: unknown): never => {
    throw isScopeRefusal(e) ? new WrongScopeError(what, credential, scope) : e;
  };

/** Compares a stack snapshot with the live APIs. */
/** A managed key with the stack it belongs to and that stack's settings. */
interface Managed {
  stack: string;
  cfg: ConfigSource;
  r: StackResource;
  /** Not a key: a scope the stack used before and no longer has a key in (listed for unmanaged keys only). */
  scopeOnly?: boolean;
}

/** Stand-ins for the remembered scopes that no key in the snapshot is in, so that they are listed too. */
function rememberedOnly(s: StackSnapshot): Managed[] {
  const inState = new Set(scopesOf(s.resources).map((x) => JSON.stringify(x)));
  return (s.scopes ?? [])
    .filter((x) => !inState.has(JSON.stringify(x)))
    .map((x) => ({
      stack: s.stack,
      cfg: configSource(s),
      scopeOnly: true,
      r: { api: x.api, name: "", urn: "", id: "", inputs: x.projectId ? { projectId: x.projectId } : {}, outputs: {} },
    }));
}

/**
 * Compares stack snapshots with the live APIs. Several stacks may share a vendor project: each scope
 * (API, endpoint, credential and project) is listed once, and a key managed by any stack is not unmanaged.
 */
export async function detectDriftIn(
  snapshots: StackSnapshot | StackSnapshot[],
  opts: Omit<DriftOptions, "cwd" | "stack" | "stacks" | "pulumiBin"> = {},
): Promise<DriftReport> {
  const stacks = Array.isArray(snapshots) ? snapshots : [snapshots];
  const ignore = opts.ignore ?? new IgnoreRules();
  const wantUnmanaged = opts.unmanaged ?? true;
  const progress = opts.onProgress ?? (() => undefined);
  const resources: ResourceReport[] = [];
  const unmanaged: UnmanagedKey[] = [];
  const credentials: CredentialKey[] = [];
  const errors: string[] = [];
  const apiCalls: Record<string, number> = {};
  const counter = (api: string) => ({ onAttempt: () => (apiCalls[api] = (apiCalls[api] ?? 0) + 1) });
  const url = (cfg: ConfigSource, e: ApiEntry) => readSetting(e.baseUrl.setting, cfg) ?? e.baseUrl.default;
  const secret = (cfg: ConfigSource, e: ApiEntry) => requireSetting(e.credential.setting, cfg, e.credential.what);
  /** A key no stack manages: the credential in use (by fingerprint), or unmanaged. */
  const addUnmanaged = (u: UnmanagedKey, credentialFingerprint?: string) => {
    if (u.id === credentialFingerprint) {
      if (!credentials.some((c) => c.api === u.api && c.id === u.id)) credentials.push(u);
    } else if (wantUnmanaged) unmanaged.push(ignore.unmanaged(u) ? { ...u, ignored: true } : u);
  };
  const managedKeys: Managed[] = stacks.flatMap((s) => s.resources.map((r) => ({ stack: s.stack, cfg: settingsOf(s, r), r })));
  const all: Managed[] = [...managedKeys, ...(wantUnmanaged ? stacks.flatMap(rememberedOnly) : [])];
  // Keys any stack manages, per API: never unmanaged, whichever credential listed them.
  const managedAnywhere = (api: Api, id: (r: StackResource) => string) => new Set(managedKeys.filter((m) => m.r.api === api).map((m) => id(m.r)));
  const isKey = (m: Managed) => !m.scopeOnly;
  const report = (m: Managed, fields: FieldDrift[] | "deleted") => resources.push({ ...resourceReport(m.r, fields, ignore), stack: m.stack });

  /** Runs `fn` once per scope of `api`'s keys; a failure is reported as that scope's error. */
  const perScope = async (api: Api, scopeOf: (m: Managed) => string, fn: (keys: Managed[]) => Promise<void>) => {
    const scopes = new Map<string, Managed[]>();
    for (const m of all.filter((x) => x.r.api === api)) {
      let scope: string;
      try {
        scope = scopeOf(m);
      } catch (e) {
        if (m.scopeOnly) continue; // a scope used before, whose API the stack no longer configures
        scope = `error:${(e as Error).message}`; // a missing credential: reported once, by fn
      }
      scopes.set(scope, [...(scopes.get(scope) ?? []), m]);
    }
    for (const keys of scopes.values()) {
      try {
        await fn(keys);
      } catch (e) {
        errors.push(redact(`${api}: ${(e as Error).message}`));
      }
    }
  };
  const credential = (cfg: ConfigSource, e: ApiEntry) => fingerprint(secret(cfg, e));

  const statsigManaged = managedAnywhere("statsig", (r) => r.outputs.key);
  await perScope(
    "statsig",
    (m) => `${url(m.cfg, REGISTRY.statsig)} ${credential(m.cfg, REGISTRY.statsig)}`,
    async (keys) => {
      const cfg = keys[0]!.cfg;
      const c = new StatsigClient({
        consoleKey: secret(cfg, REGISTRY.statsig),
        baseUrl: url(cfg, REGISTRY.statsig),
        http: { ...httpOptionsFrom(cfg), ...counter("statsig") },
      });
      progress("statsig: listing keys");
      const live = new Map((await c.list()).map((k) => [k.key, k]));
      const seen = new Set([c.credentialFingerprint, ...[...live.keys()].filter(Boolean).map((k) => fingerprint(k!))]);
      for (const m of keys.filter(isKey)) {
        const dto = live.get(m.r.outputs.key);
        // Missing, and so is the console key that last saw it: this credential sees another project.
        const lastSeenBy = m.r.outputs.credentialFingerprint as string | undefined;
        if (!dto && lastSeenBy && !seen.has(lastSeenBy))
          throw new WrongScopeError(`the Statsig key ${m.r.id}`, settingName(REGISTRY.statsig.credential.setting), "project");
      }
      for (const m of keys.filter(isKey)) {
        const dto = live.get(m.r.outputs.key);
        report(m, dto ? compareFields(STATSIG_DIFF_POLICY, m.r.inputs, statsigLive(dto, m.r.inputs) as never) : "deleted");
      }
      for (const [key, dto] of live)
        if (key && !statsigManaged.has(key))
          addUnmanaged({ api: "statsig", id: fingerprint(key), label: dto.description, type: dto.type }, c.credentialFingerprint);
    },
  );

  const basicManaged = managedAnywhere("basic", (r) => r.outputs.keyId);
  await perScope(
    "basic",
    (m) => `${url(m.cfg, REGISTRY.basic)} ${credential(m.cfg, REGISTRY.basic)} ${m.r.inputs.projectId}`,
    async (keys) => {
      const cfg = keys[0]!.cfg;
      const projectId = keys[0]!.r.inputs.projectId as string;
      const c = new BasicClient({
        token: secret(cfg, REGISTRY.basic),
        baseUrl: url(cfg, REGISTRY.basic),
        http: { ...httpOptionsFrom(cfg), ...counter("basic") },
      });
      progress(`basic: listing keys of project ${projectId}`);
      const refused = refusedAs(`the Basic keys of project ${projectId}`, settingName(REGISTRY.basic.credential.setting), "account");
      const live = new Map((await c.list(projectId).catch(refused)).map((k) => [k.id, k]));
      for (const m of keys.filter(isKey)) {
        const k = live.get(m.r.outputs.keyId);
        report(m, k ? compareFields(BASIC_DIFF_POLICY, m.r.inputs, basicLive(projectId, k, m.r.inputs) as never) : "deleted");
      }
      for (const [id, k] of live) if (!basicManaged.has(id)) addUnmanaged({ api: "basic", id, label: k.label, project: projectId });
    },
  );

  const authapiManaged = managedAnywhere("authapi", (r) => r.outputs.key);
  await perScope(
    "authapi",
    (m) => `${url(m.cfg, REGISTRY.authapi)} ${credential(m.cfg, REGISTRY.authapi)} ${m.r.inputs.projectId}`,
    async (keys) => {
      const cfg = keys[0]!.cfg;
      const projectId = keys[0]!.r.inputs.projectId as string;
      const c = new AuthApiClient({
        accessKey: secret(cfg, REGISTRY.authapi),
        baseUrl: url(cfg, REGISTRY.authapi),
        http: { ...httpOptionsFrom(cfg), ...counter("authapi") },
      });
      progress(`authapi: listing keys of project ${projectId}`);
      // Whether the plain list includes revoked keys is undocumented: ask for the inactive ones too.
      const refused = refusedAs(`the Auth API keys of project ${projectId}`, settingName(REGISTRY.authapi.credential.setting), "project");
      const [active, inactive] = await Promise.all([c.list({ projectId }).catch(refused), c.list({ projectId, isActive: false }).catch(refused)]);
      const live = new Map([...active, ...inactive].map((k) => [k.key, k]));
      for (const m of keys.filter(isKey)) {
        const k = live.get(m.r.outputs.key);
        report(m, k ? compareFields(AUTHAPI_DIFF_POLICY, m.r.inputs, authapiLive(k, projectId, m.r.inputs) as never) : "deleted");
      }
      for (const [key, k] of live)
        if (!authapiManaged.has(key) && k.isActive)
          addUnmanaged({ api: "authapi", id: fingerprint(key), label: k.name, project: projectId }, credential(cfg, REGISTRY.authapi));
    },
  );

  return summarize({
    schemaVersion: 1,
    project: stacks[0]?.project ?? "",
    stack: stacks.map((s) => s.stack).join(", "),
    ...(stacks.length > 1 ? { stacks: stacks.map((s) => s.stack) } : {}),
    generatedAt: new Date().toISOString(),
    resources,
    unmanaged,
    credentials,
    errors,
    apiCalls,
    ...(ignore.expired.length ? { expiredIgnoreRules: ignore.expired } : {}),
  });
}

/** Reads the stack, or several (read-only), and compares them with the live APIs. */
export async function detectDrift(opts: DriftOptions): Promise<DriftReport> {
  const read = { cwd: opts.cwd, pulumiBin: opts.pulumiBin, env: opts.env };
  const names = opts.allStacks ? await listStacks(read) : (opts.stacks ?? [opts.stack]);
  opts.onProgress?.(names.length > 1 ? `reading ${names.length} stacks` : "reading the stack");
  const snapshots = await Promise.all(names.map((stack) => readStack({ ...read, stack })));
  const report = await detectDriftIn(snapshots, opts);
  // Remembered after the report, so that a `pulumi state delete` of a scope's last key leaves it listed.
  for (const s of snapshots) for (const problem of await rememberScopes(read, s)) opts.onWarning?.(problem);
  return report;
}
