// `--since PREVIOUS.json`: compares a report with an earlier one (`--format json`), marks each entry with
// findings new or known, and counts only the new ones for the exit code, so a nightly job alerts on change.
import * as fs from "node:fs";
import * as z from "zod";
import { ApiKeysError } from "../core/errors";
import { Counted, DriftReport } from "./report";

type Kind = keyof Counted;

/** The findings an entry carries, each under a key that stays the same from one run to the next while nothing changes. */
function resourceFindings(x: {
  stack?: string;
  urn: string;
  status: string;
  fields: Array<{ field: string; live: unknown; ignored?: boolean }>;
  rotationDue?: boolean;
  rotatedAt?: string;
  previous?: { fingerprint: string; inUse?: boolean };
  stale?: boolean;
}): Array<[Kind, string]> {
  const at = `${x.stack ?? ""}|${x.urn}`;
  const out: Array<[Kind, string]> = [];
  if (x.status === "deleted") return [["deleted", `${at}|deleted`]];
  // A field drifted again to another value is new drift.
  for (const f of x.fields) if (!f.ignored) out.push(["drifted", `${at}|drifted|${f.field}|${JSON.stringify(f.live)}`]);
  if (x.rotationDue) out.push(["rotationDue", `${at}|rotation-due|${x.rotatedAt ?? ""}`]);
  if (x.previous?.inUse) out.push(["previousInUse", `${at}|previous-in-use|${x.previous.fingerprint}`]);
  if (x.stale) out.push(["stale", `${at}|stale`]);
  return out;
}

function unmanagedFindings(u: { api: string; id: string; project?: string; ignored?: boolean }): Array<[Kind, string]> {
  return u.ignored ? [] : [["unmanaged", `unmanaged|${u.api}|${u.project ?? ""}|${u.id}`]];
}

/** What `--since` reads of an earlier report: enough to know its findings, checked so a wrong file is named as such. */
const PreviousReport = z.looseObject({
  schemaVersion: z.literal(1),
  generatedAt: z.string(),
  resources: z.array(
    z.looseObject({
      stack: z.string().optional(),
      urn: z.string(),
      status: z.enum(["in-sync", "drifted", "deleted"]),
      fields: z.array(z.looseObject({ field: z.string(), live: z.unknown(), ignored: z.boolean().optional() })),
      rotationDue: z.boolean().optional(),
      rotatedAt: z.string().optional(),
      previous: z.looseObject({ fingerprint: z.string(), inUse: z.boolean().optional() }).optional(),
      stale: z.boolean().optional(),
    }),
  ),
  unmanaged: z.array(z.looseObject({ api: z.string(), id: z.string(), project: z.string().optional(), ignored: z.boolean().optional() })),
});
export type PreviousReport = z.infer<typeof PreviousReport>;

/** Reads and checks an earlier report; a file that is not one is the user's error, with nothing done yet. */
export function loadPreviousReport(file: string): PreviousReport {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ApiKeysError("PAK_INVALID_INPUT", "user", `--since ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const notReport = (why: string) =>
    new ApiKeysError("PAK_INVALID_INPUT", "user", `--since ${file} is not a drift report (write one with --json-output FILE, or --format json): ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw notReport("it is not JSON");
  }
  const r = PreviousReport.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw notReport(`${issue.path.join(".") || "(the file)"}: ${issue.message}`);
  }
  return r.data;
}

/** The report, with each entry that has findings marked new or known, and the new findings counted. */
export function compareWithPrevious(report: DriftReport, previous: PreviousReport | DriftReport): DriftReport {
  const known = new Set([...previous.resources.flatMap(resourceFindings), ...previous.unmanaged.flatMap(unmanagedFindings)].map(([, key]) => key));
  const counted: Counted = { drifted: 0, deleted: 0, unmanaged: 0, rotationDue: 0, previousInUse: 0, stale: 0 };
  const mark = <T extends object>(entry: T, findings: Array<[Kind, string]>): T => {
    if (!findings.length) return entry;
    const fresh = findings.filter(([, key]) => !known.has(key));
    for (const kind of new Set(fresh.map(([k]) => k))) counted[kind]++;
    return { ...entry, since: fresh.length ? "new" : "known" };
  };
  return {
    ...report,
    resources: report.resources.map((x) => mark(x, resourceFindings(x))),
    unmanaged: report.unmanaged.map((u) => mark(u, unmanagedFindings(u))),
    since: { generatedAt: previous.generatedAt, new: counted },
  };
}
