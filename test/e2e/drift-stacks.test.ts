// One vendor project shared by two stacks, each managing its own keys: read alone, each stack sees the
// other's keys as unmanaged; read together (--stack twice, or --all-stacks) the report is clean, grouped
// by stack, and costs one listing per vendor scope, not one per stack. Then a nightly job: only drift
// the last report lacked fails (--since), and unused keys are listed (--stale-after). All of it twice:
// with the stacks in a local file backend, and in a team's PostgreSQL backend (`pulumi login postgres://…`).
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import type { DriftReport } from "../../provider/drift/report";
import { EmulatorAdmin } from "../support/emulator-admin";
import { emulatorStack, EmulatorStack } from "../support/emulator-stack";
import { PulumiProject, REPO_ROOT } from "../support/harness";
import { Postgres, postgresUnavailable, startPostgres } from "../support/postgres";

const program = `
const pulumi = require("@pulumi/pulumi");
const { statsig, basic, authapi } = require("pulumi-api-keys");
const s = pulumi.getStack();
new statsig.Key("server", { type: "SERVER", description: "server " + s });
new basic.ProjectKey("ci", { projectId: "${BASIC_PROJECT}", label: "ci " + s, roles: ["read"] });
new authapi.ApiKey("billing", { projectId: "${AUTHAPI_PROJECT}", name: "billing " + s });
`;

/** `pulumi login <url>` in a Pulumi home of its own: the environment every CLI run of the stacks then takes. */
async function loggedIn(url: string): Promise<{ env: Record<string, string>; home: string }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "pak-home-"));
  const env = { PULUMI_HOME: home, PULUMI_BACKEND_URL: "" }; // no URL in the environment: the login decides
  await new Promise<void>((resolve, reject) =>
    execFile("pulumi", ["login", url], { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      err ? reject(new Error(`pulumi login: ${stderr}`)) : resolve(),
    ),
  );
  return { env, home };
}

const unavailable = postgresUnavailable();
const BACKENDS: Array<[string, "file" | "postgres", typeof describe]> = [
  ["a local file backend", "file", describe],
  // Skipped only where no PostgreSQL server is installed, and then the suite's name says why.
  [`a PostgreSQL backend${unavailable ? ` (skipped: ${unavailable})` : ""}`, "postgres", unavailable ? describe.skip : describe],
];

