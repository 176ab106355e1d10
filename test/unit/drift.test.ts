import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main, parseDriftArgs } from "../../provider/cli";
import { compareFields } from "../../provider/drift/detect";
import { appendUnmanagedRules, IgnoreRules } from "../../provider/drift/ignore";
import { renderJson, renderMarkdown, renderText } from "../../provider/drift/render";
import { exitCodeOf, UnmanagedKey } from "../../provider/drift/report";
import { STATSIG_LIVE_POLICY } from "../../provider/statsig/schema";
import { driftReport } from "../support/drift-report";

const declared = { type: "SERVER", description: "svc", scopes: ["a", "b"], environments: ["prod"], secondaryTargetApps: [], active: true, rotation: "1" };

const report = driftReport;

describe("compareFields", () => {
  test("sets report members added and removed; order is not drift; triggers are not compared", () => {
    expect(compareFields(STATSIG_LIVE_POLICY, declared, { ...declared, scopes: ["b", "a"], rotation: undefined })).toEqual([]);
    const d = compareFields(STATSIG_LIVE_POLICY, declared, { ...declared, scopes: ["b", "c"], description: "edited", targetApp: "x" });
    expect(d).toEqual([
      { field: "description", declared: "svc", live: "edited" },
      { field: "scopes", declared: ["a", "b"], live: ["b", "c"], added: ["c"], removed: ["a"] },
      { field: "targetApp", declared: null, live: "x" },
    ]);
  });
});

describe("ignore rules", () => {
  test("by resource name or URN glob and field; unmanaged by api and id; bad files name the field", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ign-"));
    const file = path.join(dir, "ignore.yaml");
    fs.writeFileSync(file, "ignore:\n  - resource: web-*\n    fields: [description]\n  - resource: '*::legacy'\n  - unmanaged: { api: statsig, id: abc123 }\n");
    const rules = IgnoreRules.load(file);
    expect(rules.field("web-client", "urn:x::web-client", "description")).toBe(true);
    expect(rules.field("web-client", "urn:x::web-client", "scopes")).toBe(false);
    expect(rules.field("legacy", "urn:pulumi:s::p::t::legacy", "anything")).toBe(true);
    expect(rules.unmanaged({ api: "statsig", id: "abc123", label: "x" })).toBe(true);
    expect(rules.unmanaged({ api: "basic", id: "abc123", label: "x" })).toBe(false);
    fs.writeFileSync(file, "ignore:\n  - resource: x\n    feilds: [a]\n");
    expect(() => IgnoreRules.load(file)).toThrow(/ignore\.0/);
  });
});

describe("ignore rules for unmanaged keys: id, label glob, type; expiry; baseline", () => {
  const key = (over: Partial<UnmanagedKey> = {}): UnmanagedKey => ({ api: "statsig", id: "f00d", label: "legacy checkout", type: "SERVER", ...over });

  test("match by label glob and by type; every given condition must hold", () => {
    const rules = new IgnoreRules([{ unmanaged: { api: "statsig", label: "legacy *" } }, { unmanaged: { api: "statsig", type: "CONSOLE" } }], "2026-11-25");
    expect(rules.unmanaged(key())).toBe(true);
    expect(rules.unmanaged(key({ label: "checkout" }))).toBe(false);
    expect(rules.unmanaged(key({ label: "ci", type: "CONSOLE" }))).toBe(true);
    expect(rules.unmanaged(key({ api: "basic" }))).toBe(false);
    expect(new IgnoreRules([{ unmanaged: { api: "statsig", label: "legacy *", type: "CLIENT" } }]).unmanaged(key())).toBe(false);
  });

  test("a rule past its expires date no longer applies, and the report names it", () => {
    const rules = new IgnoreRules(
      [
        { unmanaged: { api: "statsig", id: "f00d" }, expires: "2026-11-24", reason: "migration" },
        { resource: "web", expires: "2026-11-25" },
      ],
      "2026-11-25",
    );
    expect(rules.unmanaged(key())).toBe(false);
    expect(rules.field("web", "urn::web", "description")).toBe(true); // applies through its last day
    expect(rules.expired).toEqual([{ rule: 0, expires: "2026-11-24", reason: "migration" }]);
    const text = renderText(report({ expiredIgnoreRules: rules.expired }));
    expect(text).toContain("ignore rule 1 (migration) expired on 2026-11-24 and no longer applies");
  });

  test("bad rules name the field: an unmanaged rule needs a condition, dates must be real", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ign-"));
    const file = path.join(dir, "ignore.yaml");
    fs.writeFileSync(file, "ignore:\n  - unmanaged: { api: statsig }\n");
    expect(() => IgnoreRules.load(file)).toThrow(/needs id, label or type/);
    fs.writeFileSync(file, "ignore:\n  - resource: x\n    expires: 2027-02-30\n");
    expect(() => IgnoreRules.load(file)).toThrow(/ignore\.0\.expires: is not a real date/);
  });

  test("--write-ignore appends dated rules with a reason to fill in, keeping the file's comments", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ign-"));
    const file = path.join(dir, "ignore.yaml");
    fs.writeFileSync(file, "# accepted drift\nignore:\n  - resource: web # legacy\n");
    appendUnmanagedRules(file, [key(), key({ api: "basic", id: "k-1", label: "ci", type: undefined, project: "p1" })], "2026-11-25");
    const text = fs.readFileSync(file, "utf8");
    expect(text).toContain("# accepted drift");
    expect(text).toContain("resource: web # legacy");
    const rules = IgnoreRules.load(file, "2026-11-25");
    expect(rules.rules).toHaveLength(3);
    expect(rules.rules[1]).toEqual({ unmanaged: { api: "statsig", id: "f00d" }, reason: "TODO: why this key may stay unmanaged", added: "2026-11-25" });
    expect(rules.unmanaged(key({ api: "basic", id: "k-1", label: "ci" }))).toBe(true);
    expect(rules.unmanaged(key({ id: "new1" }))).toBe(false); // only the baseline, not every key
  });
});

