// The Statsig key's dynamic provider: thin lifecycle methods; the mapping lives in schema.ts and the
// HTTP in client.ts. This object is this file's module.exports, so that installed from node_modules
// it serializes into state as a `require` of the package, not as a copy of its code.
import type * as pulumi from "@pulumi/pulumi";
import { ApiProvider } from "../core/api-provider";
import type { StoredOf } from "../core/fields";
import { settingName } from "../core/config";
import { diffInputs } from "../core/diff";
import { nowIso, retirementDue, overlapTimes } from "../core/rotation";
import { AmbiguousCreateError, ApiKeysError } from "../core/errors";
import {
  check,
  goneOnlyInSameScope,
  rotatesNow,
  importIdParts,
  nothingToImport,
  refuseRotatingWhileOff,
  step,
  thenRecordingOnFailure,
} from "../core/lifecycle";
import { aheadOfCreates, createOnce, rotateOnce, unsettledRead, UnsettledWriteError } from "../core/reconcile";
import type { ReadResult } from "../core/provider-contract";
import { readAnswer, withoutDeclared } from "../core/declared";
import { fingerprint } from "../core/redact";
import { STATSIG } from "./definition";
import { STATSIG_WIRE, StatsigClient } from "./client";
import {
  createBody,
  KEY_FIELDS,
  keyArgsCanonical,
  STATSIG_DIFF_POLICY,
  KeyDto,
  KeyInputs,
  KeyState,
  liveInputs,
  matchesDeclaration,
  updateBody,
} from "./schema";

/** `prior`: the state the key had, whose value stands in for one the API left out, and whose fingerprint is kept while the value is the same. */
function toState(i: KeyInputs, dto: KeyDto, prior?: Partial<KeyState>): KeyState {
  const key = dto.key ?? prior?.key;
  if (!key) throw new AmbiguousCreateError("the API returned the key without its value");
  const keyFingerprint = key === prior?.key && prior.keyFingerprint ? prior.keyFingerprint : fingerprint(key);
  return { ...i, key, keyFingerprint, status: dto.status };
}

/** The previous value's outputs of a state, if a rotation with an overlap kept one. */
const previousOf = (s: Partial<KeyState>): Pick<KeyState, "previousKey" | "previousKeyFingerprint" | "previousRetiresAt"> =>
  s.previousKey ? { previousKey: s.previousKey, previousKeyFingerprint: s.previousKeyFingerprint, previousRetiresAt: s.previousRetiresAt } : {};

class StatsigKeyProvider extends ApiProvider<StatsigClient, StoredOf<KeyState, typeof KEY_FIELDS>> implements pulumi.dynamic.ResourceProvider {
  constructor() {
    super(STATSIG, StatsigClient);
  }

  protected override async previousLastUsed(olds: Partial<KeyState>) {
    return olds.previousKey ? ((await this.client().get(olds.previousKey))?.lastUsed ?? null) : undefined;
  }

  protected async checkKey(olds: Partial<KeyInputs>, news: Record<string, unknown>) {
    const r = refuseRotatingWhileOff(check(keyArgsCanonical(), news), olds, "deactivated");
    if (!r.failures?.length && olds.type === undefined) await aheadOfCreates(() => this.listing(this.client()));
    return r;
  }

  protected async createKey(inputs: KeyInputs) {
    return step("creating a Statsig key", async () => {
      const c = this.client();
      // A new key is active until the deactivate that may follow.
      const { key: dto } = await createOnce({
        ...this.listing(c),
        create: () => c.create(createBody(inputs)),
        matches: (k) => matchesDeclaration(k, { ...inputs, active: true }),
      });
      const created: KeyState = { ...toState(inputs, dto), credentialFingerprint: c.credentialFingerprint, rotatedAt: nowIso() };
      const id = `statsig-${inputs.type.toLowerCase()}-${created.keyFingerprint}`;
      if (inputs.active) return { id, outs: created };
      await thenRecordingOnFailure(
        id,
        () => created,
        () => c.deactivate(created.key),
      );
      return { id, outs: { ...created, status: "deactivated" } satisfies KeyState };
    });
  }

  /** The project's keys, for reconciling a create or rotate whose answer was lost. */
  private listing(c: StatsigClient) {
    return { scope: c.scope, list: () => c.list(), before: () => c.keysBefore(), idOf: (k: KeyDto) => (k.key ? fingerprint(k.key) : ""), graceMs: c.graceMs };
  }

  protected async readKey(id: string, props: Partial<KeyState>): Promise<ReadResult> {
    return step("reading a Statsig key", async () => {
      if (!props?.key) {
        throw new ApiKeysError(
          "PAK_INVALID_INPUT",
          "user",
          `cannot read ${id}: a Statsig key is addressed by its secret value, which this state does not hold (pulumi import is not supported; see the README)`,
        );
      }
      const c = this.client();
      const dto = await c.read(props.key);
      if (!dto) {
        if (props.unsettled) throw unsettledRead(id);
        // Deleted out of band: gone, not an error; unless this console key sees another project.
        if (props.credentialFingerprint) await this.goneOnlyInSameProject(c, props.credentialFingerprint, id);
        return {};
      }
      const inputs = liveInputs(dto, props);
      const state: KeyState = { ...toState(inputs, dto, props), credentialFingerprint: c.credentialFingerprint };
      if (props.rotatedAt) state.rotatedAt = props.rotatedAt; // not a live property: the record is ours
      if (props.previousKey) Object.assign(state, previousOf(props)); // so is the previous value an overlap keeps
      return readAnswer(STATSIG_DIFF_POLICY, id, props, state, inputs);
    });
  }

