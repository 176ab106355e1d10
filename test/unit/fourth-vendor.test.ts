// "Adding a vendor is one folder, one registry line and its emulator module", checked rather than claimed:
// a copy of the project gets the test-only vendor Tally (test/fixtures/fourth-vendor) exactly that way,
// then type-checks and runs the shared tests, which must cover Tally with nothing written for it.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../support/repo-root";

const run = promisify(execFile);
const FIXTURE = path.join(REPO_ROOT, "test/fixtures/fourth-vendor");
/** The shared tests: each iterates the registry, or the emulator's APIs, and names no vendor. */
const SHARED = [
  "test/unit/vendors.test.ts",
  "test/unit/rotation-overlap.test.ts",
  "test/unit/declare-keys.test.ts",
  "test/unit/schema.test.ts",
  "test/unit/architecture.test.ts",
];

jest.setTimeout(300_000);
let copy: string;
beforeAll(() => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), "fourth-vendor-"));
  for (const f of ["package.json", "tsconfig.json", "jest.config.js", "provider", "emulator", "test", "docs", "bench", "demo"])
    fs.cpSync(path.join(REPO_ROOT, f), path.join(copy, f), { recursive: true, filter: (src) => !src.endsWith(".tgz") });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"));
  // The three steps of "Adding a vendor" in docs/ARCHITECTURE.md, and nothing else.
  fs.cpSync(path.join(FIXTURE, "provider/tally"), path.join(copy, "provider/tally"), { recursive: true });
  fs.copyFileSync(path.join(FIXTURE, "emulator/tally.ts"), path.join(copy, "emulator/apis/tally.ts"));
  const registry = path.join(copy, "provider/registry.ts");
  const text = fs.readFileSync(registry, "utf8");
  const registered = text
    .replace(/(import \{ entry as authapi \} from "\.\/authapi\/entry";\n)/, `$1import { entry as tally } from "./tally/entry";\n`)
    .replace("export const ENTRIES = [statsig, basic, authapi] as const;", "export const ENTRIES = [statsig, basic, authapi, tally] as const;");
  expect(registered.split("\n").length).toBe(text.split("\n").length + 1); // one import added, one list extended
  fs.writeFileSync(registry, registered);
  // What is type-checked: the package, the emulator and the shared tests. Per-vendor test tables (the
  // fault matrix's cells, typed Record<Api, …>) are a real vendor's to add: their types name what is missing.
  fs.writeFileSync(
    path.join(copy, "tsconfig.shared.json"),
    JSON.stringify({ extends: "./test/tsconfig.json", include: ["provider/**/*.ts", "emulator/**/*.ts", ...SHARED], exclude: [] }),
  );
});
afterAll(() => (process.env.KEEP_COPY ? console.log(copy) : fs.rmSync(copy, { recursive: true, force: true })));

test("the project with Tally added type-checks: its Args interface matches its field table, its entry the vendor shape", async () => {
  const out = await run(process.execPath, [path.join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.shared.json"], { cwd: copy }).catch(
    (e: { stdout: string }) => e,
  );
  expect(out.stdout).toBe(""); // tsc prints each error
});

test("the shared lifecycle, drift, declareKeys and plugin schema tests run on Tally, and pass", async () => {
  const results = path.join(copy, "results.json");
  const jest = path.join(REPO_ROOT, "node_modules/jest/bin/jest.js");
  const out = await run(process.execPath, [jest, "--selectProjects", "unit", "--json", "--outputFile", results, "--runTestsByPath", ...SHARED], {
    cwd: copy,
    env: { ...process.env, CI: "true" },
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout: string; stderr: string }) => e);
  const report = JSON.parse(fs.readFileSync(results, "utf8")) as {
    numFailedTests: number;
    testResults: Array<{ assertionResults: Array<{ fullName: string; status: string }> }>;
  };
  const tests = report.testResults.flatMap((r) => r.assertionResults);
  expect([report.numFailedTests, tests.filter((t) => t.status !== "passed").map((t) => t.fullName)]).toEqual([0, []]);
  expect(out.stderr).toMatch(/Tests:\s+\d+ passed/);
  // Tally's own lifecycle and drift ran: the shared tests found it in the registry and in the emulator.
  expect(tests.filter((t) => t.fullName.startsWith("tally ")).map((t) => t.fullName)).toEqual([
    "tally its example passes its own rules",
    "tally create, no-op, one write per change, deletion by hand repaired, rotation, destroy: each stage ends with refresh showing no changes",
    "tally drift: in sync after create, a key the stack no longer manages listed as unmanaged, a key deleted by hand reported deleted",
    "tally the plugin's schema has its resource: every field described, its secrets secret, its replacing inputs marked",
    "tally a rotation keeps the previous key live and managed; destroy retires both",
  ]);
});
