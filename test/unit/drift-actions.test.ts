// From report to action: last use and stale keys (--stale-after), new drift only (--since), and the
// bulk-import file that adopts unmanaged keys (--import-file); with bad input named before anything runs.
// The report logic runs on built reports; last use and import ids run against the emulator in process.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AUTHAPI_PROJECT } from "../../emulator/apis/authapi";
import { BASIC_PROJECT } from "../../emulator/apis/basic";
import { main, parseDriftArgs } from "../../provider/cli";
import { importFileOf, nameFromLabel } from "../../provider/drift/import-file";
import { renderMarkdown, renderText } from "../../provider/drift/render";
import { DriftReport, exitCodeOf, ResourceReport, UnmanagedKey } from "../../provider/drift/report";
import { compareWithPrevious, loadPreviousReport } from "../../provider/drift/since";
import { markStale, usageOf } from "../../provider/drift/usage";
import { ENTRIES } from "../../provider/registry";
import { emulatorSettings, useKey } from "../support/harness";
import { driftReport } from "../support/drift-report";
import { inProcessStack, InProcessStack } from "../support/in-process-stack";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-05T12:00:00.000Z");
const daysAgo = (n: number) => new Date(NOW - n * DAY).toISOString();

const report = (parts: Partial<Omit<DriftReport, "summary">>): DriftReport => driftReport({ stack: "dev", generatedAt: new Date(NOW).toISOString(), ...parts });
const key = (over: Partial<ResourceReport> & { name: string }): ResourceReport => ({
  api: "statsig",
  urn: `urn:pulumi:dev::p::apikeys:statsig:Key::${over.name}`,
  id: `id-${over.name}`,
  status: "in-sync",
  fields: [],
  stack: "dev",
  ...over,
});
const unmanaged = (over: Partial<UnmanagedKey> & { id: string }): UnmanagedKey => ({
  api: "basic",
  label: `key ${over.id}`,
  importType: "apikeys:basic:ProjectKey",
  importId: `proj/${over.id}`,
  ...over,
});

describe("last use", () => {
  test("a time, never used (counted from when it was made), or unknown where the vendor does not say: never 0 for unknown", () => {
    expect(usageOf(daysAgo(3), daysAgo(100), NOW)).toEqual({ lastUsed: daysAgo(3), unusedDays: 3 });
    expect(usageOf(null, daysAgo(100), NOW)).toEqual({ lastUsed: null, unusedDays: 100 });
    expect(usageOf(null, undefined, NOW)).toEqual({ lastUsed: null, unusedDays: null });
    expect(usageOf(undefined, daysAgo(100), NOW)).toEqual({ lastUsed: "unknown", unusedDays: null });
  });

  test("--stale-after marks managed keys stale and unmanaged ones candidates to delete; unknown use is never stale; --fail-on stale exits 2", () => {
    const r = report({
      resources: [
        key({ name: "busy", lastUsed: daysAgo(1), unusedDays: 1 }),
        key({ name: "idle", lastUsed: daysAgo(120), unusedDays: 120 }),
        key({ name: "blind", api: "authapi", lastUsed: "unknown", unusedDays: null }),
      ],
      unmanaged: [
        unmanaged({ id: "old", lastUsed: null, unusedDays: 900 }),
        unmanaged({ id: "fresh", lastUsed: daysAgo(2), unusedDays: 2 }),
        unmanaged({ id: "baselined", ignored: true, lastUsed: daysAgo(400), unusedDays: 400 }),
      ],
    });
    const marked = markStale(r, "90d");
    expect(marked.resources.map((x) => [x.name, x.stale])).toEqual([
      ["busy", false],
      ["idle", true],
      ["blind", false],
    ]);
    expect(marked.unmanaged.map((u) => [u.id, u.deleteCandidate])).toEqual([
      ["old", true],
      ["fresh", false],
      ["baselined", true],
    ]);
    expect(marked.summary).toMatchObject({ stale: 1, deleteCandidates: 2, unmanaged: 2 });
    expect(exitCodeOf({ ...marked, failOn: ["stale"] })).toBe(2);
    expect(exitCodeOf({ ...markStale(r, "200d"), failOn: ["stale"] })).toBe(0);

    const text = renderText(marked);
    expect(text).toContain("stale statsig idle: age unknown; last used " + daysAgo(120).slice(0, 10) + " (120 days ago) [stale: unused 90d or more]");
    expect(text).toContain("age authapi blind: age unknown; last use unknown (not reported by the vendor)");
    expect(text).toContain('unmanaged basic old "key old", never used (made 900 days ago) [delete candidate: unused since the stale-after limit]');
    expect(text).toContain("1 stale, 2 unmanaged unused (unused 90d or more)");
    const md = renderMarkdown(marked);
    expect(md).toContain("**Stale** (unused 90d or more):");
    expect(md).toMatch(/\| blind \| authapi \| unknown \| {2}\| {2}\| unknown \| unknown \|/);
  });
});

