// Measured tables for docs/RELIABILITY.md. With RECORD=1 (`RECORD=1 npm run test:reliability`) a run
// writes its table between `<!-- name:start -->` and `<!-- name:end -->` there, and the raw figures to
// test/reliability/results/<name>.json, so the document shows the last recorded run. Without it, a run
// leaves the tree clean: the same files go to .test-run/results/ (ignored by git) for a look.
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/harness";

/** Whether this run records its results into the tracked files. */
export const RECORDING = process.env.RECORD === "1";
const resultsDir = () => (RECORDING ? path.join(REPO_ROOT, "test/reliability/results") : path.join(REPO_ROOT, ".test-run/results"));

/** The raw figures only: written even when a later assertion fails, to see what happened. */
export function saveResults(name: string, data: unknown): void {
  fs.mkdirSync(resultsDir(), { recursive: true });
  fs.writeFileSync(path.join(resultsDir(), `${name}.json`), JSON.stringify({ recordedAt: new Date().toISOString(), data }, null, 2) + "\n");
}

export function record(name: string, markdown: string, data: unknown): void {
  saveResults(name, data);
  if (!RECORDING) {
    fs.writeFileSync(path.join(resultsDir(), `${name}.md`), markdown.trim() + "\n");
    return;
  }
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
