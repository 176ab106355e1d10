#!/usr/bin/env bash
# `npm run gen-sdk [-- [--schema FILE] LANGUAGE...]`: the apikeys SDKs (Go, TypeScript, Python; default all three),
# generated from the plugin's schema into sdk/ (not committed: this script regenerates it).
# The generator (scripts/gen-sdk/main.go) calls Pulumi's own code generators from pkg/v3, built once
# into the cache. C# is not generated here: its generator lives in github.com/pulumi/pulumi-dotnet,
# which this machine's Go module proxy refuses (403).
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/go-wrapper.sh"
pak_setup
cd "$ROOT"
tsc -p tsconfig.json
# --schema FILE: generate from that schema instead, e.g. a release's schema.json (its pluginDownloadURL a mirror).
schema_file=""
if [ "${1:-}" = "--schema" ]; then schema_file=$(realpath "$2") && shift 2; fi
languages=("$@")
[ ${#languages[@]} -gt 0 ] || languages=(go nodejs python)
version=$(node -p "require('$ROOT/node_modules/@pulumi/pulumi/package.json').version")
digest=$(sha256sum "$ROOT/scripts/gen-sdk/main.go" | cut -c1-12)
gen="$PAK_CACHE/gen-sdk-v$version-$digest/gen-sdk"
if [ ! -x "$gen" ]; then
  pak_lock "gen-sdk-v$version"
  if [ ! -x "$gen" ]; then
    pak_log "building the SDK generator (Pulumi's codegen v$version) into $(dirname "$gen") (first time only)..."
    work=$(mktemp -d)
    write_wrapper_mod "$work" pulumi-api-keys-gen-sdk "$version"
    cp "$ROOT/scripts/gen-sdk/main.go" "$work/"
    mkdir -p "$(dirname "$gen")"
    (cd "$work" && GOFLAGS=-mod=mod go mod tidy >&2 && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -o "$gen.partial" . >&2)
    mv "$gen.partial" "$gen"
    rm -rf "$work"
  fi
  pak_unlock
fi
mkdir -p "$ROOT/sdk"
if [ -n "$schema_file" ]; then
  cp "$schema_file" "$ROOT/sdk/schema.json"
else
  node -e 'process.stdout.write(JSON.stringify(require(process.argv[1]).packageSchema(), null, 2) + "\n")' "$ROOT/dist/provider/plugin/schema.js" >"$ROOT/sdk/schema.json"
fi
"$gen" "$ROOT/sdk/schema.json" "$ROOT/sdk" "${languages[@]}"
# Go: the module the schema's importBasePath names, on the SDK module this CLI was built from, with every
# other module at the version the CLI's build chose: `go build -trimpath` of the SDK then reuses the CLI's
# compiled packages from the Go build cache (on a fresh machine, minutes less work).
if [ -d "$ROOT/sdk/go" ]; then
  ref=$(mktemp -d)
  write_wrapper_mod "$ref" pulumi-cli-versions "$version" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  (cd "$ref" && GOFLAGS=-mod=mod go mod tidy >&2 && GOFLAGS=-mod=mod go list -m \
    -f '{{if and (not .Main) (not .Replace) (ne .Path "github.com/pulumi/pulumi/sdk/v3")}}{{printf "\t%s %s\n" .Path .Version}}{{end}}' all) >"$ref/versions"
  { printf 'module github.com/pulumi-api-keys/pulumi-api-keys/sdk/go\n\ngo %s\n\nrequire (\n\tgithub.com/pulumi/pulumi/sdk/v3 v%s\n' "$(go_minor)" "$version"
    cat "$ref/versions"
    printf ')\n'; } >"$ROOT/sdk/go/go.mod"
  rm -rf "$ref"
  # tidy drops the modules the SDK does not use and keeps the versions of those it does.
  (cd "$ROOT/sdk/go" && GOFLAGS=-mod=mod go mod tidy >&2)
fi
