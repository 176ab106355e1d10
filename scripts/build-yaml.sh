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

source "$(dirname "$0")/go-wrapper.sh"
go_minor=$(go_minor)
yaml_mod=$(go_mod_file "github.com/pulumi/pulumi-yaml@v$YAML_VERSION")
PULUMI_VERSION=$(sed -n 's#^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 v\([0-9.]*\).*#\1#p' "$yaml_mod" | head -1)
write_wrapper_mod "$work" pulumi-yaml-build "$PULUMI_VERSION" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml "github.com/pulumi/pulumi-yaml v$YAML_VERSION"

echo "building pulumi-language-yaml v$YAML_VERSION (pulumi v$PULUMI_VERSION, go $go_minor)..." >&2
(cd "$work" && go mod tidy && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION" \
  -o "$DEST/bin.partial/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
rm -rf "$DEST/bin"
mv "$DEST/bin.partial" "$DEST/bin"
echo "built into $DEST/bin" >&2
