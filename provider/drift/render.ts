// Renderers: the same report as text (CI logs), JSON (machines) or Markdown (PR comments, job summaries).
import { importable } from "./import-file";
import { DriftReport, exitCodeOf, FieldDrift, ResourceReport, UnmanagedKey } from "./report";

const show = (v: unknown) => (v === null || v === undefined ? "(none)" : typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v));

function fieldLine(f: FieldDrift): string {
  const sets = f.added || f.removed ? ` (${[...(f.added ?? []).map((x) => `+${x}`), ...(f.removed ?? []).map((x) => `-${x}`)].join(" ")})` : "";
  return `${f.field}: declared ${show(f.declared)}, live ${show(f.live)}${sets}${f.ignored ? " [ignored]" : ""}`;
}

const expiredLine = (x: { rule: number; expires: string; reason?: string }) =>
  `ignore rule ${x.rule + 1}${x.reason ? ` (${x.reason})` : ""} expired on ${x.expires} and no longer applies`;

/** "92 days old, policy 90d" (or "age unknown" for a key imported without a creation time). */
function ageText(x: ResourceReport): string {
  const age = x.ageDays === undefined ? "age unknown" : `${x.ageDays} day${x.ageDays === 1 ? "" : "s"} old`;
  return `${age}${x.rotateAfter ? `, policy ${x.rotateAfter}${x.rotationDue ? " (due: pulumi up rotates it)" : ""}` : ""}`;
}
/** "previous: {fingerprint 3f2a…, retiresAt …, lastUsed …}" and what it means for the person reading. */
function previousText(x: ResourceReport): string | undefined {
  const p = x.previous;
  if (!p) return undefined;
  const used = p.lastUsed === undefined ? "not reported by the vendor" : (p.lastUsed ?? "never");
  const fields = `{fingerprint ${p.fingerprint}, retiresAt ${p.retiresAt}, lastUsed ${used}}`;
  const meaning = p.gone
    ? "gone already: nothing to retire"
    : p.inUse
      ? p.retirementDue
        ? "STILL IN USE, and the next pulumi up retires it"
        : "STILL IN USE after the new key was made: move its services to the new key before it retires"
      : p.retirementDue
        ? "overlap ended: the next pulumi up retires it"
        : p.lastUsed === undefined
          ? "live until retiresAt"
          : "not used since the new key was made";
  return `previous: ${fields}: ${meaning}`;
}

const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;
/** "last used 2026-11-30 (5 days ago)", "never used (made 120 days ago)", or "last use unknown (not reported by the vendor)". */
export function usageText(x: Pick<ResourceReport, "lastUsed" | "unusedDays">): string | undefined {
  if (x.lastUsed === undefined) return undefined;
  if (x.lastUsed === "unknown") return "last use unknown (not reported by the vendor)";
  const n = x.unusedDays;
  if (x.lastUsed === null) return `never used${typeof n === "number" ? ` (made ${days(n)} ago)` : ""}`;
  return `last used ${x.lastUsed.slice(0, 10)}${typeof n === "number" ? ` (${days(n)} ago)` : ""}`;
}

/** "[new] " / "[known] " before an entry with findings, when compared with an earlier report. */
const sinceMark = (x: { since?: string }) => (x.since ? `[${x.since}] ` : "");

/** The one command that adopts the unmanaged keys, or how to get the file it needs. */
function adoptHint(r: DriftReport): string | undefined {
  const n = importable(r).length;
  if (!n) return undefined;
  if (r.stacks)
    return `to adopt them into a stack: pulumi-api-keys drift --stack NAME --import-file imports.json, then pulumi import --file imports.json --stack NAME`;
  const stack = r.stack ? ` --stack ${r.stack}` : "";
  return r.importFile
    ? `to adopt the ${n} unmanaged key(s): pulumi import --file ${r.importFile}${stack}`
    : `to adopt them: pulumi-api-keys drift${stack} --import-file imports.json, then pulumi import --file imports.json${stack}`;
}

function unmanagedTail(u: UnmanagedKey): string {
  const usage = usageText(u);
  return `${usage ? `, ${usage}` : ""}${u.deleteCandidate ? " [delete candidate: unused since the stale-after limit]" : ""}`;
}

const stackOf = (r: DriftReport, x: ResourceReport) => (r.stacks && x.stack ? ` [${x.stack}]` : "");

function staleSummary(r: DriftReport): string {
  return r.staleAfter ? `; ${r.summary.stale} stale, ${r.summary.deleteCandidates} unmanaged unused (unused ${r.staleAfter} or more)` : "";
}
const newFindings = (r: DriftReport) => Object.values(r.since?.new ?? {}).reduce((a, b) => a + b, 0);

