// What every API's provider shares: its credential and endpoint (from the provider's config, then the
// environment, read in configure()), a client made from them, and a diff by the API's policy.
import { isUnknown } from "./checks";
import { ConfigSource, httpOptionsFrom, readSetting, requireSetting } from "./config";
import { setMemberChanges } from "./diff";
import { notice } from "./notice";
import { dueMessage, usedSinceRotation } from "./rotation";
import { diff } from "./lifecycle";
import { writeRunNotesWhenSettled } from "./list-served-reads";
import { withDefaults, withoutDefaults } from "./fields";
import type { CheckResultLike, DiffResultLike, ReadResult } from "./provider-contract";
import type { VendorDefinition } from "./vendor";
import type { ClientOptions } from "./connection";

/** `Stored`: the vendor's state as the engine keeps it (fields.ts `StoredOf`). */
export abstract class ApiProvider<Client, Stored extends object = Record<string, unknown>> {
  private credential?: string;
  private baseUrl?: string;
  private http?: ReturnType<typeof httpOptionsFrom>;

  /** `Client`: the vendor's client class, made for each connection. */
  protected constructor(
    private readonly settings: Pick<VendorDefinition, "credential" | "baseUrl" | "rotation" | "policy" | "defaults">,
    private readonly Client: new (c: ClientOptions) => Client,
  ) {}

  async configure(req: { config: ConfigSource }): Promise<void> {
    this.credential = readSetting(this.settings.credential.setting, req.config);
    this.baseUrl = readSetting(this.settings.baseUrl.setting, req.config);
    this.http = httpOptionsFrom(req.config);
    this.made = undefined;
  }

  /** The last client made, and what it was made from: a refresh asks for one per key, and making one hashes the credential. */
  private made?: { options: ClientOptions; limits: string; from: string; client: Client };

  protected client(): Client {
    const { credential: c, baseUrl: u } = this.settings;
    const credential = this.credential ?? requireSetting(c.setting, undefined, c.what);
    const baseUrl = this.baseUrl ?? readSetting(u.setting, undefined) ?? u.default;
    const http = this.http ?? httpOptionsFrom(undefined);
    // The environment can still change what a client is made from (when configure gave no setting, and the rate-limit switch).
    const limits = process.env.PULUMI_API_KEYS_RATE_LIMITS ?? "";
    const m = this.made;
    // Configured, the same three values come back on every call: compared as they are, with nothing made per key.
    if (m && m.limits === limits && m.options.credential === credential && m.options.baseUrl === baseUrl && m.options.http === http) return m.client;
    const options: ClientOptions = { credential, baseUrl, http };
    const from = JSON.stringify([options, limits]);
    const client = m?.from === from ? m.client : new this.Client(options);
    this.made = { options, limits, from, client };
    return client;
  }

  /**
   * When a service last used the previous key a rotation with an overlap kept (null: never), where the
   * vendor reports use; undefined where it does not (the default).
   */
  protected async previousLastUsed(_olds: Record<string, unknown>): Promise<string | null | undefined> {
    return undefined;
  }

  /** What preview says of a previous key: its retirement, and any use of it after the new key was made. */
  async notePrevious(id: string, olds: Record<string, unknown>, retires: string | undefined): Promise<void> {
    if (typeof olds.previousRetiresAt !== "string") return;
    // Only a note: a failed lookup never fails the preview.
    const lastUsed = await this.previousLastUsed(olds).catch(() => undefined);
    const use = usedSinceRotation(lastUsed, olds) ? `last used ${lastUsed}, after the new key was made` : undefined;
    if (retires)
      await notice(
        `${id}: retires previous key: overlap ended ${retires}${use ? `; it was ${use}: a service still holding it stops working` : ""}`,
        use ? "warn" : "info",
      );
    else if (use) await notice(`${id}: previous key still in use: ${use}; it retires at ${olds.previousRetiresAt}`, "warn");
  }

