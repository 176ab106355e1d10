// Rotation on a schedule. `rotateAfter` is a policy ("90d", "12w", "720h"); `rotatedAt` records when the
// key's current value was made. A key whose value is at least as old as its policy is due: `pulumi up`
// rotates it the way a new `rotation` value does. Time comes from `clock`, which only tests replace.
import * as z from "zod/mini";

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const POLICY = /^([1-9][0-9]{0,5})([hdw])$/;

/** The one clock of rotation and key age. Tests set `now`; nothing a user sets reaches it. */
export const clock = { now: (): number => Date.now() };

/** The rule of a rotation policy or overlap, built when called (core/once.ts says why). */
export const rotateAfterRule = () =>
  z
    .string({ error: 'must be a duration: a whole number and h, d or w ("720h", "90d", "12w")' })
    .check(z.regex(POLICY, 'must be a duration: a whole number and h, d or w ("720h", "90d", "12w")'));

/**
 * The rule across `rotateAfter` and `rotationOverlap` (fields.ts applies it to every table with both): an
 * overlap as long as the policy would keep a previous key live past the next rotation.
 */
export function overlapShorterThanPolicy(a: { rotateAfter?: unknown; rotationOverlap?: unknown }, ctx: z.core.$RefinementCtx): void {
  const [policy, overlap] = [a.rotateAfter, a.rotationOverlap];
  if (typeof policy !== "string" || typeof overlap !== "string" || !POLICY.test(policy) || !POLICY.test(overlap)) return;
  if (policyMs(overlap) >= policyMs(policy))
    ctx.addIssue({ code: "custom", path: ["rotationOverlap"], message: `must be shorter than rotateAfter (${policy})` });
}

export function policyMs(policy: string): number {
  const m = POLICY.exec(policy);
  if (!m) throw new Error(`not a rotateAfter policy: ${policy}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** When the key's current value was made: its record, else (state from before rotatedAt) its creation time. */
export function valueMadeAt(state: { rotatedAt?: unknown; createdAt?: unknown }): string | undefined {
  const at = typeof state.rotatedAt === "string" ? state.rotatedAt : typeof state.createdAt === "string" ? state.createdAt : undefined;
  return at !== undefined && !Number.isNaN(Date.parse(at)) ? at : undefined;
}

/** Whole days since `at` (undefined when unknown). */
export function ageDays(at: string | undefined, now = clock.now()): number | undefined {
  return at === undefined ? undefined : Math.floor((now - Date.parse(at)) / UNIT_MS.d);
}

import type { RotationState } from "./provider-contract";
export type { RotationState };

/** Whether the declared policy makes the key due, judged on its state (undefined: no policy, or age unknown). */
export function rotationDue(policy: unknown, state: { rotatedAt?: unknown; createdAt?: unknown }, now = clock.now()): RotationState | undefined {
  if (typeof policy !== "string" || !POLICY.test(policy)) return undefined;
  const at = valueMadeAt(state);
  if (at === undefined) return undefined;
  return { due: now - Date.parse(at) >= policyMs(policy), ageDays: ageDays(at, now)!, policy };
}

/** What preview says about a due key: "rotation due: 92 days old, policy 90d". */
export function dueMessage(r: RotationState): string {
  return `rotation due: ${r.ageDays} day${r.ageDays === 1 ? "" : "s"} old, policy ${r.policy}`;
}

export const nowIso = (): string => new Date(clock.now()).toISOString();

/** When a previous value kept by a rotation with `overlap` retires: the rotation time plus the overlap. */
export const retiresAt = (overlap: string, now = clock.now()): string => new Date(now + policyMs(overlap)).toISOString();

/**
 * Whether a previous value was used once its successor existed: its last use is no earlier than the
 * rotation (a use in the rotation's own millisecond counts: better a needless warning than a missed one).
 */
export function usedSinceRotation(lastUsed: string | null | undefined, state: { rotatedAt?: unknown; createdAt?: unknown }): boolean {
  const since = valueMadeAt(state);
  return !!lastUsed && since !== undefined && Date.parse(lastUsed) >= Date.parse(since);
}

/** What a rotation with an overlap records, from one reading of the clock: previousRetiresAt is exactly rotatedAt plus the overlap. */
export function overlapTimes(overlap: string, now = clock.now()): { rotatedAt: string; previousRetiresAt: string } {
  return { rotatedAt: new Date(now).toISOString(), previousRetiresAt: retiresAt(overlap, now) };
}

/** The retirement a previous value is due for, if any: its overlap has ended. */
export function retirementDue(state: { previousRetiresAt?: unknown }, now = clock.now()): string | undefined {
  const at = state.previousRetiresAt;
  return typeof at === "string" && now >= Date.parse(at) ? at : undefined;
}
