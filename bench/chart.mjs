// `node bench/chart.mjs RESULT.json OUT.svg`: seconds against N per operation, ours and the floors
// (median, with the samples' min–max as a band), drawn with Vega-Lite and rendered to SVG by Vega.
// ESM on its own because Vega's modules use top-level await (a CommonJS require cannot load them).
import * as fs from "node:fs";
import * as vega from "vega";
import * as vl from "vega-lite";
import { median, OP_LABELS } from "../dist/bench/report.js";

// The labels and the median are the report's own (compiled to dist/ by `npm run bench` before this runs).
const CHARTED = ["create", "preview", "refresh", "update", "drift"];
const LABELS = Object.fromEntries(CHARTED.map((op) => [op, OP_LABELS[op]]));
const NAMES = {
  floor: "no-op floor (engine)",
  rate: "rate-limit floor (no-op under the limits)",
  memory: "in-memory floor (our code)",
  ours: "ours (emulator)",
};

const [input, output] = process.argv.slice(2);
const result = JSON.parse(fs.readFileSync(input, "utf8"));
const point = (c, who, ms) => ({
  n: c.n,
  operation: LABELS[c.op],
  who: NAMES[who],
  s: median(ms) / 1000,
  lo: Math.min(...ms) / 1000,
  hi: Math.max(...ms) / 1000,
});
const values = result.cells
  .filter((c) => LABELS[c.op] && !c.note)
  .flatMap((c) => {
    const rate = c.samples.map((s) => s.rateFloorMs).filter((x) => x !== undefined);
    return [
      point(
        c,
        c.variant,
        c.samples.map((s) => s.ms),
      ),
      ...(rate.length ? [point(c, "rate", rate)] : []),
    ];
  });

const spec = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: { text: `pulumi-api-keys: seconds against N (${result.date.slice(0, 10)}, ${result.samples} samples; band = min–max)`, fontSize: 13 },
  data: { values },
  facet: { field: "operation", type: "nominal", sort: Object.values(LABELS), title: null },
  columns: 3,
  resolve: { scale: { y: "independent" } },
  spec: {
    width: 240,
    height: 170,
    encoding: {
      x: { field: "n", type: "quantitative", scale: { type: "log" }, title: "N (keys)", axis: { values: [10, 100, 500, 1000, 2000] } },
      color: { field: "who", type: "nominal", title: null, sort: Object.values(NAMES) },
    },
    layer: [
      { mark: { type: "area", opacity: 0.2 }, encoding: { y: { field: "lo", type: "quantitative", title: "seconds" }, y2: { field: "hi" } } },
      { mark: { type: "line", point: true }, encoding: { y: { field: "s", type: "quantitative", title: "seconds" } } },
    ],
  },
  config: { legend: { orient: "bottom" } },
};

const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
fs.writeFileSync(output, await view.toSVG());
console.error(`chart: ${output}`);
