// Drift detection: data in (a stack snapshot, live keys), report out. Read-only. It lists keys per API
// and project (one call per 100 keys where the API pages) rather than reading them one by one.
import { ConfigSource, httpOptionsFrom, providerSettingsSource, readSetting, requireSetting, settingName } from "../core/config";
import { WrongScopeError } from "../core/errors";
import { isScopeRefusal } from "../core/http";
import { canonical, DiffPolicy, liveDifferences } from "../core/diff";
import { redact, fingerprint } from "../core/redact";
import { ApiEntry, ENTRIES, nativeTypeOf, REGISTRY } from "../registry";
import { withDefaults } from "../core/fields";
import { KeyScope, ListedKey, previousRefOf, projectOf, refOf } from "../core/vendor";
import { ageDays, retirementDue, rotationDue, usedSinceRotation, valueMadeAt } from "../core/rotation";
import { IgnoreRules } from "./ignore";
import { Api, CredentialKey, DriftReport, FieldDrift, PreviousKey, ResourceReport, summarize, UnmanagedKey } from "./report";
import { listStacks, readStack, rememberScopes, scopesOf, StackResource, StackSnapshot } from "./stack";
import { usageOf } from "./usage";

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

/** Field-by-field differences between the declared and the live inputs, under a live policy (see liveDifferences). */
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

/**
 * The previous key a rotation with an overlap keeps live, as listed: when it retires, and whether a
 * service used it after the current key was made (where the vendor reports use).
 */
export function previousKeyOf(scope: KeyScope, outputs: Record<string, unknown>, live: Map<string, ListedKey>): PreviousKey | undefined {
  const ref = previousRefOf(scope, outputs);
  const retiresAt = outputs.previousRetiresAt;
  if (!ref || typeof retiresAt !== "string") return undefined;
  const listed = live.get(ref);
  const p: PreviousKey = {
    fingerprint: String(outputs[scope.previousFingerprintOutput] ?? ""),
    retiresAt,
    retirementDue: retirementDue(outputs) !== undefined,
  };
  if (!listed?.unmanaged) return { ...p, gone: true }; // not listed, or listed as no longer live (revoked)
  if (listed.lastUsed === undefined) return p;
  return { ...p, lastUsed: listed.lastUsed, inUse: usedSinceRotation(listed.lastUsed, outputs) };
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

/** A managed key with the stack it belongs to and that stack's settings. */
interface Managed {
  stack: string;
  cfg: ConfigSource;
  r: StackResource;
  /** Not a key: a scope the stack used before and no longer has a key in (listed for unmanaged keys only). */
  scopeOnly?: boolean;
}

/**
 * The explicit provider a scope's keys share, which `pulumi import` must name for keys found there;
 * none when any of them is on the default provider (or the stack uses the classes).
 */
function explicitProviderOf(keys: Managed[]): string | undefined {
  const providers = keys.filter((m) => !m.scopeOnly).map((m) => m.r.provider);
  return providers.length && providers.every((p) => p !== undefined) ? [...new Set(providers)].sort()[0] : undefined;
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
      if (!credentials.some((c) => c.api === u.api && c.id === u.id))
        credentials.push({ api: u.api, id: u.id, label: u.label, ...(u.type ? { type: u.type } : {}), ...(u.project ? { project: u.project } : {}) });
    } else if (wantUnmanaged) unmanaged.push(ignore.unmanaged(u) ? { ...u, ignored: true } : u);
  };
  // State leaves out inputs at their default: compared with the live key, each is what it stands for.
  const declared = (r: StackResource): StackResource => ({ ...r, inputs: withDefaults(REGISTRY[r.api].defaults, r.inputs) });
  const managedKeys: Managed[] = stacks.flatMap((s) => s.resources.map((r) => ({ stack: s.stack, cfg: settingsOf(s, r), r: declared(r) })));
  const all: Managed[] = [...managedKeys, ...(wantUnmanaged ? stacks.flatMap(rememberedOnly) : [])];
  // Keys any stack manages, per API: never unmanaged, whichever credential listed them.
  const managedAnywhere = (api: Api, ids: (r: StackResource) => string[]) => new Set(managedKeys.filter((m) => m.r.api === api).flatMap((m) => ids(m.r)));
  const isKey = (m: Managed) => !m.scopeOnly;
  const report = (m: Managed, fields: FieldDrift[] | "deleted", listed?: ListedKey, previous?: PreviousKey) =>
    resources.push({
      ...resourceReport(m.r, fields, ignore),
      stack: m.stack,
      ...(previous ? { previous } : {}),
      ...(listed ? usageOf(listed.lastUsed, valueMadeAt(m.r.outputs)) : {}),
    });

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

  for (const e of ENTRIES) {
    // A previous key an overlap keeps live is part of its managed key, never unmanaged.
    const managed = managedAnywhere(e.api, (r) => [refOf(e.scope, r.outputs), previousRefOf(e.scope, r.outputs)].filter((x): x is string => !!x));
    const projectOfKey = (m: Managed) => projectOf(e.scope, m.r.inputs);
    await perScope(
      e.api,
      (m) => [url(m.cfg, e), credential(m.cfg, e), projectOfKey(m)].filter((x) => x !== undefined).join(" "),
      async (keys) => {
        const cfg = keys[0]!.cfg;
        const projectId = projectOfKey(keys[0]!);
        const connection = { credential: secret(cfg, e), baseUrl: url(cfg, e), http: { ...httpOptionsFrom(cfg), ...counter(e.api) } };
        progress(`${e.api}: listing keys${projectId === undefined ? "" : ` of project ${projectId}`}`);
        const refusal = e.scope.refusal;
        const refused = refusal
          ? refusedAs(refusal.what(projectId), settingName(e.credential.setting), refusal.scope)
          : (x: unknown): never => {
              throw x;
            };
        const listed = await e.drift.list(connection, projectId).catch(refused);
        const live = new Map(listed.keys.map((k) => [k.ref, k]));
        for (const m of keys.filter(isKey)) {
          // Missing, and so is the credential that last saw it: this credential sees another project.
          const lastSeenBy = m.r.outputs.credentialFingerprint as string | undefined;
          if (listed.seen && !live.has(refOf(e.scope, m.r.outputs) ?? "") && lastSeenBy && !listed.seen.has(lastSeenBy))
            throw new WrongScopeError(`the ${e.vendor} key ${m.r.id}`, settingName(e.credential.setting), "project");
        }
        for (const m of keys.filter(isKey)) {
          const k = live.get(refOf(e.scope, m.r.outputs) ?? "");
          const fields = k ? compareFields(e.livePolicy, m.r.inputs, k.liveInputs(m.r.inputs) as Record<string, unknown>) : "deleted";
          report(m, fields, k, previousKeyOf(e.scope, m.r.outputs, live));
        }
        const credentialFingerprint = fingerprint(connection.credential);
        const provider = explicitProviderOf(keys);
        for (const k of live.values()) {
          if (!k.unmanaged || managed.has(k.ref)) continue;
          const { createdAt, ...named } = k.unmanaged;
          addUnmanaged(
            {
              api: e.api,
              ...named,
              ...(projectId === undefined ? {} : { project: projectId }),
              importType: nativeTypeOf(e),
              ...(provider ? { provider } : {}),
              ...usageOf(k.lastUsed, createdAt),
            },
            credentialFingerprint,
          );
        }
      },
    );
  }

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
