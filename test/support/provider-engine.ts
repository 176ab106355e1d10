// Drives the real provider objects the way Pulumi's engine drives a dynamic provider, in this process:
// check, then create / diff + update / replace (create before delete) / delete for `up`, read for
// `refresh`, and the partial-write contract (an error carrying `id` and `properties` is recorded, marked
// unfinished, and updated by the next `up`). What only the engine does (serialization, checkpoints,
// previews in another process) stays in the CLI tests; this layer proves the providers' logic fast.
import type { Api } from "../../provider/registry";
import type { LifecycleProvider } from "../../provider/core/lifecycle";
import type { DriftReport } from "../../provider/drift/report";
import type { StackSnapshot } from "../../provider/drift/stack";

export interface StateResource {
  name: string;
  api: Api;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** Recorded from a failed write's partial result: the next `up` updates it whatever its diff says. */
  unfinished?: boolean;
}

export interface Declared {
  api: Api;
  args: Record<string, unknown>;
}

export interface RunResult {
  code: 0 | 1;
  /** The first error's message (the engine stops at the first failed step, as here). */
  error?: string;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** What one provider process holds: the providers, configured from the stack's settings, and the drift core. */
interface ProviderProcess {
  providers: Record<Api, LifecycleProvider>;
  detect: (s: StackSnapshot) => Promise<DriftReport>;
}

/**
 * The provider modules loaded afresh and configured, as a new provider process has them: each `pulumi`
 * run starts its own, so nothing a process keeps (its ledger of writes, listings, rate budget) carries
 * over from the last run. Notices (what `pulumi up` would print as warnings) go to `notices`.
 */
async function providerProcess(settings: Record<string, string>, notices: string[]): Promise<ProviderProcess> {
  let loaded!: ProviderProcess;
  jest.isolateModules(() => {
    const { ENTRIES } = require("../../provider/registry") as typeof import("../../provider/registry");
    loaded = {
      providers: Object.fromEntries(ENTRIES.map((e) => [e.api, e.provider()])) as Record<Api, LifecycleProvider>,
      detect: require("../../provider/drift/detect").detectDriftIn,
    };
    require("../../provider/core/notice").setNoticeSink(async (m: string) => void notices.push(m));
  });
  for (const p of Object.values(loaded.providers)) await p.configure({ config: { get: (k: string) => settings[k] } });
  return loaded;
}

export class ProviderEngine {
  state: StateResource[] = [];
  /** What the last run told the user (warnings, notes). */
  notices: string[] = [];
  private process?: ProviderProcess;

  /** `settings` is read at every run: change the stack's settings (a credential, say) between runs. */
  constructor(
    private readonly settings: () => Record<string, string>,
    readonly stack = "test",
    readonly project = "in-process",
  ) {}

  private async newRun(): Promise<void> {
    this.notices = [];
    this.process = await providerProcess(this.settings(), this.notices);
  }

  private provider(api: Api): LifecycleProvider {
    if (!this.process) throw new Error("no provider process: a run starts one");
    return this.process.providers[api];
  }

  /** The state as the drift command reads it from a stack. */
  snapshot(): StackSnapshot {
    return {
      project: this.project,
      stack: this.stack,
      config: this.settings(),
      resources: this.state.map((r) => ({
        api: r.api,
        name: r.name,
        urn: `urn:pulumi:${this.stack}::${this.project}::${r.name}`,
        id: r.id,
        inputs: r.inputs,
        outputs: r.outputs,
      })),
    };
  }

  /** The drift command's report on this state (read-only). */
  async drift(): Promise<DriftReport> {
    await this.newRun();
    return this.process!.detect(this.snapshot());
  }

  /** `pulumi up --skip-preview`: converges the state on the declared keys, one step at a time. */
  async up(declared: Record<string, Declared>): Promise<RunResult> {
    await this.newRun();
    try {
      for (const [name, d] of Object.entries(declared)) await this.converge(name, d);
      for (const r of this.state.filter((s) => !(s.name in declared))) {
        await this.provider(r.api).delete(r.id, clone(r.outputs));
        this.state = this.state.filter((s) => s !== r);
      }
      return { code: 0 };
    } catch (e) {
      return { code: 1, error: (e as Error).message };
    }
  }

