#!/usr/bin/env bash
# `npm run demo`: the whole job end to end against the embedded emulator (see issue 7).
set -euo pipefail
source "$(dirname "$0")/env.sh"
pak_setup
if [ ! -f "$ROOT/dist/demo/main.js" ]; then
  (cd "$ROOT" && tsc -p tsconfig.json)
fi
if [ ! -f "$ROOT/dist/demo/main.js" ]; then
  echo "The demo has not landed yet: npm test shows what works today." >&2
  exit 1
fi
exec node "$ROOT/dist/demo/main.js" "$@"