  protected async updateKey(id: string, olds: KeyState, news: KeyInputs) {
    return step("updating a Statsig key", async () => {
      const c = this.client();
      const { changed } = diffInputs(STATSIG_DIFF_POLICY, olds, news);
      // The key as it exists now, kept current call by call: if a later call fails, Pulumi records this.
      let now: KeyState = withoutDeclared(olds);
      const patch = updateBody(news, changed);
      await thenRecordingOnFailure(
        id,
        () => now,
        async () => {
          if (Object.keys(patch).length) {
            await c.update(now.key, patch);
            now = { ...now, ...news, rotation: olds.rotation, active: olds.active };
          }
          // A previous value retires when its overlap ends, and before a rotation would make a third value.
          if (now.previousKey && (retirementDue(now) || rotatesNow(olds, news))) {
            await c.retire(now.previousKey);
            const { previousKey: _k, previousKeyFingerprint: _f, previousRetiresAt: _r, ...rest } = now;
            now = rest;
          }
          if (rotatesNow(olds, news) && news.rotationOverlap) {
            // The old value stays live through the overlap: a new key with the same settings takes over.
            const from = now.key;
            const { key: dto } = await createOnce({
              ...this.listing(c),
              create: () => c.create(createBody({ ...news, active: true })),
              matches: (k) => k.key !== from && matchesDeclaration(k, { ...news, active: true }),
            });
            const next = toState(news, dto);
            now = {
              ...now,
              rotation: news.rotation,
              key: next.key,
              keyFingerprint: next.keyFingerprint,
              status: next.status,
              ...overlapTimes(news.rotationOverlap),
              previousKey: from,
              previousKeyFingerprint: fingerprint(from),
            };
          } else if (rotatesNow(olds, news)) {
            const from = now.key;
            const rotated = await rotateOnce({
              ...this.listing(c),
              rotate: () => c.rotate(from),
              stillOld: async () => (await c.get(from)) !== undefined,
              // Rotated while active (a deactivate, if declared, follows); the PATCH above already applied.
              matches: (k) => matchesDeclaration(k, { ...news, active: true }),
            }).catch((e) => {
              if (e instanceof UnsettledWriteError) now = { ...now, unsettled: "rotate" }; // kept in state, marked
              throw e;
            });
            const key = rotated.key ?? now.key;
            now = { ...now, rotation: news.rotation, key, keyFingerprint: fingerprint(key), rotatedAt: nowIso() };
          }
          // Judged by the live status, not the diff: a create whose deactivate failed is finished here.
          if (!news.active && now.status === "active") {
            await c.deactivate(now.key);
            now = { ...now, status: "deactivated" };
          }
        },
      );
      return {
        outs: {
          ...news,
          key: now.key,
          keyFingerprint: now.keyFingerprint,
          status: now.status,
          credentialFingerprint: c.credentialFingerprint,
          // Keys from before rotatedAt start their clock at their first update.
          rotatedAt: now.rotatedAt ?? nowIso(),
          ...previousOf(now),
        } satisfies KeyState,
      };
    });
  }

  /** `pulumi import` by `<type>/<fingerprint>`: the value itself never appears in an id or a command line. */
  protected async adoptKey(importId: string) {
    return step("importing a Statsig key", async () => {
      const [type, fp] = importIdParts(importId, "<type>/<fingerprint>, for example server/0f3a9c1b2d4e5f60", /^[a-z]+$/, /^[0-9a-f]{16}$/);
      const c = this.client();
      const dto = (await c.list()).find((k) => k.key && fingerprint(k.key) === fp && k.type.toLowerCase() === type);
      if (!dto) throw nothingToImport(`a Statsig ${type} key with fingerprint ${fp}`, settingName(STATSIG_WIRE.settings.credential));
      const inputs = liveInputs(dto, {});
      const state: KeyState = { ...toState(inputs, dto), credentialFingerprint: c.credentialFingerprint };
      return { id: `statsig-${type}-${fp}`, props: state, inputs };
    });
  }

  private goneOnlyInSameProject(c: StatsigClient, credentialFingerprint: string, id: string): Promise<void> {
    return goneOnlyInSameScope(() => c.seesProjectOf(credentialFingerprint), `the Statsig key ${id}`, settingName(STATSIG_WIRE.settings.credential), "project");
  }

  protected async deleteKey(id: string, props: KeyState) {
    return step("deleting a Statsig key", async () => {
      const c = this.client();
      if (props.previousKey) await c.retire(props.previousKey); // retired with it
      // Already gone is done, in the key's own project; another project's console key proves nothing.
      if (!(await c.delete(props.key)) && props.credentialFingerprint) await this.goneOnlyInSameProject(c, props.credentialFingerprint, id);
    });
  }
}

export = new StatsigKeyProvider();