describe.each(BACKENDS)("drift across the stacks that share a vendor project, kept in %s", (_, backend, suite) =>
  suite("", () => {
    jest.setTimeout(600_000);
    let admin: EmulatorAdmin;
    let dev: PulumiProject;
    let prod: PulumiProject;

    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile("node", [path.join(REPO_ROOT, "dist/provider/cli.js"), "drift", "--cwd", dev.dir, ...args], { env: dev.env() }, (err, stdout, stderr) =>
          resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
        ),
      );
    const drift = async (args: string[]) => {
      const r = await run(["--format", "json", ...args]);
      try {
        return { code: r.code, report: JSON.parse(r.stdout) as DriftReport, text: r.stderr };
      } catch {
        throw new Error(`drift ${args.join(" ")}: ${r.stdout}${r.stderr}`);
      }
    };

    let stack: EmulatorStack;
    let postgres: Postgres | undefined;
    let home: string | undefined;
    beforeAll(async () => {
      let env: Record<string, string> | undefined;
      if (backend === "postgres") {
        postgres = await startPostgres();
        ({ env, home } = await loggedIn(postgres.url));
      }
      stack = await emulatorStack("stacks", { "index.js": program }, { stack: "dev", env });
      ({ admin, project: dev } = stack);
      prod = await stack.another("prod");
      for (const p of [dev, prod]) await p.up();
    });
    afterAll(async () => {
      await stack?.close();
      await postgres?.stop();
      if (home) fs.rmSync(home, { recursive: true, force: true });
    });

    test("the stacks are where the backend keeps them", async () => {
      const where = await dev.ok(["whoami", "--verbose"]);
      expect(where.stdout).toMatch(backend === "postgres" ? /Backend URL: postgres:\/\/pulumi@127\.0\.0\.1:\d+\/pulumi/ : /Backend URL: file:\/\//);
      // Nothing of the stacks on disk when they live in the database.
      expect(fs.readdirSync(dev.stateDir).length > 0).toBe(backend === "file");
    });

    test("alone, each stack calls the other's keys unmanaged; together they are clean and listed once per scope", async () => {
      // The recommended setup: a baseline of the keys the project held before (the vendor's defaults, keys
      // made by hand), written once from all stacks together.
      const baseline = await drift(["--all-stacks", "--write-ignore"]);
      expect(baseline.code).toBe(0);
      expect(baseline.report.unmanaged.map((u) => u.label).sort()).toEqual([
        "Client API Key",
        "Server Secret Key",
        "backend (made in the console)",
        "support desk (made by hand)",
      ]);
      const notIgnored = (r: DriftReport) => r.unmanaged.filter((u) => !u.ignored);

      const alone = await drift(["--stack", "dev"]);
      expect(alone.code).toBe(2);
      expect(
        notIgnored(alone.report)
          .map((u) => u.label)
          .sort(),
      ).toEqual(["billing prod", "ci prod", "server prod"]);

      for (const args of [["--stack", "dev", "--stack", "prod"], ["--all-stacks"]]) {
        await admin.clearRequests();
        const both = await drift(args);
        expect({ args, code: both.code, unmanaged: notIgnored(both.report) }).toEqual({ args, code: 0, unmanaged: [] });
        expect(both.report.stacks).toEqual(["dev", "prod"]);
        expect(both.report.summary).toMatchObject({ managed: 6, inSync: 6 });
        expect(both.report.resources.map((r) => `${r.stack} ${r.api} ${r.name}`).sort()).toEqual([
          "dev authapi billing",
          "dev basic ci",
          "dev statsig server",
          "prod authapi billing",
          "prod basic ci",
          "prod statsig server",
        ]);
        // One listing per vendor scope, whatever the number of stacks (the Auth API: active and revoked).
        expect(both.report.apiCalls).toEqual({ statsig: 1, basic: 1, authapi: 2 });
        expect((await admin.requests()).filter((r) => r.method === "GET")).toHaveLength(4);
      }

      // Drift in one stack is reported under that stack.
      const live = await admin.state();
      const prodServer = live.statsig.find((k: { description: string }) => k.description === "server prod").key;
      await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(prodServer)}`, { description: "edited by hand" });
      const drifted = await drift(["--all-stacks"]);
      expect(drifted.code).toBe(2);
      expect(drifted.report.resources.filter((r) => r.status === "drifted").map((r) => `${r.stack} ${r.name}`)).toEqual(["prod server"]);
      await prod.up(["--refresh"]);
      expect((await drift(["--all-stacks"])).code).toBe(0);
    });

    test("a nightly job: the last report kept, only drift it lacked fails (--since); unused keys listed (--stale-after)", async () => {
      const last = path.join(dev.dir, "last-report.json");
      const summary = path.join(dev.dir, "job-summary.md");
      const first = await drift(["--all-stacks", "--stale-after", "90d", "--json-output", last]);
      expect(first.code).toBe(0);
      // Every key's last use: never used yet (made today), and "unknown" where the vendor does not say.
      expect(first.report.resources.map((r) => `${r.stack} ${r.api} ${r.lastUsed} ${r.unusedDays}`).sort()).toEqual([
        "dev authapi unknown null",
        "dev basic null 0",
        "dev statsig null 0",
        "prod authapi unknown null",
        "prod basic null 0",
        "prod statsig null 0",
      ]);
      // The Basic key unused since February 2024 is a candidate to delete, baselined or not.
      expect(first.report.unmanaged.filter((u) => u.deleteCandidate).map((u) => `${u.api} ${u.label}`)).toEqual(["basic backend (made in the console)"]);
      expect(JSON.parse(fs.readFileSync(last, "utf8"))).toEqual(first.report);

      // Someone edits a dev key by hand: the next night fails, naming it new.
      const live = await admin.state();
      const devServer = live.statsig.find((k: { description: string }) => k.description === "server dev").key;
      await admin.call("PATCH", `/statsig/keys/${encodeURIComponent(devServer)}`, { description: "edited by hand" });
      const second = await drift(["--all-stacks", "--since", last, "--json-output", last]);
      expect(second.code).toBe(2);
      expect(second.report.resources.filter((r) => r.since).map((r) => `${r.stack} ${r.name} ${r.since}`)).toEqual(["dev server new"]);
      expect(second.report.since?.new).toMatchObject({ drifted: 1, unmanaged: 0 });

      // The night after, the same drift is known: exit 0, still shown, marked known, in the job summary.
      const third = await run(["--all-stacks", "--since", last, "--format", "markdown", "--output", summary]);
      expect(third.code).toBe(0);
      expect(fs.readFileSync(summary, "utf8")).toContain("| dev | server | statsig | drifted | description |");
      expect(fs.readFileSync(summary, "utf8")).toMatch(/\*\*0\*\* new finding\(s\)/);

      await dev.up(["--refresh"]);
      expect((await drift(["--all-stacks"])).code).toBe(0);
    });
  }),
);
