// Drift detection: data in (a stack snapshot, live keys), report out. Read-only. It lists keys per API
// and project (one call per 100 keys where the API pages) rather than reading them one by one.
import { AuthApiClient, AUTHAPI_DEFAULT_URL, AUTHAPI_SETTINGS } from "../authapi/client";
import { AUTHAPI_DIFF_POLICY, liveInputs as authapiLive } from "../authapi/schema";
import { BasicClient, BASIC_DEFAULT_URL, BASIC_SETTINGS } from "../basic/client";
import { BASIC_DIFF_POLICY, liveInputs as basicLive } from "../basic/schema";
import { ConfigSource, httpOptionsFrom, readSetting, requireSetting, Setting, settingName } from "../core/config";
import { WrongScopeError } from "../core/errors";
import { isScopeRefusal } from "../core/http";
import { canonical, DiffPolicy, sameValue } from "../core/diff";
import { redact, fingerprint } from "../core/redact";
import { STATSIG_DEFAULT_URL, STATSIG_SETTINGS, StatsigClient } from "../statsig/client";
import { liveInputs as statsigLive, STATSIG_DIFF_POLICY } from "../statsig/schema";
import { IgnoreRules } from "./ignore";
import { Api, DriftReport, FieldDrift, ResourceReport, summarize, UnmanagedKey } from "./report";
import { readStack, StackResource, StackSnapshot } from "./stack";

export interface DriftOptions {
  /** The Pulumi project directory. */
  cwd: string;
  stack?: string;
  /** Report keys that exist in an API but no resource manages (default true). */
  unmanaged?: boolean;
  ignore?: IgnoreRules;
  pulumiBin?: string;
  env?: NodeJS.ProcessEnv;
  onProgress?: (message: string) => void;
}

// Not compared: the user's own triggers and secrets, which have no live counterpart to show.
const NOT_LIVE = new Set(["rotation", "customKey", "projectId"]);