describe("--since: new drift only", () => {
  const edited = key({ name: "edited", status: "drifted", fields: [{ field: "description", declared: "a", live: "b" }] });
  const yesterday = report({ resources: [edited, key({ name: "fine" })], unmanaged: [unmanaged({ id: "k1" })] });

  test("what the earlier report had is known and does not fail; what it lacked is new and does", () => {
    const same = compareWithPrevious(report({ resources: yesterday.resources, unmanaged: yesterday.unmanaged }), yesterday);
    expect(same.resources.map((x) => x.since)).toEqual(["known", undefined]);
    expect(same.unmanaged.map((u) => u.since)).toEqual(["known"]);
    expect(exitCodeOf(same)).toBe(0);
    expect(exitCodeOf(yesterday)).toBe(2); // without --since, the same findings fail

    const today = report({
      resources: [
        edited,
        key({ name: "fine", status: "drifted", fields: [{ field: "scopes", declared: [], live: ["x"] }] }),
        key({ name: "gone", status: "deleted" }),
      ],
      unmanaged: [unmanaged({ id: "k1" }), unmanaged({ id: "k2" }), unmanaged({ id: "k3", ignored: true })],
    });
    const c = compareWithPrevious(today, yesterday);
    expect(c.resources.map((x) => `${x.name} ${x.since}`)).toEqual(["edited known", "fine new", "gone new"]);
    expect(c.unmanaged.map((u) => `${u.id} ${u.since}`)).toEqual(["k1 known", "k2 new", "k3 undefined"]);
    expect(c.since).toEqual({ generatedAt: yesterday.generatedAt, new: { drifted: 1, deleted: 1, unmanaged: 1, rotationDue: 0, previousInUse: 0, stale: 0 } });
    expect(exitCodeOf(c)).toBe(2);
    expect(exitCodeOf({ ...c, failOn: ["rotation-due"] })).toBe(0);
    const text = renderText(c);
    expect(text).toContain(`since the report of ${yesterday.generatedAt}: 3 new finding(s); only new ones fail this run`);
    expect(text).toMatch(/\[known\] drifted {2}statsig edited/);
    expect(text).toMatch(/\[new\] drifted {2}statsig fine/);
    expect(text).toContain('[new] unmanaged basic k2 "key k2"');
    expect(renderMarkdown(c)).toContain("| fine | statsig | 🆕 drifted | scopes |");
  });

  test("a field that drifted again to another value is new drift", () => {
    const again = report({ resources: [key({ name: "edited", status: "drifted", fields: [{ field: "description", declared: "a", live: "c" }] })] });
    const c = compareWithPrevious(again, yesterday);
    expect(c.resources[0]!.since).toBe("new");
    expect(exitCodeOf(c)).toBe(2);
  });

  test("the earlier report is read as a user wrote it (--format json), and a file that is not one is named", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "since-"));
    const file = path.join(dir, "last.json");
    fs.writeFileSync(file, JSON.stringify(yesterday));
    expect(exitCodeOf(compareWithPrevious(yesterday, loadPreviousReport(file)))).toBe(0);
    fs.writeFileSync(file, "not json");
    expect(() => loadPreviousReport(file)).toThrow(
      /--since .*last\.json is not a drift report \(write one with --json-output FILE, or --format json\): it is not JSON/,
    );
    fs.writeFileSync(file, JSON.stringify({ schemaVersion: 1, generatedAt: "x", resources: {}, unmanaged: [] }));
    expect(() => loadPreviousReport(file)).toThrow(/is not a drift report .*: resources: /);
    fs.writeFileSync(file, JSON.stringify({ name: "package.json" }));
    expect(() => loadPreviousReport(file)).toThrow(/is not a drift report .*: schemaVersion: /);
    expect(() => loadPreviousReport(path.join(dir, "missing.json"))).toThrow(/--since .*missing\.json: cannot read it \(ENOENT\)/);
  });
});

