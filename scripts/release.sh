#!/usr/bin/env bash
# `npm run release [-- --out DIR --download-url URL --platform P,...]`: the self-contained plugin archives,
# the schema and the checksums (scripts/release.ts). Needs no Pulumi CLI; the Node runtimes it packs are
# fetched from the npm registry once, into the cache.
set -euo pipefail
source "$(dirname "$0")/env.sh"
pak_ensure_deps && pak_ensure_node
cd "$ROOT"
tsc -p tsconfig.json
exec node "$ROOT/dist/scripts/release.js" "$@"
