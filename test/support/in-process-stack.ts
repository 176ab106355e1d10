// "A stack against an emulator" in process: an emulator of its own on a free port, and the real
// providers driven as the engine drives them (ProviderEngine), with the checks every stage ends with.
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { EmulatorAdmin } from "./emulator-admin";
import { emulatorSettings } from "./harness";
import { Declared, ProviderEngine } from "./provider-engine";

export interface InProcessStack {
  emulator: Emulator;
  admin: EmulatorAdmin;
  engine: ProviderEngine;
  /** The calls the emulator took since it was last cleared, as `METHOD /route`. */
  calls(): Promise<string[]>;
  /** `pulumi up --skip-preview`, which must succeed. */
  up(keys: Record<string, Declared>): Promise<void>;
  /** What `pulumi preview --refresh --expect-no-changes` checks: nothing left to do. */
  expectNoChanges(keys: Record<string, Declared>): Promise<void>;
  close(): Promise<void>;
}

export async function inProcessStack(project: string): Promise<InProcessStack> {
  const emulator = createEmulator({ port: 0 });
  const admin = new EmulatorAdmin(await emulator.start());
  const s = emulatorSettings(admin.url);
  const engine = new ProviderEngine(() => ({ ...s.config, ...s.secrets }), "test", project);
  return {
    emulator,
    admin,
    engine,
    calls: async () => (await admin.requests()).map((r) => `${r.method} ${r.route}`),
    up: async (keys) => expect(await engine.up(keys)).toEqual({ code: 0 }),
    expectNoChanges: async (keys) => expect(await engine.pendingChanges(keys)).toEqual([]),
    close: () => emulator.stop(),
  };
}