function verdict(r: DriftReport): string {
  const code = exitCodeOf(r);
  return code === 0 ? "in sync" : code === 2 ? "DRIFT" : "ERROR";
}

export function renderText(r: DriftReport): string {
  const s = r.summary;
  const lines = [`pulumi-api-keys drift: ${r.project}/${r.stack}: ${verdict(r)}`];
  lines.push(
    `  ${s.managed} managed: ${s.inSync} in sync, ${s.drifted} drifted, ${s.deleted} deleted; ${s.unmanaged} unmanaged${s.ignored ? `; ${s.ignored} ignored` : ""}; ${s.rotationDue} rotation due${s.previousInUse ? `; ${s.previousInUse} previous key(s) in use` : ""}${staleSummary(r)}`,
  );
  if (r.since) lines.push(`  since the report of ${r.since.generatedAt}: ${newFindings(r)} new finding(s); only new ones fail this run`);
  // Several stacks: each stack's keys under its name.
  for (const stack of r.stacks ?? [undefined]) {
    const mine = r.resources.filter((x) => x.status !== "in-sync" && (stack === undefined || x.stack === stack));
    const indent = stack === undefined ? "  " : "    ";
    if (stack !== undefined)
      lines.push(`  stack ${stack}: ${r.resources.filter((x) => x.stack === stack).length} managed${mine.length ? "" : ", all in sync"}`);
    for (const x of mine) {
      lines.push(`${indent}${sinceMark(x)}${x.status === "deleted" ? "deleted " : "drifted "} ${x.api} ${x.name} (${x.id})`);
      for (const f of x.fields) lines.push(`${indent}    ${fieldLine(f)}`);
    }
  }
  // Every key's age; a key past its rotateAfter policy says so.
  for (const x of r.resources.filter((k) => k.status !== "deleted")) {
    const usage = usageText(x);
    const kind = x.rotationDue ? "rotation-due" : x.stale ? "stale" : "age";
    const marked = x.status === "in-sync" && (x.rotationDue || x.stale) ? sinceMark(x) : "";
    lines.push(
      `  ${marked}${kind} ${x.api} ${x.name}${stackOf(r, x)}: ${ageText(x)}${usage ? `; ${usage}` : ""}${x.stale ? ` [stale: unused ${r.staleAfter} or more]` : ""}`,
    );
    const previous = previousText(x);
    if (previous) lines.push(`  ${x.previous?.inUse ? "previous-in-use" : "previous"} ${x.api} ${x.name}${stackOf(r, x)}: ${previous}`);
  }
  for (const u of r.unmanaged)
    lines.push(
      `  ${sinceMark(u)}unmanaged ${u.api} ${u.id}${u.type ? ` ${u.type}` : ""} ${JSON.stringify(u.label)}${u.project ? ` in ${u.project}` : ""}${u.ignored ? " [ignored]" : ""}${unmanagedTail(u)}`,
    );
  const hint = adoptHint(r);
  if (hint) lines.push(`  ${hint}`);
  for (const c of r.credentials)
    lines.push(`  credential ${c.api} ${c.id}${c.type ? ` ${c.type}` : ""} ${JSON.stringify(c.label)} (the key this report signs in with)`);
  for (const x of r.expiredIgnoreRules ?? []) lines.push(`  ${expiredLine(x)}`);
  for (const e of r.errors) lines.push(`  error: ${e}`);
  return lines.join("\n") + "\n";
}

export function renderJson(r: DriftReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}

