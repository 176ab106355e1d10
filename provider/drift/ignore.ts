// Ignore rules for known, accepted drift, kept in a file checked into the repo:
//
//   ignore:
//     - resource: checkout-server      # a resource name or URN; `*` matches any run of characters
//       fields: [description]          # omit to ignore every field of that resource
//     - unmanaged: { api: statsig, id: 3f2a9c0d1e2b4a5c }   # an unmanaged key, by fingerprint or key id
import * as fs from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { InputError } from "../core/errors";
import type { Api } from "./report";

/** A resource rule (its fields, or all of them) or an unmanaged-key rule. */
export type IgnoreRule = { resource: string; fields?: string[]; reason?: string } | { unmanaged: { api: Api; id: string }; reason?: string };

// Typed against IgnoreRule, so the public type stays plain TypeScript and cannot drift from the parser.
const RuleSchema: z.ZodType<IgnoreRule> = z.union([
  z.strictObject({ resource: z.string().min(1), fields: z.array(z.string().min(1)).optional(), reason: z.string().optional() }),
  z.strictObject({ unmanaged: z.strictObject({ api: z.enum(["statsig", "basic", "authapi"]), id: z.string().min(1) }), reason: z.string().optional() }),
]);
const FileSchema = z.strictObject({ ignore: z.array(RuleSchema).default([]) });

export class IgnoreRules {
  constructor(readonly rules: IgnoreRule[] = []) {}

  static load(file: string): IgnoreRules {
    let data: unknown;
    try {
      data = parse(fs.readFileSync(file, "utf8")) ?? {};
    } catch (e) {
      throw new InputError(file, `cannot read the ignore file: ${(e as Error).message}`);
    }
    const r = FileSchema.safeParse(data);
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new InputError(`${file}: ${i.path.join(".")}`, i.message);
    }
    return new IgnoreRules(r.data.ignore);
  }

  private static glob(pattern: string, s: string): boolean {
    const re = new RegExp(
      "^" +
        pattern
          .split("*")
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*") +
        "$",
    );
    return re.test(s);
  }

  field(name: string, urn: string, field: string): boolean {
    return this.rules.some(
      (r) => "resource" in r && (IgnoreRules.glob(r.resource, name) || IgnoreRules.glob(r.resource, urn)) && (!r.fields || r.fields.includes(field)),
    );
  }

  unmanaged(api: Api, id: string): boolean {
    return this.rules.some((r) => "unmanaged" in r && r.unmanaged.api === api && r.unmanaged.id === id);
  }
}
