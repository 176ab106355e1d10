// The parts of a dynamic provider's lifecycle that are the same for every API.
import { checkInputs, InputSchema, isUnknown } from "./checks";
import type { CheckResultLike, DiffResultLike, RotationBy, RotationState } from "./provider-contract";
export type { CheckResultLike, DiffResultLike, LifecycleProvider, RotationBy } from "./provider-contract";
import { hasDisplacedDeclaration } from "./declared";
import { retirementDue, rotationDue } from "./rotation";
import { DiffPolicy, diffInputs, rotates } from "./diff";
import { ApiKeysError, asApiKeysError, WrongScopeError } from "./errors";
import { isScopeRefusal } from "./http";
import { unsettledRead } from "./reconcile";

/**
 * Validates a resource's inputs. Each failure goes to the engine with an empty `property` and the field
 * named in its reason: given a property, the engine prints that input's value next to the failure, and
 * a dynamic provider cannot tell which inputs are secrets (the engine strips the marking before Check).
 */
export function check(schema: InputSchema, news: Record<string, unknown>): CheckResultLike {
  const r = checkInputs(schema, news);
  return r.failures ? { failures: r.failures.map((f) => ({ property: "", reason: `${f.property}: ${f.reason}` })) } : { inputs: r.inputs };
}

/**
 * Statsig and The Auth API cannot rotate a key that is switched off. Switching it off and rotating in
 * one run works (the update rotates first); rotating a key that stays off is refused at preview.
 */
export function refuseRotatingWhileOff(r: CheckResultLike, olds: { active?: boolean; rotation?: unknown }, off: string): CheckResultLike {
  const news = r.inputs as { active?: boolean; rotation?: unknown } | undefined;
  if (news && olds.active === false && news.active === false && !isUnknown(news.rotation) && rotates(olds, news)) {
    return { failures: [{ property: "", reason: `rotation: cannot rotate a ${off} key: set active: true, or keep rotation as it was` }] };
  }
  return r;
}

export function diff(policy: DiffPolicy, olds: Record<string, unknown>, news: Record<string, unknown>, rotationBy: RotationBy = "in-place"): DiffResultLike {
  const d = diffInputs(policy, olds, news);
  const due = dueForRotation(olds, news);
  const retires = retirementDue(olds);
  // With an overlap, a rotation is in place for every API: a new key is made and the old one kept live.
  const overlap = typeof news.rotationOverlap === "string";
  const byReplacement = rotationBy === "replace" && !overlap;
  const replaces = due && byReplacement && !d.replaces.length ? ["rotateAfter"] : overlap ? d.replaces.filter((f) => f !== "rotation") : d.replaces;
  // A refresh that found drift left the old declaration in state: an update settles it, even when the
  // program now declares what is live (then it makes no API call).
  return {
    changes: d.changed.length > 0 || hasDisplacedDeclaration(olds) || due !== undefined || retires !== undefined,
    replaces,
    deleteBeforeReplace: false,
    changed: d.changed,
    ...(due ? { due } : {}),
    ...(retires ? { retires } : {}),
  };
}

/**
 * The rotation a key's age calls for, if any: its declared policy is due, and it can be rotated (a key
 * switched off or expired cannot; it is rotated when it is back on).
 */
export function dueForRotation(olds: Record<string, unknown>, news: Record<string, unknown>): RotationState | undefined {
  if (news.active === false || olds.status === "expired" || isUnknown(news.rotateAfter)) return undefined;
  const r = rotationDue(news.rotateAfter, olds);
  return r?.due ? r : undefined;
}

/** Whether an update rotates the value: a new `rotation` value, or the age the policy allows reached. */
export function rotatesNow(olds: object, news: object): boolean {
  return rotates(olds, news) || dueForRotation(olds as Record<string, unknown>, news as Record<string, unknown>) !== undefined;
}

/** Runs a lifecycle step, turning whatever it throws into a redacted ApiKeysError with its code in the message. */
export async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = asApiKeysError(e);
    const wrapped = new Error(`[${err.code}] ${what}: ${err.message}`);
    (wrapped as { code?: string }).code = err.code;
    wrapped.stack = wrapped.message; // the stack would only show our internals
    const partial = (e as { partial?: PartialWrite }).partial;
    // The dynamic provider's partial-failure contract: with `id` and `properties` on the error, Pulumi
    // records the key as it now is (marked as not fully initialised) and the next `up` finishes the job.
    // JSON round trip: protobuf's Struct cannot encode `undefined` (the host would crash and hang the run).
    if (partial) Object.assign(wrapped, { id: partial.id, properties: JSON.parse(JSON.stringify(partial.properties)), reasons: [wrapped.message] });
    throw wrapped;
  }
}

export interface PartialWrite {
  id: string;
  properties: Record<string, unknown>;
}

/**
 * Runs the calls that follow a write that already happened (deactivate after create, rotate after a
 * PATCH). If one fails, the error carries what exists now, so the key is recorded rather than lost.
 */
export async function thenRecordingOnFailure<T>(id: string, soFar: () => object, rest: () => Promise<T>): Promise<T> {
  try {
    return await rest();
  } catch (e) {
    throw Object.assign(asApiKeysError(e), { partial: { id, properties: soFar() as Record<string, unknown> } satisfies PartialWrite });
  }
}

/**
 * A key the credential cannot see is gone only if the credential sees the project or account the key
 * was created in. Otherwise it belongs elsewhere, and calling the key deleted would lose it from state.
 */
export async function goneOnlyInSameScope(seesKeysScope: () => Promise<boolean>, what: string, credential: string, scope: string): Promise<void> {
  if (!(await seesKeysScope())) throw new WrongScopeError(what, credential, scope);
}

/**
 * A key read by its own GET, for a refresh: undefined when it is gone, which counts only if the credential
 * still sees the key's scope (`stillInScope` throws otherwise). A refusal of the scope is checked the same way.
 * `unsettled`: the key's create or rotation never got its answer, so a miss is not yet a deletion.
 */
export async function readUnlessGone<T>(
  read: () => Promise<T | undefined>,
  stillInScope: () => Promise<void>,
  unsettled?: { id: string; since?: unknown },
): Promise<T | undefined> {
  const live = await read().catch(async (e) => {
    if (isScopeRefusal(e)) await stillInScope();
    throw e;
  });
  if (live) return live;
  if (unsettled?.since) throw unsettledRead(unsettled.id);
  await stillInScope();
  return undefined;
}

/** Splits an import id `<scope>/<name>` and checks each part; a wrong id is the user's error, naming the form. */
export function importIdParts(importId: string, form: string, scope: RegExp, name: RegExp): [string, string] {
  const m = /^([^/]+)\/([^/]+)$/.exec(importId);
  if (!m || !scope.test(m[1]!) || !name.test(m[2]!)) {
    throw new ApiKeysError("PAK_INVALID_INPUT", "user", `the import id must be ${form}`);
  }
  return [m[1]!, m[2]!];
}

/** An import id that names no key the credential sees. */
export function nothingToImport(what: string, credential: string): ApiKeysError {
  return new ApiKeysError(
    "PAK_NOT_FOUND",
    "user",
    `${what} was not found with ${credential}: check the id, and that the credential belongs to the key's project or account`,
  );
}
