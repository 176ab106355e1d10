#!/usr/bin/env bash
# Builds the Pulumi YAML language host (pulumi-language-yaml) from the Go module
# github.com/pulumi/pulumi-yaml into DEST/bin. Usage: build-yaml.sh YAML_VERSION DEST
#
# Same wrapper-module trick as build-pulumi.sh: pkg/v3 carries replace directives that `go install`
# refuses. pkg/v3 stays at the version pulumi-yaml requires: newer ones changed APIs it calls
# (v1.25.0 against pkg v3.259.0: "too many arguments in call to plugin.NewContextWithRoot").
set -euo pipefail
YAML_VERSION=${1:?yaml version}
DEST=${2:?dest}
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$DEST/bin.partial"

go_minor=$(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/')
yaml_mod=$(go mod download -json "github.com/pulumi/pulumi-yaml@v$YAML_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
[ -n "$yaml_mod" ] || { echo "cannot download github.com/pulumi/pulumi-yaml@v$YAML_VERSION" >&2; exit 1; }
PULUMI_VERSION=$(sed -n 's#^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 v\([0-9.]*\).*#\1#p' "$yaml_mod" | head -1)
pkg_mod=$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
[ -n "$pkg_mod" ] || { echo "cannot download github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" >&2; exit 1; }
replaces=$(grep -E '^replace ' "$pkg_mod" | grep -v '=> \.\./' || true)

cat > "$work/go.mod" <<MOD
module pulumi-yaml-build

go $go_minor

tool github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml

require (
	github.com/pulumi/pulumi-yaml v$YAML_VERSION
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

$replaces
MOD

echo "building pulumi-language-yaml v$YAML_VERSION (pulumi v$PULUMI_VERSION, go $go_minor)..." >&2
(cd "$work" && go mod tidy && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION" \
  -o "$DEST/bin.partial/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
rm -rf "$DEST/bin"
mv "$DEST/bin.partial" "$DEST/bin"
echo "built into $DEST/bin" >&2
