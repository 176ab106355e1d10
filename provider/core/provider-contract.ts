// What a vendor's lifecycle provides, as types only: the plugin, the dynamic resources and the
// registry's entries refer to these without loading (or declaring) the code behind them, so no schema
// library reaches the public declarations a user's compiler reads.
import type { ConfigSource } from "./config";

/** A check failure: the input's path and the rule it breaks. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** A key's age against its rotateAfter policy. */
export interface RotationState {
  due: boolean;
  /** Whole days since the value was made. */
  ageDays: number;
  policy: string;
}

export interface CheckResultLike {
  inputs?: Record<string, unknown>;
  failures?: CheckFailure[];
}

export interface DiffResultLike {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The inputs that differ (the native plugin sends them to the engine as its detailed diff). */
  changed: string[];
  /** Set when the key's value is as old as its rotateAfter policy: the update (or replacement) rotates it. */
  due?: RotationState;
  /** Set when a previous value's overlap has ended (its previousRetiresAt): the update retires it. */
  retires?: string;
}

/** How an API rotates a due key: in place (Statsig, The Auth API), or by a new key replacing it (Basic). */
export type RotationBy = "in-place" | "replace";

/** A read's answer: nothing when the key is gone; its inputs only when they differ from the state's (core/declared.ts). */
export interface ReadResult {
  id?: string;
  props?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
}

/** What each API's provider module exports: the dynamic provider's methods, and the plugin's import. */
export interface LifecycleProvider {
  configure(req: { config: ConfigSource }): Promise<void>;
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResultLike>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffResultLike>;
  /** What preview says of a previous key an overlap keeps: its retirement (`retires`), and any use since the rotation. */
  notePrevious(id: string, olds: Record<string, unknown>, retires: string | undefined): Promise<void>;
  create(inputs: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }>;
  read(id: string, props: Record<string, unknown>): Promise<ReadResult>;
  update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs: Record<string, unknown> }>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
  /** `pulumi import`: finds an existing key by its import id (never its secret) and returns it as state. */
  adopt(importId: string): Promise<{ id: string; props: Record<string, unknown>; inputs: Record<string, unknown> }>;
}
