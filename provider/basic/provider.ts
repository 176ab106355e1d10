// The Basic project key's dynamic provider (module.exports of this file; see statsig/provider.ts).
import type * as pulumi from "@pulumi/pulumi";
import { ApiProvider } from "../core/api-provider";
import type { StoredOf } from "../core/fields";
import { settingName } from "../core/config";
import type { ReadResult } from "../core/provider-contract";
import { readAnswer, withoutDeclared } from "../core/declared";
import { diffInputs } from "../core/diff";
import { AmbiguousCreateError } from "../core/errors";
import { isUnknown } from "../core/checks";
import { check, goneOnlyInSameScope, importIdParts, nothingToImport, readUnlessGone, rotatesNow, step } from "../core/lifecycle";
import { notice } from "../core/notice";
import { aheadOfCreates, createOnce } from "../core/reconcile";
import { nowIso, retirementDue, overlapTimes, valueMadeAt } from "../core/rotation";
import { fingerprint } from "../core/redact";
import { BASIC } from "./definition";
import { BASIC_WIRE, BasicClient } from "./client";
import {
  PROJECT_KEY_FIELDS,
  BASIC_DIFF_POLICY,
  KeySummary,
  liveInputs,
  matchesDeclaration,
  projectKeyArgsCanonical,
  ProjectKeyInputs,
  ProjectKeyState,
  rolesToWire,
  updateBody,
} from "./schema";

