// Ignore rules for known, accepted drift, kept in a file checked into the repo:
//
//   ignore:
//     - resource: checkout-server      # a resource name or URN; `*` matches any run of characters
//       fields: [description]          # omit to ignore every field of that resource
//     - unmanaged: { api: statsig, id: 3f2a9c0d1e2b4a5c }   # an unmanaged key, by fingerprint or key id
//     - unmanaged: { api: statsig, type: CONSOLE }          # or by type (Statsig), or label glob:
//       reason: console keys are managed by the platform team
//     - unmanaged: { api: basic, label: "legacy-*" }
//       expires: 2027-03-31             # after this date the rule no longer applies (and the report says so)
//       added: 2026-11-25               # when the rule was written (`drift --write-ignore` fills it in)
import * as fs from "node:fs";
import { isSeq, parse, parseDocument, YAMLSeq } from "yaml";
import * as z from "zod";
import { InputError } from "../core/errors";
import { APIS } from "../registry";
import type { Api, UnmanagedKey } from "./report";

interface RuleDates {
  reason?: string;
  /** YYYY-MM-DD: the rule applies up to and including this day (UTC). */
  expires?: string;
  /** YYYY-MM-DD: when the rule was written. */
  added?: string;
}

/** A resource rule (its fields, or all of them) or an unmanaged-key rule (by id, label glob or type). */
export type IgnoreRule =
  ({ resource: string; fields?: string[] } & RuleDates) | ({ unmanaged: { api: Api; id?: string; label?: string; type?: string } } & RuleDates);

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = z
  .string()
  .regex(DAY, "must be a date, YYYY-MM-DD")
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "is not a real date");
const dates = { reason: z.string().optional(), expires: day.optional(), added: day.optional() };

// Typed against IgnoreRule, so the public type stays plain TypeScript and cannot drift from the parser.
const RuleSchema: z.ZodType<IgnoreRule> = z.union([
  z.strictObject({ resource: z.string().min(1), fields: z.array(z.string().min(1)).optional(), ...dates }),
  z.strictObject({
    unmanaged: z
      .strictObject({
        api: z.enum(APIS),
        id: z.string().min(1).optional(),
        label: z.string().optional(),
        type: z.string().min(1).optional(),
      })
      .refine((u) => u.id !== undefined || u.label !== undefined || u.type !== undefined, "needs id, label or type"),
    ...dates,
  }),
]);
const FileSchema = z.strictObject({
  ignore: z
    .array(RuleSchema)
    .nullish()
    .transform((x) => x ?? []),
});

/** A rule past its `expires` date: no longer applied, and named in the report. */
export interface ExpiredRule {
  rule: number;
  expires: string;
  reason?: string;
}

const glob = (pattern: string, s: string): boolean =>
  new RegExp(
    "^" +
      pattern
        .split("*")
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*") +
      "$",
  ).test(s);

export class IgnoreRules {
  /** The rules in force today; the file's others are in `expired`. */
  readonly active: IgnoreRule[];
  readonly expired: ExpiredRule[];

  constructor(
    readonly rules: IgnoreRule[] = [],
    today: string = new Date().toISOString().slice(0, 10),
  ) {
    this.active = rules.filter((r) => r.expires === undefined || r.expires >= today);
    this.expired = rules.flatMap((r, i) => (r.expires !== undefined && r.expires < today ? [{ rule: i, expires: r.expires, reason: r.reason }] : []));
  }

  static load(file: string, today?: string): IgnoreRules {
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
    return new IgnoreRules(r.data.ignore, today);
  }

  field(name: string, urn: string, field: string): boolean {
    return this.active.some((r) => "resource" in r && (glob(r.resource, name) || glob(r.resource, urn)) && (!r.fields || r.fields.includes(field)));
  }

  unmanaged(k: Pick<UnmanagedKey, "api" | "id" | "label" | "type">): boolean {
    return this.active.some(
      (r) =>
        "unmanaged" in r &&
        r.unmanaged.api === k.api &&
        (r.unmanaged.id === undefined || glob(r.unmanaged.id, k.id)) &&
        (r.unmanaged.label === undefined || glob(r.unmanaged.label, k.label)) &&
        (r.unmanaged.type === undefined || r.unmanaged.type === k.type),
    );
  }
}

/**
 * Adds a rule for each key to the ignore file (created if missing), keeping what it holds, comments
 * included. Each rule carries today's date and a reason to fill in: a baseline, not a blanket.
 */
export function appendUnmanagedRules(file: string, keys: UnmanagedKey[], today: string = new Date().toISOString().slice(0, 10)): void {
  const doc = parseDocument(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "ignore: []\n");
  let rules = doc.get("ignore", true) as YAMLSeq | null | undefined;
  if (!isSeq(rules)) {
    rules = new YAMLSeq();
    doc.set("ignore", rules);
  }
  rules.flow = false; // one rule a block, as people write them
  for (const k of keys) {
    const match = doc.createNode({ api: k.api, id: k.id });
    match.flow = true;
    const rule = doc.createNode({ unmanaged: match, reason: "TODO: why this key may stay unmanaged", added: today });
    rule.commentBefore = ` ${k.api} ${JSON.stringify(k.label)}${k.project ? ` in ${k.project}` : ""}`;
    rules.add(rule);
  }
  fs.writeFileSync(file, doc.toString());
}