const md = (s: string) => s.replace(/[|\\`*_<>]/g, (c) => `\\${c}`);

export function renderMarkdown(r: DriftReport): string {
  const s = r.summary;
  const icon = { 0: "✅", 1: "❌", 2: "⚠️" }[exitCodeOf(r)];
  const out = [`## ${icon} API key drift: \`${r.project}/${r.stack}\` — ${verdict(r)}`, ""];
  out.push(
    `${s.managed} managed keys: **${s.inSync}** in sync, **${s.drifted}** drifted, **${s.deleted}** deleted; **${s.unmanaged}** unmanaged${s.ignored ? `; ${s.ignored} ignored` : ""}; **${s.rotationDue}** rotation due${r.staleAfter ? `; **${s.stale}** stale, **${s.deleteCandidates}** unmanaged unused (unused ${md(r.staleAfter)} or more)` : ""}.`,
    "",
  );
  if (r.since) out.push(`Since the report of ${md(r.since.generatedAt)}: **${newFindings(r)}** new finding(s) (marked 🆕); only new ones fail this run.`, "");
  const due = r.resources.filter((x) => x.rotationDue && x.status !== "deleted");
  if (due.length) {
    out.push("**Rotation due** (`pulumi up` rotates these):", "");
    for (const x of due) out.push(`- ${x.api} ${md(x.name)}${md(stackOf(r, x))}: ${md(ageText(x))}`);
    out.push("");
  }
  const stale = r.resources.filter((x) => x.stale && x.status !== "deleted");
  if (stale.length) {
    out.push(`**Stale** (unused ${md(r.staleAfter ?? "")} or more):`, "");
    for (const x of stale) out.push(`- ${x.since === "new" ? "🆕 " : ""}${x.api} ${md(x.name)}${md(stackOf(r, x))}: ${md(usageText(x) ?? "")}`);
    out.push("");
  }
  const overlapping = r.resources.filter((x) => x.previous);
  if (overlapping.length) {
    out.push("**Previous keys** (kept live by `rotationOverlap` until they retire):", "");
    for (const x of overlapping) out.push(`- ${x.previous?.inUse ? "⚠️ " : ""}${x.api} ${md(x.name)}${md(stackOf(r, x))}: ${md(previousText(x)!)}`);
    out.push("");
  }
  const aged = r.resources.filter((x) => x.status !== "deleted");
  if (aged.length) {
    out.push(
      "<details><summary>Key ages and last use</summary>",
      "",
      "| key | API | age (days) | rotatedAt | policy | last used | unused (days) |",
      "|---|---|---|---|---|---|---|",
    );
    for (const x of aged)
      out.push(
        `| ${md(x.name)}${md(stackOf(r, x))} | ${x.api} | ${x.ageDays ?? "unknown"} | ${x.rotatedAt ?? ""} | ${x.rotateAfter ?? ""}${x.rotationDue ? " (due)" : ""} | ${x.lastUsed === null ? "never" : (x.lastUsed ?? "")} | ${x.unusedDays ?? (x.lastUsed === undefined ? "" : "unknown")}${x.stale ? " (stale)" : ""} |`,
      );
    out.push("", "</details>", "");
  }
  const changed = r.resources.filter((x) => x.status !== "in-sync");
  if (changed.length) {
    const byStack = !!r.stacks;
    const key = (x: { name: string; stack?: string }) => (byStack ? `${md(x.stack ?? "")} | ${md(x.name)}` : md(x.name));
    out.push(byStack ? "| stack | key | API | status | field | declared | live |" : "| key | API | status | field | declared | live |");
    out.push(byStack ? "|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|");
    for (const x of [...changed].sort((a, b) => (a.stack ?? "").localeCompare(b.stack ?? ""))) {
      if (!x.fields.length) out.push(`| ${key(x)} | ${x.api} | ${x.since === "new" ? "🆕 " : ""}deleted | | | |`);
      for (const f of x.fields) {
        const live =
          f.added || f.removed
            ? `${md(show(f.live))}<br>${[...(f.added ?? []).map((a) => `+${md(a)}`), ...(f.removed ?? []).map((a) => `−${md(a)}`)].join(" ")}`
            : md(show(f.live));
        out.push(
          `| ${key(x)} | ${x.api} | ${x.since === "new" ? "🆕 " : ""}${f.ignored ? "ignored" : "drifted"} | ${md(f.field)} | ${md(show(f.declared))} | ${live} |`,
        );
      }
    }
    out.push("");
  }
  if (r.unmanaged.length) {
    out.push("**Unmanaged keys** (in the API, in no stack):", "");
    for (const u of r.unmanaged)
      out.push(
        `- ${u.since === "new" ? "🆕 " : ""}${u.api} \`${u.id}\`${u.type ? ` ${u.type}` : ""} ${md(u.label)}${u.project ? ` (project ${md(u.project)})` : ""}${u.ignored ? " — ignored" : ""}${md(unmanagedTail(u))}`,
      );
    out.push("");
    const hint = adoptHint(r);
    if (hint) out.push(`To adopt them: \`${hint.replace(/^to adopt[^:]*: /, "")}\``, "");
  }
  for (const c of r.credentials)
    out.push(`- credential: ${c.api} \`${c.id}\`${c.type ? ` ${c.type}` : ""} ${md(c.label)} — the key this report signs in with`, "");
  for (const x of r.expiredIgnoreRules ?? []) out.push(`> ${md(expiredLine(x))}`);
  for (const e of r.errors) out.push(`> **Error:** ${md(e)}`);
  return out.join("\n") + "\n";
}

export type Format = "text" | "json" | "markdown";
export const RENDERERS: Record<Format, (r: DriftReport) => string> = { text: renderText, json: renderJson, markdown: renderMarkdown };