/** Field-by-field differences between the declared and the live inputs, under a diff policy. */
export function compareFields(policy: DiffPolicy, declared: Record<string, unknown>, live: Record<string, unknown>): FieldDrift[] {
  const out: FieldDrift[] = [];
  for (const [field, p] of Object.entries(policy)) {
    if (p === "ignore" || NOT_LIVE.has(field)) continue;
    const isSet = p === "set";
    if (sameValue(declared[field], live[field], isSet)) continue;
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
  return { api: r.api, name: r.name, urn: r.urn, id: r.id, status: marked.length ? "drifted" : "in-sync", fields: marked };
}

function configSource(snapshot: StackSnapshot): ConfigSource {
  return { get: (k) => snapshot.config[k] };
}

/** A listing refused for the whole project or account means the credential belongs elsewhere: say so. */
const refusedAs =
  (what: string, credential: string, scope: string) =>
  (e: unknown): never => {
    throw isScopeRefusal(e) ? new WrongScopeError(what, credential, scope) : e;
  };

/** Compares a stack snapshot with the live APIs. */
export async function detectDriftIn(snapshot: StackSnapshot, opts: Omit<DriftOptions, "cwd" | "stack" | "pulumiBin"> = {}): Promise<DriftReport> {
  const ignore = opts.ignore ?? new IgnoreRules();
  const wantUnmanaged = opts.unmanaged ?? true;
  const progress = opts.onProgress ?? (() => undefined);
  const cfg = configSource(snapshot);
  const resources: ResourceReport[] = [];
  const unmanaged: UnmanagedKey[] = [];
  const errors: string[] = [];
  const apiCalls: Record<string, number> = {};
  const counter = (api: string) => ({ onAttempt: () => (apiCalls[api] = (apiCalls[api] ?? 0) + 1) });
  const url = (s: Setting, dflt: string) => readSetting(s, cfg) ?? dflt;
  const addUnmanaged = (u: UnmanagedKey) => {
    if (wantUnmanaged) unmanaged.push(ignore.unmanaged(u) ? { ...u, ignored: true } : u);
  };
  const byApi = (api: Api) => snapshot.resources.filter((r) => r.api === api);

  const guard = async (api: Api, fn: () => Promise<void>) => {
    if (!byApi(api).length) return;
    try {
      await fn();
    } catch (e) {
      errors.push(redact(`${api}: ${(e as Error).message}`));
    }
  };

  await guard("statsig", async () => {
    const c = new StatsigClient({
      consoleKey: requireSetting(STATSIG_SETTINGS.consoleKey, cfg, "Statsig Console API key"),
      baseUrl: url(STATSIG_SETTINGS.baseUrl, STATSIG_DEFAULT_URL),
      http: { ...httpOptionsFrom(cfg), ...counter("statsig") },
    });
    progress("statsig: listing keys");
    const live = new Map((await c.list()).map((k) => [k.key, k]));
    const seen = new Set([c.credentialFingerprint, ...[...live.keys()].filter(Boolean).map((k) => fingerprint(k!))]);
    const managed = new Set<string>();
    for (const r of byApi("statsig")) {
      const dto = live.get(r.outputs.key);
      // Missing, and so is the console key that last saw it: this credential sees another project.
      const lastSeenBy = r.outputs.credentialFingerprint as string | undefined;
      if (!dto && lastSeenBy && !seen.has(lastSeenBy))
        throw new WrongScopeError(`the Statsig key ${r.id}`, settingName(STATSIG_SETTINGS.consoleKey), "project");
      managed.add(r.outputs.key);
      resources.push(resourceReport(r, dto ? compareFields(STATSIG_DIFF_POLICY, r.inputs, statsigLive(dto, r.inputs) as never) : "deleted", ignore));
    }
    for (const [key, dto] of live) if (key && !managed.has(key)) addUnmanaged({ api: "statsig", id: fingerprint(key), label: dto.description, type: dto.type });
  });

  await guard("basic", async () => {
    const c = new BasicClient({
      token: requireSetting(BASIC_SETTINGS.token, cfg, "Basic API token"),
      baseUrl: url(BASIC_SETTINGS.baseUrl, BASIC_DEFAULT_URL),
      http: { ...httpOptionsFrom(cfg), ...counter("basic") },
    });
    for (const projectId of new Set(byApi("basic").map((r) => r.inputs.projectId as string))) {
      progress(`basic: listing keys of project ${projectId}`);
      const live = new Map(
        (await c.list(projectId).catch(refusedAs(`the Basic keys of project ${projectId}`, settingName(BASIC_SETTINGS.token), "account"))).map((k) => [
          k.id,
          k,
        ]),
      );
      const managed = new Set<string>();
      for (const r of byApi("basic").filter((x) => x.inputs.projectId === projectId)) {
        const k = live.get(r.outputs.keyId);
        managed.add(r.outputs.keyId);
        resources.push(resourceReport(r, k ? compareFields(BASIC_DIFF_POLICY, r.inputs, basicLive(projectId, k, r.inputs) as never) : "deleted", ignore));
      }
      for (const [id, k] of live) if (!managed.has(id)) addUnmanaged({ api: "basic", id, label: k.label, project: projectId });
    }
  });

  await guard("authapi", async () => {
    const c = new AuthApiClient({
      accessKey: requireSetting(AUTHAPI_SETTINGS.accessKey, cfg, "The Auth API access key"),
      baseUrl: url(AUTHAPI_SETTINGS.baseUrl, AUTHAPI_DEFAULT_URL),
      http: { ...httpOptionsFrom(cfg), ...counter("authapi") },
    });
    for (const projectId of new Set(byApi("authapi").map((r) => r.inputs.projectId as string))) {
      progress(`authapi: listing keys of project ${projectId}`);
      // Whether the plain list includes revoked keys is undocumented: ask for the inactive ones too.
      const refused = refusedAs(`the Auth API keys of project ${projectId}`, settingName(AUTHAPI_SETTINGS.accessKey), "project");
      const [all, inactive] = await Promise.all([c.list({ projectId }).catch(refused), c.list({ projectId, isActive: false }).catch(refused)]);
      const live = new Map([...all, ...inactive].map((k) => [k.key, k]));
      const managed = new Set<string>();
      for (const r of byApi("authapi").filter((x) => x.inputs.projectId === projectId)) {
        const k = live.get(r.outputs.key);
        managed.add(r.outputs.key);
        resources.push(resourceReport(r, k ? compareFields(AUTHAPI_DIFF_POLICY, r.inputs, authapiLive(k, projectId, r.inputs) as never) : "deleted", ignore));
      }
      for (const [key, k] of live)
        if (!managed.has(key) && k.isActive) addUnmanaged({ api: "authapi", id: fingerprint(key), label: k.name, project: projectId });
    }
  });

  return summarize({
    schemaVersion: 1,
    project: snapshot.project,
    stack: snapshot.stack,
    generatedAt: new Date().toISOString(),
    resources,
    unmanaged,
    errors,
    apiCalls,
    ...(ignore.expired.length ? { expiredIgnoreRules: ignore.expired } : {}),
  });
}

/** Reads the stack (read-only) and compares it with the live APIs. */
export async function detectDrift(opts: DriftOptions): Promise<DriftReport> {
  opts.onProgress?.("reading the stack");
  const snapshot = await readStack({ cwd: opts.cwd, stack: opts.stack, pulumiBin: opts.pulumiBin, env: opts.env });
  return detectDriftIn(snapshot, opts);
}
