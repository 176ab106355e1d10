// The Auth API key's dynamic provider (module.exports of this file; see statsig/provider.ts).
// The API addresses a key by its secret value, so the id is a fingerprint of the first value and the
// current value lives in the secret `key` output. A revoked key still exists (the list with
// isActive=false shows it): that is drift on `active`, repaired by reactivate, not a deletion.
import type * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "../core/checks";
import { ApiProvider } from "../core/api-provider";
import type { StoredOf } from "../core/fields";
import { settingName } from "../core/config";
import type { ReadResult } from "../core/provider-contract";
import { readAnswer, withoutDeclared } from "../core/declared";
import { diffInputs, rotates } from "../core/diff";
import { secretFieldNames } from "../core/vendor";
import { nowIso, retirementDue, overlapTimes, valueMadeAt } from "../core/rotation";
import { InputError } from "../core/errors";
import {
  check,
  goneOnlyInSameScope,
  readUnlessGone,
  rotatesNow,
  importIdParts,
  nothingToImport,
  refuseRotatingWhileOff,
  step,
  thenRecordingOnFailure,
} from "../core/lifecycle";
import { aheadOfCreates, createOnce, rotateOnce, settleOnce, UnsettledWriteError } from "../core/reconcile";
import { fingerprint } from "../core/redact";
import { AUTHAPI } from "./definition";
import { AUTHAPI_WIRE, AuthApiClient } from "./client";
import {
  API_KEY_FIELDS,
  apiKeyArgsCanonical,
  ApiKeyDto,
  ApiKeyInputs,
  ApiKeyState,
  AUTHAPI_DIFF_POLICY,
  createBody,
  isExpired,
  liveInputs,
  matchesDeclaration,
  updateBody,
} from "./schema";

function toState(i: ApiKeyInputs, k: ApiKeyDto, rotatedAt?: string): ApiKeyState {
  const status = k.isActive ? "active" : isExpired(k) ? "expired" : "revoked";
  const s: ApiKeyState = { ...i, key: k.key, keyFingerprint: fingerprint(k.key), env: k.env, isActive: k.isActive, status, createdAt: k.createdAt };
  if (k.expiresAt) s.expiresAt = k.expiresAt;
  if (rotatedAt) s.rotatedAt = rotatedAt;
  return s;
}

/** The previous value's outputs of a state, if a rotation with an overlap kept one. */
const previousOf = (s: Partial<ApiKeyState>): Pick<ApiKeyState, "previousKey" | "previousKeyFingerprint" | "previousRetiresAt"> =>
  s.previousKey ? { previousKey: s.previousKey, previousKeyFingerprint: s.previousKeyFingerprint, previousRetiresAt: s.previousRetiresAt } : {};

const PATCHED = ["name", "customAccountId", "customUserId", "customMetaData", "expiry", "rateLimit", "customKey"];

class AuthApiKeyProvider extends ApiProvider<AuthApiClient, StoredOf<ApiKeyState, typeof API_KEY_FIELDS>> implements pulumi.dynamic.ResourceProvider {
  constructor() {
    super(AUTHAPI, AuthApiClient);
  }

  protected async checkKey(olds: Partial<ApiKeyInputs>, news: Record<string, unknown>) {
    const r = refuseRotatingWhileOff(check(apiKeyArgsCanonical(), news), olds, "revoked");
    // A past expiry is refused when it is declared (a new key, or a changed date), never later, when
    // an unchanged date simply passes.
    const expiry = (r.inputs as Partial<ApiKeyInputs> | undefined)?.expiry;
    if (typeof expiry === "string" && !isUnknown(expiry) && expiry !== olds.expiry && Date.parse(expiry) <= Date.now()) {
      return { failures: [{ property: "", reason: "expiry: is in the past: a key cannot be created or changed to expire before now" }] };
    }
    const projectId = (r.inputs as Partial<ApiKeyInputs> | undefined)?.projectId;
    if (!r.failures?.length && olds.name === undefined && typeof projectId === "string" && !isUnknown(projectId))
      await aheadOfCreates(() => this.listing(this.client(), projectId));
    return r;
  }