describe("report, exit codes and renderers", () => {
  const drifted = report({
    resources: [
      {
        api: "statsig",
        name: "server",
        urn: "u1",
        id: "statsig-server-1",
        status: "drifted",
        fields: [{ field: "scopes", declared: ["a"], live: ["a", "b"], added: ["b"], removed: [] }],
      },
      { api: "basic", name: "ci", urn: "u2", id: "p/k", status: "deleted", fields: [] },
      { api: "authapi", name: "billing", urn: "u3", id: "authapi-1", status: "in-sync", fields: [] },
    ],
    unmanaged: [{ api: "statsig", id: "0123456789abcdef", label: "SERVER made by hand" }],
  });

  test("exit code: 0 in sync, 2 drift, 1 error; ignored drift does not count", () => {
    expect(exitCodeOf(report({}))).toBe(0);
    expect(exitCodeOf(drifted)).toBe(2);
    expect(exitCodeOf(report({ errors: ["statsig: down"] }))).toBe(1);
    // --fail-on chooses what exits 2.
    const onlyUnmanaged = report({ unmanaged: [{ api: "statsig", id: "f00d", label: "x" }] });
    expect(exitCodeOf(onlyUnmanaged)).toBe(2);
    expect(exitCodeOf({ ...onlyUnmanaged, failOn: ["drifted", "deleted"] })).toBe(0);
    expect(exitCodeOf({ ...report({ resources: [drifted.resources[0]!] }), failOn: ["deleted", "unmanaged"] })).toBe(0);
    expect(exitCodeOf({ ...drifted, failOn: ["drifted"] })).toBe(2);
    const onlyIgnored = report({
      resources: [
        { api: "statsig", name: "s", urn: "u", id: "i", status: "drifted", fields: [{ field: "description", declared: "a", live: "b", ignored: true }] },
      ],
      unmanaged: [{ api: "basic", id: "k", label: "l", ignored: true }],
    });
    expect(onlyIgnored.summary).toMatchObject({ drifted: 0, inSync: 1, unmanaged: 0, ignored: 2 });
    expect(exitCodeOf(onlyIgnored)).toBe(0);
  });

  test("summary counts", () => {
    expect(drifted.summary).toEqual({
      managed: 3,
      inSync: 1,
      drifted: 1,
      deleted: 1,
      unmanaged: 1,
      ignored: 0,
      credentials: 0,
      rotationDue: 0,
      previousInUse: 0,
      stale: 0,
      deleteCandidates: 0,
    });
  });

  test("the credential among the listed keys is named as such and never fails the run", () => {
    const withCredential = report({ credentials: [{ api: "statsig", id: "c0ffee0123456789", label: "Console API Key", type: "CONSOLE" }] });
    expect(withCredential.summary).toMatchObject({ unmanaged: 0, credentials: 1 });
    expect(exitCodeOf(withCredential)).toBe(0);
    expect(renderText(withCredential)).toContain('credential statsig c0ffee0123456789 CONSOLE "Console API Key" (the key this report signs in with)');
    expect(renderMarkdown(withCredential)).toContain("- credential: statsig `c0ffee0123456789` CONSOLE Console API Key");
  });

  test("text names every drifted field with declared, live, added and removed", () => {
    const t = renderText(drifted);
    expect(t).toMatch(/p\/s: DRIFT/);
    expect(t).toContain('scopes: declared ["a"], live ["a","b"] (+b)');
    expect(t).toMatch(/deleted\s+basic ci/);
    expect(t).toContain('unmanaged statsig 0123456789abcdef "SERVER made by hand"');
    expect(renderText(report({}))).toMatch(/in sync/);
  });

  test("json is the report itself (schemaVersion 1)", () => {
    const j = JSON.parse(renderJson(drifted));
    expect(j).toEqual(JSON.parse(JSON.stringify(drifted)));
    expect(j.schemaVersion).toBe(1);
  });

  test("markdown: a heading with the verdict, a table of fields, the unmanaged list", () => {
    const m = renderMarkdown(drifted);
    expect(m).toMatch(/^## ⚠️ API key drift: `p\/s` — DRIFT/);
    expect(m).toContain("| server | statsig | drifted | scopes |");
    expect(m).toContain("| ci | basic | deleted |");
    expect(m).toContain("- statsig `0123456789abcdef` SERVER made by hand");
    expect(renderMarkdown(report({}))).toMatch(/^## ✅/);
    expect(renderMarkdown(report({ errors: ["x"] }))).toMatch(/^## ❌/);
  });

  test("several stacks: grouped by stack in text and markdown", () => {
    const two = report({
      stack: "dev, prod",
      stacks: ["dev", "prod"],
      resources: [
        { stack: "dev", api: "statsig", name: "server", urn: "u1", id: "s1", status: "drifted", fields: [{ field: "description", declared: "a", live: "b" }] },
        { stack: "prod", api: "statsig", name: "server", urn: "u2", id: "s2", status: "in-sync", fields: [] },
      ],
    });
    const t = renderText(two);
    expect(t).toContain("pulumi-api-keys drift: p/dev, prod: DRIFT");
    expect(t).toMatch(/ {2}stack dev: 1 managed\n {4}drifted {2}statsig server \(s1\)\n {8}description: declared "a", live "b"/);
    expect(t).toContain("  stack prod: 1 managed, all in sync");
    expect(renderMarkdown(two)).toContain("| dev | server | statsig | drifted | description |");
  });

  test("arguments", () => {
    expect(parseDriftArgs(["--cwd", "infra", "--stack", "prod", "--format", "markdown", "--no-unmanaged"])).toMatchObject({
      cwd: "infra",
      stacks: ["prod"],
      format: "markdown",
      unmanaged: false,
    });
    expect(parseDriftArgs(["--format", "yaml"])).toMatch(/--format must be text, json or markdown/);
    expect(parseDriftArgs(["--bogus"])).toMatch(/unknown option --bogus/);
    expect(parseDriftArgs(["--stack"])).toMatch(/needs a value/);
    expect(parseDriftArgs([])).toMatchObject({ failOn: ["drifted", "deleted", "unmanaged", "rotation-due"], writeIgnore: false, stacks: [], allStacks: false });
    expect(parseDriftArgs(["--stack", "dev", "-s", "prod"])).toMatchObject({ stacks: ["dev", "prod"] });
    expect(parseDriftArgs(["--all-stacks"])).toMatchObject({ allStacks: true });
    expect(parseDriftArgs(["--all-stacks", "--stack", "dev"])).toMatch(/do not go together/);
    expect(parseDriftArgs(["--fail-on", "drifted, deleted", "--write-ignore"])).toMatchObject({ failOn: ["drifted", "deleted"], writeIgnore: true });
    expect(parseDriftArgs(["--fail-on", "drifted,unmanagd"])).toMatch(
      /--fail-on takes a comma list of drifted, deleted, unmanaged, rotation-due, previous-in-use, stale \(got unmanagd\)/,
    );
  });
});

describe("drift --help", () => {
  test("prints the usage on stdout and exits 0, before reading any stack", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const o = jest.spyOn(process.stdout, "write").mockImplementation((c) => (out.push(String(c)), true));
    const e = jest.spyOn(process.stderr, "write").mockImplementation((c) => (err.push(String(c)), true));
    try {
      expect(await main(["drift", "--help"])).toBe(0);
      expect(await main(["drift", "--cwd", "/nonexistent", "-h"])).toBe(0);
      expect(await main(["drift", "--bogus"])).toBe(1);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    expect(out.join("")).toMatch(/^usage: pulumi-api-keys drift \[options\]/);
    expect(out.join("").match(/usage:/g)).toHaveLength(2);
    expect(err.join("")).toMatch(/^unknown option --bogus/);
  });
});