describe("--import-file", () => {
  test("names from labels, unique among themselves and the stack's keys; the explicit provider named where the account has one", () => {
    const shop = "urn:pulumi:dev::p::pulumi:providers:apikeys::shop";
    const ops = "urn:pulumi:dev::p::pulumi:providers:apikeys::ops";
    const statsig = (id: string, label: string, provider?: string): UnmanagedKey => ({
      api: "statsig",
      id,
      label,
      type: "SERVER",
      importType: "apikeys:statsig:Key",
      importId: `server/${id}`,
      ...(provider ? { provider } : {}),
    });
    const r = report({
      resources: [key({ name: "checkout" })],
      unmanaged: [
        statsig("a1", "Server Secret Key", shop),
        statsig("b2", "Server Secret Key", ops),
        statsig("c3", "checkout", shop),
        unmanaged({ id: "d4", label: "backend (made in the console)" }),
        unmanaged({ id: "e5", label: "backend (made in the console)" }),
        unmanaged({ id: "f6", label: "" }),
        unmanaged({ id: "g7", label: "ignored one", ignored: true }),
      ],
    });
    expect(importFileOf(r)).toEqual({
      nameTable: { shop, ops },
      resources: [
        { type: "apikeys:statsig:Key", name: "shop-server-secret-key", id: "server/a1", provider: "shop" },
        { type: "apikeys:statsig:Key", name: "ops-server-secret-key", id: "server/b2", provider: "ops" },
        { type: "apikeys:statsig:Key", name: "shop-checkout", id: "server/c3", provider: "shop" },
        { type: "apikeys:basic:ProjectKey", name: "backend-made-in-the-console", id: "proj/d4" },
        { type: "apikeys:basic:ProjectKey", name: "backend-made-in-the-console-2", id: "proj/e5" },
        { type: "apikeys:basic:ProjectKey", name: "basic-key", id: "proj/f6" },
      ],
    });
    expect(nameFromLabel("2024 Ünïcode key!", "statsig")).toBe("key-2024-unicode-key");
    // The reports print the one command.
    expect(renderText({ ...r, importFile: "imports.json" })).toContain("to adopt the 6 unmanaged key(s): pulumi import --file imports.json --stack dev");
    expect(renderText(r)).toContain(
      "to adopt them: pulumi-api-keys drift --stack dev --import-file imports.json, then pulumi import --file imports.json --stack dev",
    );
    expect(renderMarkdown({ ...r, importFile: "imports.json" })).toContain("To adopt them: `pulumi import --file imports.json --stack dev`");
  });
});

describe("arguments and bad input: a clear error, before any stack is read, and nothing written", () => {
  test("parsing", () => {
    expect(parseDriftArgs(["--stale-after", "90d", "--fail-on", "stale", "--since", "last.json", "--import-file", "i.json"])).toMatchObject({
      staleAfter: "90d",
      failOn: ["stale"],
      since: "last.json",
      importFile: "i.json",
    });
    expect(parseDriftArgs(["--stale-after", "3 months"])).toBe(
      '--stale-after must be a duration: a whole number and h, d or w ("720h", "90d", "12w") (got "3 months")',
    );
    expect(parseDriftArgs(["--fail-on", "stale"])).toMatch(/--fail-on stale needs --stale-after/);
    expect(parseDriftArgs(["--all-stacks", "--import-file", "i.json"])).toMatch(/--import-file adopts keys into one stack/);
    expect(parseDriftArgs(["--stack", "a", "--stack", "b", "--import-file", "i.json"])).toMatch(/--import-file adopts keys into one stack/);
    expect(parseDriftArgs(["--no-unmanaged", "--import-file", "i.json"])).toMatch(/does not go with --no-unmanaged/);
  });

  test("each bad input exits 1 naming the flag; no stack is read (the pulumi given does not exist) and no file is written", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-bad-"));
    const notReport = path.join(dir, "package.json");
    fs.writeFileSync(notReport, '{"name": "x"}');
    const output = path.join(dir, "report.md");
    const common = ["--cwd", dir, "--pulumi", path.join(dir, "no-pulumi"), "--output", output];
    expect(parseDriftArgs(["--json-output", "last.json"])).toMatchObject({ jsonOutput: "last.json" });
    const cases: Array<[string[], RegExp]> = [
      [["--import-file", path.join(dir, "missing-folder", "imports.json")], /--import-file .*imports\.json: cannot write it \(no folder .*missing-folder\)/],
      [["--import-file", dir], /--import-file .*: cannot write it \(it is a folder\)/],
      [["--since", notReport], /--since .*package\.json is not a drift report/],
      [["--stale-after", "ninety days"], /--stale-after must be a duration/],
      [["--json-output", path.join(dir, "nowhere", "last.json")], /--json-output .*last\.json: cannot write it \(no folder .*nowhere\)/],
    ];
    for (const [args, message] of cases) {
      const err: string[] = [];
      const o = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
      const e = jest.spyOn(process.stderr, "write").mockImplementation((c) => (err.push(String(c)), true));
      try {
        expect({ args, code: await main(["drift", ...common, ...args]) }).toEqual({ args, code: 1 });
      } finally {
        o.mockRestore();
        e.mockRestore();
      }
      expect(err.join("")).toMatch(message);
      expect(err.join("")).not.toMatch(/no-pulumi|ENOENT.*spawn/);
      expect(fs.readdirSync(dir).sort()).toEqual(["package.json"]);
    }
  });
});

