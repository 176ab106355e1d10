#!/usr/bin/env bash
# `npm run demo`: the whole job end to end against the embedded emulator (see issue 7).
set -euo pipefail
source "$(dirname "$0")/env.sh"
pak_setup
(cd "$ROOT" && tsc -p tsconfig.json)
exec node "$ROOT/dist/demo/main.js" "$@"