class BasicProjectKeyProvider
  extends ApiProvider<BasicClient, StoredOf<ProjectKeyState, typeof PROJECT_KEY_FIELDS>>
  implements pulumi.dynamic.ResourceProvider
{
  constructor() {
    super(BASIC, BasicClient);
  }

  /** Only a listing shows `last_used`: one call lists the project. */
  protected override async previousLastUsed(olds: Partial<ProjectKeyState>) {
    if (!olds.previousKeyId || !olds.projectId) return undefined;
    return (await this.client().list(olds.projectId)).find((k) => k.id === olds.previousKeyId)?.last_used ?? null;
  }

  protected async checkKey(olds: Record<string, unknown>, news: Record<string, unknown>) {
    const r = check(projectKeyArgsCanonical(), news);
    const projectId = r.inputs?.projectId;
    if (!r.failures?.length && olds.projectId === undefined && typeof projectId === "string" && !isUnknown(projectId))
      await aheadOfCreates(() => this.listing(this.client(), projectId));
    return r;
  }

  /** The project's keys, for reconciling a create whose answer was lost. */
  private listing(c: BasicClient, projectId: string) {
    return {
      scope: `${c.scope}:${projectId}`,
      list: () => c.list(projectId),
      before: () => c.keysBefore(projectId),
      idOf: (x: KeySummary) => x.id,
      graceMs: c.graceMs,
    };
  }

  protected async createKey(inputs: ProjectKeyInputs) {
    return step("creating a Basic project key", async () => {
      const c = this.client();
      const k = await this.newKeyWithValue(c, inputs);
      const state: ProjectKeyState = { ...inputs, keyId: k.id, value: k.value, valueFingerprint: fingerprint(k.value), rotatedAt: nowIso() };
      if (k.created_at) state.createdAt = k.created_at;
      return { id: `${inputs.projectId}/${k.id}`, outs: state };
    });
  }

  /**
   * Creates a key with these settings (adopted, never doubled, when the answer is lost) and returns it
   * with its value. `besides`: a key with the same settings that must not be taken for it (the one an
   * overlap keeps).
   */
  private async newKeyWithValue(c: BasicClient, inputs: ProjectKeyInputs, besides?: string): Promise<KeySummary & { value: string }> {
    const create = () =>
      createOnce<KeySummary & { value?: string }>({
        ...this.listing(c, inputs.projectId),
        create: () => c.create(inputs.projectId, inputs.label, rolesToWire(inputs.roles)),
        matches: (x) => x.id !== besides && matchesDeclaration(x, inputs),
      });
    let { key: k } = await create();
    if (!k.value) {
      // Found after its create's answer was lost: Basic shows a value only in that answer, so nobody
      // can ever use this key. It goes, and another is made.
      await c.delete(inputs.projectId, k.id);
      await notice(
        `Basic key "${inputs.label}": the answer to its create was lost, and Basic never shows a key's value again; the key it made (id ${k.id}) was deleted and another created`,
      );
      k = (await create()).key;
      if (!k.value) {
        await c.delete(inputs.projectId, k.id);
        throw new AmbiguousCreateError(
          "the answers to two creates in a row were lost; both keys were found and deleted, none is left behind: run `pulumi up` again",
        );
      }
    }
    return k as KeySummary & { value: string };
  }

  protected async readKey(id: string, props: ProjectKeyState): Promise<ReadResult> {
    return step("reading a Basic project key", async () => {
      const c = this.client();
      // Deleted out of band is gone, if the token still sees the project.
      const live = await readUnlessGone(
        () => c.read(props.projectId, props.keyId),
        () => this.goneOnlyInSameAccount(c, props.projectId, id),
      );
      if (!live) return {};
      const inputs = liveInputs(props.projectId, live, props);
      // The value is returned only at creation: keep the one from state, never wipe it.
      const state: ProjectKeyState = { ...withoutDeclared(props), ...inputs };
      return readAnswer(BASIC_DIFF_POLICY, id, props, state, inputs);
    });
  }

  protected async updateKey(_id: string, olds: ProjectKeyState, news: ProjectKeyInputs) {
    return step("updating a Basic project key", async () => {
      const c = this.client();
      const { changed } = diffInputs(BASIC_DIFF_POLICY, olds, news);
      const body = updateBody(news, changed);
      if (Object.keys(body).length) await c.update(olds.projectId, olds.keyId, body);
      const { rotation: _recorded, declared: _settled, ...kept } = olds; // a removed trigger leaves state too, and so does a settled declaration
      // Keys from before rotatedAt count from their creation.
      let now: ProjectKeyState = { ...kept, ...news, rotatedAt: valueMadeAt(olds) ?? nowIso() };
      // A previous key retires when its overlap ends, and before a rotation would make a third.
      if (now.previousKeyId && (retirementDue(now) || rotatesNow(olds, news))) {
        await c.delete(olds.projectId, now.previousKeyId); // already gone is done
        const { previousValue: _v, previousValueFingerprint: _f, previousKeyId: _i, previousRetiresAt: _r, ...rest } = now;
        now = rest;
      }
      if (news.rotationOverlap && rotatesNow(olds, news)) {
        // The old key stays live through the overlap: a new key with the same settings takes over.
        const k = await this.newKeyWithValue(c, news, olds.keyId);
        now = {
          ...now,
          keyId: k.id,
          value: k.value,
          valueFingerprint: fingerprint(k.value),
          ...overlapTimes(news.rotationOverlap),
          previousKeyId: olds.keyId,
          previousValue: olds.value,
          previousValueFingerprint: olds.valueFingerprint,
        };
      }
      return { outs: now };
    });
  }

  /**
   * `pulumi import` by `<projectId>/<keyId>`. Basic shows a value only when it creates a key, so an
   * imported key has none in state: a warning says so, and a new `rotation` value makes one.
   */
  protected async adoptKey(importId: string) {
    return step("importing a Basic project key", async () => {
      const [projectId, keyId] = importIdParts(importId, "<projectId>/<keyId>", /^[0-9a-fA-F-]{36}$/, /^[^\s]+$/);
      const c = this.client();
      const k = (await c.list(projectId)).find((x) => x.id === keyId);
      if (!k) throw nothingToImport(`the Basic key ${keyId} of project ${projectId}`, settingName(BASIC_WIRE.settings.credential));
      const inputs = liveInputs(projectId, k, {});
      const state: ProjectKeyState = { ...inputs, keyId, value: "", valueFingerprint: "" };
      if (k.created_at) state.createdAt = k.created_at;
      await notice(
        `Basic key ${importId} imported without its value: Basic shows a key's value only when it creates it, so \`value\` is empty. To get a value held in state, set \`rotation\` (a new key replaces this one).`,
      );
      return { id: importId, props: state as unknown as Record<string, unknown>, inputs: inputs as unknown as Record<string, unknown> };
    });
  }

  private goneOnlyInSameAccount(c: BasicClient, projectId: string, id: string): Promise<void> {
    return goneOnlyInSameScope(() => c.seesProject(projectId), `the Basic key ${id}`, settingName(BASIC_WIRE.settings.credential), "account");
  }

  protected async deleteKey(id: string, props: ProjectKeyState) {
    return step("deleting a Basic project key", async () => {
      const c = this.client();
      if (props.previousKeyId) await c.delete(props.projectId, props.previousKeyId); // retired with it; already gone is done
      if (!(await c.delete(props.projectId, props.keyId))) await this.goneOnlyInSameAccount(c, props.projectId, id); // already gone is done
    });
  }
}

export = new BasicProjectKeyProvider();
