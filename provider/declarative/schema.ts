// The declarative format: plain data that becomes key resources. No Pulumi here, so it can be
// validated (and tested) on its own. Errors name the source, the key and the field.
//
//   vars:                      # values shared by several keys: "${vars.name}"
//     shop: checkout
//   keys:
//     statsig:
//       checkout-server: { type: SERVER, description: checkout, targetApp: "${vars.shop}" }
//     basic:
//       ci: { projectId: 6f1c…, label: ci, roles: [read] }
//     authapi:
//       billing: { projectId: proj_1, name: billing, customKey: { secretConfig: partnerKey } }
//   defaults:                  # fields every key gets unless it sets its own
//     rotateAfter: 90d         #   (a key with customKey keeps a custom value: no schedule)
//     rotationOverlap: 7d      #   the old value stays live that long after each rotation
//   stacks:                    # per-stack overrides, merged over each key's fields
//     dev:
//       statsig:
//         checkout-server: { environments: [development] }
import * as z from "zod";
import { issuesToFailures } from "../core/checks";
import { InputError } from "../core/errors";
import { rotateAfterRule } from "../core/rotation";
import { Api, APIS } from "../registry";
import { REGISTRY } from "../registry";

export { APIS };
export type DeclaredApi = Api;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const KeyMap = z.record(z.string().regex(NAME, "key names use letters, digits, . _ -"), z.record(z.string(), z.unknown()));
const ApiMap = z.strictObject(Object.fromEntries(APIS.map((a) => [a, KeyMap.optional()])) as Record<Api, z.ZodOptional<typeof KeyMap>>);

type KeysByName = Record<string, Record<string, unknown>>;
type KeysByApi = Partial<Record<DeclaredApi, KeysByName>>;

/** A keys file (or the stack config object): shared vars, keys per API, per-stack overrides. */
export interface KeysDocument {
  vars?: Record<string, string | number | boolean | string[]>;
  /** Fields every key gets unless it sets its own: a rotation policy. */
  defaults?: { rotateAfter?: string; rotationOverlap?: string };
  keys: KeysByApi;
  stacks?: Record<string, KeysByApi>;
}

const DocumentSchema: z.ZodType<KeysDocument> = z.strictObject({
  vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional(),
  defaults: z.strictObject({ rotateAfter: z.optional(rotateAfterRule()), rotationOverlap: z.optional(rotateAfterRule()) }).optional(),
  keys: ApiMap,
  stacks: z.record(z.string(), ApiMap).optional(),
});

/** A field whose value comes from a secret stack config key, resolved by the Pulumi side. */
export interface SecretConfigRef {
  secretConfig: string;
}
export const isSecretRef = (v: unknown): v is SecretConfigRef =>
  typeof v === "object" && v !== null && Object.keys(v).length === 1 && typeof (v as SecretConfigRef).secretConfig === "string";

export interface DeclaredKey {
  api: DeclaredApi;
  name: string;
  args: Record<string, unknown>;
}

/**
 * Replaces "${vars.x}" (whole value or inside a string) everywhere. An unknown var is a problem of its
 * own: it is listed, its field is left out, and the key's other fields are still checked.
 */
function interpolate(v: unknown, vars: Record<string, unknown>, where: string, problems: string[]): unknown {
  if (typeof v === "string") {
    let missing = false;
    const lookup = (n: string) => {
      if (n in vars) return vars[n];
      problems.push(`${where}: refers to \${vars.${n}}, which vars does not define`);
      missing = true;
      return undefined;
    };
    const whole = /^\$\{vars\.([A-Za-z0-9_-]+)\}$/.exec(v);
    const out = whole ? lookup(whole[1]!) : v.replace(/\$\{vars\.([A-Za-z0-9_-]+)\}/g, (_m, n: string) => String(lookup(n)));
    return missing ? UNRESOLVED : out;
  }
  if (Array.isArray(v)) return v.map((x, i) => interpolate(x, vars, `${where}[${i}]`, problems));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolate(x, vars, `${where}.${k}`, problems)]));
  return v;
}

const UNRESOLVED = Symbol("unresolved var");
const holdsUnresolved = (v: unknown): boolean =>
  v === UNRESOLVED || (Array.isArray(v) ? v.some(holdsUnresolved) : !!v && typeof v === "object" && Object.values(v).some(holdsUnresolved));

/**
 * Validates a document and resolves it for one stack: overrides merged, vars substituted, every key's
 * fields checked with the resource's own rules. Throws one InputError listing every problem.
 */
export function resolveKeys(data: unknown, source: string, stack: string): DeclaredKey[] {
  const doc = DocumentSchema.safeParse(data ?? {});
  if (!doc.success) {
    const list = issuesToFailures(doc.error.issues).map((f) => `${source}: ${f.property}: ${f.reason}`);
    throw new InputError(source, `invalid keys document:\n  ${list.join("\n  ")}`);
  }
  const vars = doc.data.vars ?? {};
  const overrides = doc.data.stacks?.[stack] ?? {};
  const problems: string[] = [];
  const out: DeclaredKey[] = [];
  for (const api of APIS) {
    for (const name of Object.keys(overrides[api] ?? {})) {
      if (!doc.data.keys[api]?.[name]) problems.push(`${source}: stacks.${stack}.${api}.${name}: overrides a key that keys.${api} does not declare`);
    }
    for (const [name, base] of Object.entries(doc.data.keys[api] ?? {})) {
      const where = `${source}: ${api}.${name}`;
      const before = problems.length;
      const own = { ...base, ...(overrides[api]?.[name] ?? {}) };
      // A custom Auth API value is the user's to change, so it takes no default schedule.
      const defaults = "customKey" in own ? {} : (doc.data.defaults ?? {});
      const merged = interpolate({ ...defaults, ...own }, vars, where, problems) as Record<string, unknown>;
      // Fields with an unresolved var were reported above; every other field is still checked, once.
      const unresolved = new Set(Object.keys(merged).filter((k) => holdsUnresolved(merged[k])));
      // Secret references are resolved later, by Pulumi; validate them as the strings they will be.
      const probe = Object.fromEntries(
        Object.entries(merged)
          .filter(([k]) => !unresolved.has(k))
          .map(([k, v]) => [k, isSecretRef(v) ? "secret-placeholder" : v]),
      );
      for (const f of REGISTRY[api].argsProblems(probe))
        if (!unresolved.has(f.property.split(/[.[]/)[0]!)) problems.push(`${where}.${f.property}: ${f.reason}`);
      if (problems.length === before) out.push({ api, name, args: merged });
    }
  }
  if (problems.length) throw new InputError(source, `invalid keys:\n  ${problems.join("\n  ")}`);
  return out;
}
