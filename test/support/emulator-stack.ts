// "A stack against an emulator", the setup every end-to-end file starts from: an emulator of its own on
// a free port, a Pulumi project with the packed package in its node_modules, and a stack whose config
// points all three APIs at the emulator with their credentials as secrets (two CLI processes).
import * as fs from "node:fs";
import { createEmulator } from "../../emulator/main";
import type { Emulator } from "../../emulator/server";
import { EmulatorAdmin } from "./emulator-admin";
import { initForEmulator, makeProject, PulumiProject } from "./harness";

export interface StackOptions {
  /** The emulator's options (it always takes a free port). */
  emulator?: { rateLimits?: boolean; empty?: boolean };
  /** More config, plaintext. */
  config?: Record<string, string>;
  /** More secrets, or other credentials in place of the emulator's. */
  secrets?: Record<string, string>;
  /** Environment for every CLI run of the stack. */
  env?: Record<string, string>;
  /** The stack's name (default "test"). */
  stack?: string;
}

export interface EmulatorStack {
  emulator: Emulator;
  admin: EmulatorAdmin;
  project: PulumiProject;
  /** Sets the `keys` config value: what a program that reads it then declares. */
  declare(keys: Record<string, unknown>): Promise<unknown>;
  /** Another stack of the same project, set up the same way against the same emulator. */
  another(stack: string, opts?: Pick<StackOptions, "config" | "secrets">): Promise<PulumiProject>;
  /** Stops the emulator and removes the project (its state with it). */
  close(): Promise<void>;
}

export async function emulatorStack(name: string, files: Record<string, string>, opts: StackOptions = {}): Promise<EmulatorStack> {
  const emulator = createEmulator({ port: 0, ...opts.emulator });
  const url = await emulator.start();
  const made = makeProject(name, files, opts.env);
  const project = opts.stack ? new PulumiProject(made.dir, opts.stack, opts.env) : made;
  await initForEmulator(project, url, { config: opts.config, secrets: opts.secrets });
  return {
    emulator,
    admin: new EmulatorAdmin(url),
    project,
    declare: (keys) => project.ok(["config", "set", "keys", JSON.stringify(keys)]),
    async another(stack, more = {}) {
      const p = new PulumiProject(project.dir, stack, opts.env);
      await initForEmulator(p, url, { config: { ...opts.config, ...more.config }, secrets: { ...opts.secrets, ...more.secrets } });
      return p;
    },
    async close() {
      await emulator.stop();
      fs.rmSync(project.dir, { recursive: true, force: true });
    },
  };
}
