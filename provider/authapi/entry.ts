// The Auth API as the rest of the package sees it: the definition, the lifecycle, the resource class,
// what drift lists, and the shapes of its secrets. registry.ts lists this entry.
import type { LifecycleProvider } from "../core/lifecycle";
import { fingerprint } from "../core/redact";
import type { VendorEntry } from "../core/vendor";
import type { ApiKey } from "./resource";
import { AuthApiClient } from "./client";
import { AUTHAPI } from "./definition";
import { ApiKeyInputs, liveInputs } from "./schema";

export const entry: VendorEntry<"authapi", typeof ApiKey> = {
  ...AUTHAPI,
  provider: () => require("./provider") as LifecycleProvider,
  resource: () => (require("./resource") as typeof import("./resource")).ApiKey,
  drift: {
    async list(c, projectId) {
      const client = new AuthApiClient(c);
      // Whether the plain list includes revoked keys is undocumented: ask for the inactive ones too.
      const [active, inactive] = await Promise.all([client.list({ projectId: projectId! }), client.list({ projectId: projectId!, isActive: false })]);
      const live = new Map([...active, ...inactive].map((k) => [k.key, k]));
      return {
        keys: [...live.values()].map((k) => ({
          ref: k.key,
          liveInputs: (declared) => liveInputs(k, projectId!, declared as Partial<ApiKeyInputs>),
          // A revoked key is not a live key: it is never listed as unmanaged.
          ...(k.isActive
            ? { unmanaged: { id: fingerprint(k.key), label: k.name, importId: `${projectId}/${fingerprint(k.key)}`, createdAt: k.createdAt } }
            : {}),
        })),
      };
    },
  },
};
