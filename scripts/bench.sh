#!/usr/bin/env bash
# `npm run bench`: see bench/run.ts. Results in bench/results/ (JSON, Markdown, an SVG chart), the table in README.md.
set -euo pipefail
source "$(dirname "$0")/env.sh"
pak_setup
(cd "$ROOT" && tsc -p tsconfig.json)
node "$ROOT/dist/bench/run.js" "$@"
node "$ROOT/bench/chart.mjs" "$ROOT/bench/results/latest.json" "$ROOT/bench/results/latest.svg"
