// The layers, checked from the source's own imports: core ← vendors ← registry ← features (drift,
// declarative, plugin) ← entry points. A value import (not `import type`, which leaves no trace at run
// time) or a `require` counts; a circle among them, or an import against the layers, fails here.
import * as fs from "node:fs";
import * as path from "node:path";
import { ENTRIES } from "../../provider/registry";

const ROOT = path.join(__dirname, "../../provider");
const VENDORS = ENTRIES.map((e) => e.module as string);

function sources(dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Each file's value imports and requires of the package's own files, as paths relative to provider/. */
function importGraph(): Record<string, string[]> {
  const graph: Record<string, string[]> = {};
  for (const file of sources()) {
    const text = fs.readFileSync(file, "utf8");
    const specs = [
      ...[...text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"/gms)].filter((m) => !m[1]).map((m) => m[2]!),
      ...[...text.matchAll(/require\("(\.[^"]+)"\)/g)].map((m) => m[1]!),
      ...[...text.matchAll(/^import\s+"(\.[^"]+)"/gm)].map((m) => m[1]!),
    ];
    graph[path.relative(ROOT, file)] = [...new Set(specs)].map((s) => {
      const target = path.relative(ROOT, path.resolve(path.dirname(file), s));
      return fs.existsSync(path.join(ROOT, `${target}.ts`)) ? `${target}.ts` : path.join(target, "index.ts");
    });
  }
  return graph;
}

const graph = importGraph();
const layerOf = (file: string): string => {
  const top = file.split(path.sep)[0]!;
  return VENDORS.includes(top) ? "vendor" : file.includes(path.sep) ? top : file;
};

test("no import circles", () => {
  const circles: string[] = [];
  const state: Record<string, "open" | "done"> = {};
  const trail: string[] = [];
  const visit = (f: string) => {
    state[f] = "open";
    trail.push(f);
    for (const d of graph[f] ?? []) {
      if (state[d] === "open") circles.push([...trail.slice(trail.indexOf(d)), d].join(" -> "));
      else if (!state[d]) visit(d);
    }
    trail.pop();
    state[f] = "done";
  };
  for (const f of Object.keys(graph)) if (!state[f]) visit(f);
  expect(circles).toEqual([]);
});

test("core imports only core; a vendor imports only core and its own folder; only the registry and the public index import a vendor", () => {
  const against: string[] = [];
  for (const [file, deps] of Object.entries(graph))
    for (const dep of deps) {
      const [from, to] = [layerOf(file), layerOf(dep)];
      const sameVendor = file.split(path.sep)[0] === dep.split(path.sep)[0];
      if (from === "core" && to !== "core") against.push(`${file} -> ${dep}`);
      if (from === "vendor" && !(to === "core" || sameVendor)) against.push(`${file} -> ${dep}`);
      if (to === "vendor" && from !== "vendor" && !["registry.ts", "index.ts"].includes(file)) against.push(`${file} -> ${dep}`);
    }
  expect(against).toEqual([]);
});

test("the check sees imports: the registry imports every vendor's entry", () => {
  expect(graph["registry.ts"]).toEqual(expect.arrayContaining(VENDORS.map((v) => path.join(v, "entry.ts"))));
});
