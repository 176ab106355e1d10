#!/usr/bin/env bash
# `npm run bench`: see bench/run.ts. Results in bench/results/, the table in README.md.
set -euo pipefail
source "$(dirname "$0")/env.sh"
pak_setup
(cd "$ROOT" && tsc -p tsconfig.json)
exec node "$ROOT/dist/bench/run.js" "$@"