describe("against the vendors (emulated): last use as each reports it, and import ids that adopt", () => {
  jest.setTimeout(120_000);
  let stack: InProcessStack;
  beforeAll(async () => {
    stack = await inProcessStack("drift-actions");
  });
  afterAll(() => stack.close());

  test("a real project's keys: the ones in use, the one unused since February 2024, and The Auth API's unknown", async () => {
    // One key in each seeded project, so that the report lists them.
    const seeded: Record<string, Record<string, string>> = { basic: { projectId: BASIC_PROJECT }, authapi: { projectId: AUTHAPI_PROJECT } };
    await stack.up(Object.fromEntries(ENTRIES.map((e) => [e.api, { api: e.api, args: { ...e.example, ...seeded[e.api] } }])));
    const report = markStale(await stack.engine.drift(), "90d");
    const byLabel = (api: string, label: string) => report.unmanaged.find((u) => u.api === api && u.label === label)!;
    expect(byLabel("statsig", "Server Secret Key")).toMatchObject({ lastUsed: expect.any(String), unusedDays: 0, deleteCandidate: false });
    expect(byLabel("basic", "backend (made in the console)")).toMatchObject({
      lastUsed: "2024-02-20T16:30:00.000Z",
      unusedDays: expect.any(Number),
      deleteCandidate: true,
      project: BASIC_PROJECT,
    });
    expect(byLabel("authapi", "support desk (made by hand)")).toMatchObject({ lastUsed: "unknown", unusedDays: null, deleteCandidate: false });
    await stack.up({});
  });

  test.each(ENTRIES.map((e) => [e.api, e] as const))(
    "%s: a new key never used, then used; each unmanaged key's import id adopts it, in sync",
    async (api, e) => {
      const { engine, up, admin } = stack;
      await up({ key: { api, args: e.example }, other: { api, args: e.example } });
      engine.state = engine.state.filter((r) => r.name !== "other"); // `pulumi state delete`: an unmanaged key, at least
      const mine = async () => (await engine.drift()).resources.find((r) => r.name === "key")!;
      const fresh = await mine();
      const reportsUse = fresh.lastUsed !== "unknown";
      if (reportsUse) expect(fresh).toMatchObject({ lastUsed: null, unusedDays: 0 });
      else expect(fresh).toMatchObject({ unusedDays: null });
      const valueField = e.fields.find((f) => f.secret && !f.input)!.name; // the key's value (not a secret input)
      const value = engine.state.find((r) => r.name === "key")!.outputs[valueField] as string;
      expect(await useKey(admin.url, api, value)).toBeLessThan(300);
      const used = await mine();
      if (reportsUse) expect(used).toMatchObject({ lastUsed: expect.stringMatching(/^\d{4}-/), unusedDays: 0 });
      else expect(used).toMatchObject({ lastUsed: "unknown", unusedDays: null });

      // What `pulumi import --file` does with each entry: the provider adopts the key by its id, and the
      // next report has it managed and in sync.
      const found = (await engine.drift()).unmanaged.filter((u) => u.api === api);
      expect(found.length).toBeGreaterThan(0);
      const settings = emulatorSettings(admin.url);
      const provider = e.provider();
      await provider.configure({ config: { get: (k: string) => ({ ...settings.config, ...settings.secrets })[k] } });
      for (const [i, u] of found.entries()) {
        expect(u.importType).toBe(`apikeys:${e.module}:${e.typeName}`);
        const adopted = await provider.adopt(u.importId!);
        engine.state.push({ name: `adopted${i}`, api, id: adopted.id, inputs: adopted.inputs, outputs: adopted.props });
      }
      const after = await engine.drift();
      expect(after.unmanaged.filter((u) => u.api === api)).toEqual([]);
      expect(after.resources.filter((r) => r.api === api).map((r) => r.status)).toEqual(new Array(found.length + 1).fill("in-sync"));
      engine.state = engine.state.filter((r) => !r.name.startsWith("adopted")); // `pulumi state delete`: the keys stay live
      await up({});
    },
  );
});
