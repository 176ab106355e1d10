#!/usr/bin/env bash
# `npm run pulumi -- <args>`: the pinned Pulumi CLI with the project's offline settings, and this
# checkout's native plugin (pulumi-resource-apikeys, built by `npm run build`) installed in PULUMI_HOME
# as a launcher of dist/ (a plugin on PATH would make Pulumi warn on every run).
set -euo pipefail
source "$(dirname "$0")/env.sh"
pak_setup
version=$(node -p "require('$ROOT/package.json').version")
plugin_dir="$PULUMI_HOME/plugins/resource-apikeys-v$version"
mkdir -p "$plugin_dir"
cat >"$plugin_dir/pulumi-resource-apikeys" <<LAUNCHER
#!/bin/sh
[ -f "$ROOT/dist/provider/plugin/main.js" ] || { echo "pulumi-resource-apikeys: not built: run npm run build in $ROOT" >&2; exit 1; }
exec node "$ROOT/dist/provider/plugin/main.js" "\$@"
LAUNCHER
chmod +x "$plugin_dir/pulumi-resource-apikeys"
exec pulumi "$@"