  protected async createKey(inputs: ApiKeyInputs) {
    return step("creating a key in The Auth API", async () => {
      const c = this.client();
      // A new key is active until the revoke that may follow.
      const { key: k } = await createOnce({
        ...this.listing(c, inputs.projectId),
        create: () => c.create(createBody(inputs)),
        matches: (x) => matchesDeclaration(x, { ...inputs, active: true }),
      });
      const created = toState(inputs, k, nowIso());
      const id = `authapi-${created.keyFingerprint}`;
      if (inputs.active) return { id, outs: created };
      await thenRecordingOnFailure(
        id,
        () => created,
        () => c.revoke(inputs.projectId, created.key),
      );
      return { id, outs: { ...created, isActive: false } satisfies ApiKeyState };
    });
  }

  /** The project's keys, for reconciling a create or rotate whose answer was lost. */
  private listing(c: AuthApiClient, projectId: string) {
    return {
      scope: `${c.scope}:${projectId}`,
      list: () => c.list({ projectId }),
      before: () => c.keysBefore(projectId),
      idOf: (k: ApiKeyDto) => fingerprint(k.key),
      graceMs: c.graceMs,
    };
  }

  protected async readKey(id: string, props: ApiKeyState): Promise<ReadResult> {
    return step("reading a key in The Auth API", async () => {
      const c = this.client();
      // Deleted is gone, not an error, if the access key still sees the project.
      const live = await readUnlessGone(
        () => c.read(props.projectId, props.key),
        () => this.goneOnlyInSameScope(c, props.projectId, id),
        { id, since: props.unsettled },
      );
      if (!live) return {};
      const inputs = liveInputs(live, props.projectId, props);
      // customKey is a secret: never copied into the record of declared values.
      return readAnswer(
        AUTHAPI_DIFF_POLICY,
        id,
        props,
        { ...toState(inputs, live, props.rotatedAt), ...previousOf(props) },
        inputs,
        secretFieldNames(AUTHAPI.fields),
      );
    });
  }