  // The lifecycle as the engine calls it. State keeps an input left at its default as absent (fields.ts
  // `withoutDefaults` says why); each vendor's own steps (`checkKey` …) see every default filled.

  /** Validates the declaration: the canonical inputs as state keeps them, or the failures. */
  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResultLike> {
    const r = await this.checkKey(olds, news);
    return r.inputs ? { ...r, inputs: this.stored(r.inputs, olds) } : r;
  }

  async create(inputs: object): Promise<{ id: string; outs: Stored }> {
    const r = await this.createKey(this.filled(inputs));
    return { id: r.id, outs: this.stored(r.outs) as Stored };
  }

  async read(id: string, props: object | undefined): Promise<ReadResult> {
    const r = await this.readKey(id, this.filled(props ?? {}));
    if (r.props) r.props = this.stored(r.props, props);
    if (r.inputs) r.inputs = this.stored(r.inputs, props);
    return r;
  }

  async update(id: string, olds: object, news: object): Promise<{ outs: Stored }> {
    return { outs: this.stored((await this.updateKey(id, this.filled(olds), this.filled(news))).outs, olds) as Stored };
  }

  async delete(id: string, props: object): Promise<void> {
    return this.deleteKey(id, this.filled(props));
  }

  /** `pulumi import`: an existing key, found by its import id (never its secret), as state. */
  async adopt(importId: string): Promise<{ id: string; props: Record<string, unknown>; inputs: Record<string, unknown> }> {
    const r = await this.adoptKey(importId);
    return { id: r.id, props: this.stored(r.props), inputs: this.stored(r.inputs) };
  }

  protected abstract checkKey(olds: object, news: Record<string, unknown>): Promise<CheckResultLike>;
  protected abstract createKey(inputs: object): Promise<{ id: string; outs: object }>;
  /** The live key, compared with the state's (its defaults filled); see core/declared.ts `readAnswer`. */
  protected abstract readKey(id: string, props: object): Promise<ReadResult>;
  protected abstract updateKey(id: string, olds: object, news: object): Promise<{ outs: object }>;
  protected abstract adoptKey(importId: string): Promise<{ id: string; props: object; inputs: object }>;
  protected abstract deleteKey(id: string, props: object): Promise<void>;

  /** Inputs or state from the engine, every default filled. */
  protected filled<T extends object>(o: T): T {
    return withDefaults(this.settings.defaults, o);
  }

  /** Inputs or state for the engine, values at their default left out (but where `prior` holds another). */
  private stored(o: object, prior?: object): Record<string, unknown> {
    return withoutDefaults(this.settings.defaults, o, prior) as Record<string, unknown>;
  }

  async diff(id: string, olds: object, news: object): Promise<DiffResultLike> {
    writeRunNotesWhenSettled(); // a refresh diffs each key it read: its notes are on disk before the engine ends this process
    olds = this.filled(olds);
    news = this.filled(news);
    const d = diff(this.settings.policy, olds as Record<string, unknown>, news as Record<string, unknown>, this.settings.rotation);
    if (d.due) await notice(`${id}: ${dueMessage(d.due)}`, "info");
    await this.notePrevious(id, olds as Record<string, unknown>, d.retires);
    // The engine shows a list's change position by position, which for a set reads as churn. Say what it
    // is, in counts only: a member may be a secret, and this process cannot tell which inputs are.
    for (const field of d.changed.filter((f) => this.settings.policy[f] === "set" && !isUnknown((news as Record<string, unknown>)[f]))) {
      const m = Object.values(setMemberChanges(field, asList(olds, field), asList(news, field)));
      const added = m.filter((k) => k !== "delete").length;
      const removed = m.filter((k) => k !== "add").length;
      await notice(`${id}: ${field} is a set: ${added} added, ${removed} removed (the positions in the diff do not matter)`, "info");
    }
    return d;
  }
}

const asList = (o: object, field: string): unknown[] => {
  const v = (o as Record<string, unknown>)[field];
  return Array.isArray(v) ? v : [];
};
