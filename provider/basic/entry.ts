// Basic as the rest of the package sees it: the definition, the lifecycle, the resource class, what
// drift lists, and the shapes of its secrets. registry.ts lists this entry.
import type { LifecycleProvider } from "../core/lifecycle";
import type { VendorEntry } from "../core/vendor";
import type { ProjectKey } from "./resource";
import { BasicClient } from "./client";
import { BASIC } from "./definition";
import { liveInputs, ProjectKeyInputs } from "./schema";

export const entry: VendorEntry<"basic", typeof ProjectKey> = {
  ...BASIC,
  provider: () => require("./provider") as LifecycleProvider,
  resource: () => (require("./resource") as typeof import("./resource")).ProjectKey,
  drift: {
    async list(c, projectId) {
      const client = new BasicClient(c);
      const live = await client.list(projectId!);
      return {
        keys: live.map((k) => ({
          ref: k.id,
          liveInputs: (declared) => liveInputs(projectId!, k, declared as Partial<ProjectKeyInputs>),
          unmanaged: { id: k.id, label: k.label, importId: `${projectId}/${k.id}`, ...(k.created_at ? { createdAt: k.created_at } : {}) },
          lastUsed: k.last_used ?? null,
        })),
      };
    },
  },
};