  protected async updateKey(id: string, olds: ApiKeyState, news: ApiKeyInputs) {
    return step("updating a key in The Auth API", async () => {
      const c = this.client();
      const { changed } = diffInputs(AUTHAPI_DIFF_POLICY, olds, news);
      let live: ApiKeyDto | undefined;
      // The key as it exists now, kept current call by call: if a later call fails, Pulumi records this
      // (a customKey PATCH or a rotate has already changed the value the API knows it by).
      let now: ApiKeyState = withoutDeclared(olds);
      let madeAt: string | undefined; // when an overlap rotation made the new value
      /** Keeps a key whose new value could not be settled in state, marked, before the error goes on. */
      const markUnsettled =
        (what: "rotate" | "customKey") =>
        (e: unknown): never => {
          if (e instanceof UnsettledWriteError) now = { ...now, unsettled: what };
          throw e;
        };
      const track = (k: ApiKeyDto, fields: Partial<ApiKeyInputs>) => {
        live = k;
        now = { ...now, ...fields, key: k.key, keyFingerprint: fingerprint(k.key), isActive: k.isActive };
      };
      await thenRecordingOnFailure(
        id,
        () => now,
        async () => {
          // An expired key stays expired until its declared expiry moves into the future (or goes).
          const staysExpired = isExpired(olds) && news.expiry !== undefined && Date.parse(news.expiry) <= Date.now();
          if (staysExpired && (changed.some((f) => PATCHED.includes(f)) || rotates(olds, news))) {
            throw new InputError(
              "expiry",
              `the key expired on ${olds.expiresAt}, and The Auth API does not change an expired key: move expiry into the future (or remove it) first`,
            );
          }
          if (news.active && !now.isActive && !staysExpired) {
            const k = await c.reactivate(olds.projectId, now.key);
            if (k) track(k, { active: true });
          }
          if (changed.some((f) => PATCHED.includes(f))) {
            const patched = Object.fromEntries(PATCHED.map((f) => [f, (news as unknown as Record<string, unknown>)[f]]));
            const body = updateBody(news, changed);
            const from = now.key;
            const to = body.key;
            const send = () => c.update(olds.projectId, from, body);
            // A new custom key changes the value the key is addressed by: a lost answer is settled by
            // looking the key up under each value, never by sending the PATCH again to the old one.
            const k = to
              ? await settleOnce({
                  what: "the custom key change",
                  graceMs: c.graceMs,
                  write: send,
                  landed: () => c.get(to),
                  stillOld: async () => (await c.get(from)) !== undefined,
                }).catch(markUnsettled("customKey"))
              : await send();
            track(k, patched);
          }
          // A previous value retires when its overlap ends, and before a rotation would make a third value.
          if (now.previousKey && (retirementDue(now) || rotatesNow(olds, news))) {
            await c.revoke(olds.projectId, now.previousKey); // already revoked or gone is done
            const { previousKey: _k, previousKeyFingerprint: _f, previousRetiresAt: _r, ...rest } = now;
            now = rest;
          }
          if (rotatesNow(olds, news) && news.rotationOverlap) {
            // The old value stays live through the overlap: a new key with the same settings takes over.
            const from = now.key;
            const { key: k } = await createOnce({
              ...this.listing(c, olds.projectId),
              create: () => c.create(createBody(news)),
              matches: (x) => x.key !== from && matchesDeclaration(x, { ...news, active: true }),
            });
            track(k, { rotation: news.rotation });
            const times = overlapTimes(news.rotationOverlap);
            madeAt = times.rotatedAt;
            now = { ...now, previousKey: from, previousKeyFingerprint: fingerprint(from), previousRetiresAt: times.previousRetiresAt };
          } else if (rotatesNow(olds, news)) {
            const from = now.key;
            const rotated = await rotateOnce({
              ...this.listing(c, olds.projectId),
              rotate: () => c.rotate(olds.projectId, from),
              stillOld: async () => (await c.get(from)) !== undefined,
              matches: (k) => matchesDeclaration(k, { ...news, active: true }), // rotated while active; a revoke may follow
            }).catch(markUnsettled("rotate"));
            track(rotated, { rotation: news.rotation });
          }
          if (!news.active && now.isActive) {
            await c.revoke(olds.projectId, now.key);
            now = { ...now, isActive: false };
            live = live ? { ...live, isActive: false } : undefined;
          }
        },
      );
      const key = now.key;
      const base: ApiKeyDto = live ?? {
        key,
        name: news.name,
        env: olds.env,
        isActive: now.isActive,
        createdAt: olds.createdAt,
        expiresAt: news.expiry ?? null,
      };
      // A new value (rotated, or a new custom key) starts the clock again; so does a key from before rotatedAt.
      const rotatedAt = madeAt ?? (key !== olds.key ? nowIso() : (valueMadeAt(olds) ?? nowIso()));
      return { outs: { ...toState(news, { ...base, key, isActive: now.isActive, expiresAt: news.expiry ?? null }, rotatedAt), ...previousOf(now) } };
    });
  }

  /** `pulumi import` by `<projectId>/<fingerprint>`, active or revoked: the value never appears in an id. */
  protected async adoptKey(importId: string) {
    return step("importing a key of The Auth API", async () => {
      const [projectId, fp] = importIdParts(importId, "<projectId>/<fingerprint>, for example proj_1/0f3a9c1b2d4e5f60", /^\S+$/, /^[0-9a-f]{16}$/);
      const c = this.client();
      const [active, inactive] = await Promise.all([c.list({ projectId }), c.list({ projectId, isActive: false })]);
      const k = [...active, ...inactive].find((x) => fingerprint(x.key) === fp);
      if (!k) throw nothingToImport(`the Auth API key with fingerprint ${fp} in project ${projectId}`, settingName(AUTHAPI_WIRE.settings.credential));
      const inputs = liveInputs(k, projectId, {});
      return { id: `authapi-${fp}`, props: toState(inputs, k) as unknown as Record<string, unknown>, inputs: inputs as unknown as Record<string, unknown> };
    });
  }

  private goneOnlyInSameScope(c: AuthApiClient, projectId: string, id: string): Promise<void> {
    return goneOnlyInSameScope(() => c.seesProject(projectId), `the Auth API key ${id}`, settingName(AUTHAPI_WIRE.settings.credential), "project");
  }

  protected async deleteKey(id: string, props: ApiKeyState) {
    return step("revoking a key in The Auth API", async () => {
      const c = this.client();
      if (props.previousKey) await c.revoke(props.projectId, props.previousKey); // retired with it; already gone is done
      if (!(await c.revoke(props.projectId, props.key))) await this.goneOnlyInSameScope(c, props.projectId, id); // already revoked or gone is done
    });
  }
}

export = new AuthApiKeyProvider();
