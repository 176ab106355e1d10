#!/usr/bin/env bash
# `npm run emulator [-- --port N --state FILE --no-rate-limits]`: the three APIs on one local port.
set -euo pipefail
source "$(dirname "$0")/env.sh"
pak_ensure_deps && pak_ensure_node
(cd "$ROOT" && tsc -p tsconfig.json)
exec node "$ROOT/dist/emulator/main.js" "$@"
