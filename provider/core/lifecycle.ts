// The parts of a dynamic provider's lifecycle that are the same for every API.
import type { z } from "zod";
import { checkInputs, CheckFailure } from "./checks";
import { DiffPolicy, diffInputs } from "./diff";
import { asApiKeysError } from "./errors";

export interface CheckResultLike {
  inputs?: Record<string, unknown>;
  failures?: CheckFailure[];
}

export function check(schema: z.ZodType<any>, news: Record<string, unknown>): CheckResultLike {
  const r = checkInputs(schema, news);
  return r.failures ? { failures: r.failures } : { inputs: r.inputs };
}

export function diff(policy: DiffPolicy, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const d = diffInputs(policy, olds, news);
  return { changes: d.changed.length > 0, replaces: d.replaces, deleteBeforeReplace: false };
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
    throw wrapped;
  }
}