  private async converge(name: string, d: Declared): Promise<void> {
    const p = this.provider(d.api);
    const old = this.state.find((s) => s.name === name);
    const checked = await p.check(clone(old?.inputs ?? {}), clone(d.args));
    if (checked.failures?.length) throw new Error(checked.failures.map((f) => f.reason).join("; "));
    const inputs = checked.inputs!;
    if (!old) {
      const made = await this.recording(name, d.api, inputs, () => p.create(clone(inputs)));
      this.state.push({ name, api: d.api, id: made.id, inputs, outputs: made.outs });
      return;
    }
    const diff = await p.diff(old.id, clone(old.outputs), clone(inputs));
    if (diff.replaces.length) {
      // Create before delete, the engine's default: the old key goes only once the new one exists.
      const made = await this.recording(name, d.api, inputs, () => p.create(clone(inputs)));
      await p.delete(old.id, clone(old.outputs));
      this.state = this.state.map((s) => (s === old ? { name, api: d.api, id: made.id, inputs, outputs: made.outs } : s));
      return;
    }
    if (!diff.changes && !old.unfinished) return;
    try {
      const { outs } = await p.update(old.id, clone(old.outputs), clone(inputs));
      Object.assign(old, { inputs, outputs: outs, unfinished: false });
    } catch (e) {
      const partial = e as { properties?: Record<string, unknown> };
      if (partial.properties) Object.assign(old, { inputs, outputs: partial.properties, unfinished: true });
      throw e;
    }
  }

  /** A create whose error names the key it made is recorded as that key, unfinished (the engine's ResourceInitError). */
  private async recording(
    name: string,
    api: Api,
    inputs: Record<string, unknown>,
    create: () => Promise<{ id: string; outs: Record<string, unknown> }>,
  ): Promise<{ id: string; outs: Record<string, unknown> }> {
    try {
      return await create();
    } catch (e) {
      const partial = e as { id?: string; properties?: Record<string, unknown> };
      if (partial.id) this.state.push({ name, api, id: partial.id, inputs, outputs: partial.properties ?? {}, unfinished: true });
      throw e;
    }
  }

  /** `pulumi refresh --skip-preview`: every key read; one that reads as gone leaves the state. */
  async refresh(): Promise<RunResult> {
    await this.newRun();
    try {
      this.state = await this.refreshed(this.state);
      return { code: 0 };
    } catch (e) {
      return { code: 1, error: (e as Error).message };
    }
  }

  private async refreshed(state: StateResource[]): Promise<StateResource[]> {
    const out: StateResource[] = [];
    for (const r of state) {
      const read = await this.provider(r.api).read(r.id, clone(r.outputs));
      if (!read.id) continue;
      out.push({ ...r, id: read.id, outputs: read.props ?? {}, inputs: read.inputs ?? r.inputs });
    }
    return out;
  }

  /**
   * `pulumi preview` (with `refresh`, `pulumi preview --refresh`): what an `up` would do to each key,
   * without doing it: create, update, replace, delete, same, or `failed: <reasons>` where check refuses.
   */
  async plan(declared: Record<string, Declared>, opts: { refresh?: boolean } = {}): Promise<Record<string, string>> {
    await this.newRun();
    const state = opts.refresh ? await this.refreshed(clone(this.state)) : clone(this.state);
    const ops: Record<string, string> = {};
    for (const [name, d] of Object.entries(declared)) {
      const old = state.find((s) => s.name === name);
      const p = this.provider(d.api);
      const checked = await p.check(clone(old?.inputs ?? {}), clone(d.args));
      if (checked.failures?.length) ops[name] = `failed: ${checked.failures.map((f) => f.reason).join("; ")}`;
      else if (!old) ops[name] = "create";
      else {
        const diff = await p.diff(old.id, clone(old.outputs), clone(checked.inputs!));
        ops[name] = diff.replaces.length ? "replace" : diff.changes || old.unfinished ? "update" : "same";
      }
    }
    for (const r of state.filter((s) => !(s.name in declared))) ops[r.name] = "delete";
    return ops;
  }

  /** `pulumi preview --refresh --expect-no-changes`: what is left to do, as `name: op`; empty when nothing is. */
  async pendingChanges(declared: Record<string, Declared>): Promise<string[]> {
    const ops = await this.plan(declared, { refresh: true });
    return Object.entries(ops)
      .filter(([, op]) => op !== "same")
      .map(([name, op]) => `${name}: ${op}`);
  }
}
