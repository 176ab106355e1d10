// What every API's provider shares: its credential and endpoint (from the provider's config, then the
// environment, read in configure()), a client made from them, and a diff by the API's policy.
import { isUnknown } from "./checks";
import { ConfigSource, httpOptionsFrom, readSetting, requireSetting } from "./config";
import { setMemberChanges } from "./diff";
import { notice } from "./notice";
import { dueMessage, usedSinceRotation } from "./rotation";
import { diff } from "./lifecycle";
import { writeRunNotesWhenSettled } from "./list-served-reads";
import type { DiffResultLike } from "./provider-contract";
import type { VendorDefinition } from "./vendor";
import type { ClientOptions } from "./connection";

export abstract class ApiProvider<Client> {
  private credential?: string;
  private baseUrl?: string;
  private http?: ReturnType<typeof httpOptionsFrom>;

  /** `Client`: the vendor's client class, made for each connection. */
  protected constructor(
    private readonly settings: Pick<VendorDefinition, "credential" | "baseUrl" | "rotation" | "policy">,
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

  async diff(id: string, olds: object, news: object): Promise<DiffResultLike> {
    writeRunNotesWhenSettled(); // a refresh diffs each key it read: its notes are on disk before the engine ends this process
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
