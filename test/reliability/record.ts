// Writes a measured table into docs/RELIABILITY.md between `<!-- name:start -->` and `<!-- name:end -->`,
// and the raw figures to test/reliability/results/<name>.json, so the document always shows the last run.
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../e2e/harness";

/** The raw figures only: written even when a later assertion fails, to see what happened. */
export function saveResults(name: string, data: unknown): void {
  const resultsDir = path.join(REPO_ROOT, "test/reliability/results");
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, `${name}.json`), JSON.stringify({ recordedAt: new Date().toISOString(), data }, null, 2) + "\n");
}

export function record(name: string, markdown: string, data: unknown): void {
  saveResults(name, data);
  const doc = path.join(REPO_ROOT, "docs/RELIABILITY.md");
  const text = fs.readFileSync(doc, "utf8");
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/RELIABILITY.md has no ${start} … ${end} block`);
  fs.writeFileSync(doc, text.slice(0, i + start.length) + "\n" + markdown.trim() + "\n" + text.slice(j));
}

/** A markdown table from rows of cells. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}
