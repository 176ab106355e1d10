// Statsig as the rest of the package sees it: the definition, the lifecycle, the resource class, what
// drift lists, and the shapes of its secrets. registry.ts lists this entry.
import type { LifecycleProvider } from "../core/lifecycle";
import { fingerprint } from "../core/redact";
import type { VendorEntry } from "../core/vendor";
import type { Key } from "./resource";
import { StatsigClient } from "./client";
import { STATSIG } from "./definition";
import { KeyInputs, liveInputs } from "./schema";

export const entry: VendorEntry<"statsig", typeof Key> = {
  ...STATSIG,
  provider: () => require("./provider") as LifecycleProvider,
  resource: () => (require("./resource") as typeof import("./resource")).Key,
  drift: {
    async list(c) {
      const client = new StatsigClient(c);
      // Each value's fingerprint, once: it names the key, its import id, and what the listing has seen.
      const live = (await client.list()).filter((k) => k.key).map((k) => ({ k, id: fingerprint(k.key!) }));
      return {
        keys: live.map(({ k, id }) => ({
          ref: k.key!,
          liveInputs: (declared) => liveInputs(k, declared as Partial<KeyInputs>),
          unmanaged: { id, label: k.description, type: k.type, importId: `${k.type.toLowerCase()}/${id}` },
          lastUsed: k.lastUsed ?? null,
        })),
        // Statsig lists a project's console keys among its keys, so a key last seen by one of them is here.
        seen: new Set([client.credentialFingerprint, ...live.map(({ id }) => id)]),
      };
    },
  },
};
