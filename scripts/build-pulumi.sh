#!/usr/bin/env bash
# Builds the Pulumi CLI and the nodejs language host from Go modules into DEST/bin.
# Usage: build-pulumi.sh VERSION DEST
#
# Why a wrapper module: pkg/v3 carries replace directives, so `go install module@version` refuses it;
# requiring it from a throwaway module (and repeating its replaces) builds the same code.
#
# The language host: since v3.69 it lives in its own nested module
# (sdk/nodejs/cmd/pulumi-language-nodejs/v3) that has no tags; this workplace's Go proxy refuses every
# version of it (403 for tags, pseudo-versions and commit queries alike). Until v3.68.0 the same host
# was part of sdk/v3, which the proxy does serve, so that is the one built here (LANGHOST_SDK_VERSION).
set -euo pipefail
VERSION=${1:?version}
DEST=${2:?dest}
LANGHOST_SDK_VERSION=${LANGHOST_SDK_VERSION:-3.68.0}
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cli" "$work/lang" "$DEST/bin.partial"

source "$(dirname "$0")/go-wrapper.sh"
go_minor=$(go_minor)
write_wrapper_mod "$work/cli" pulumi-cli-build "$VERSION" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

cat > "$work/lang/go.mod" <<MOD
module pulumi-langhost-build

go $go_minor

tool github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs

require github.com/pulumi/pulumi/sdk/v3 v$LANGHOST_SDK_VERSION
MOD

stamp="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION"
echo "building pulumi v$VERSION (go $go_minor)..." >&2
(cd "$work/cli" && go mod tidy && go build -trimpath -ldflags "-s -w $stamp" -o "$DEST/bin.partial/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
echo "building pulumi-language-nodejs (sdk v$LANGHOST_SDK_VERSION)..." >&2
(cd "$work/lang" && go mod tidy && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LANGHOST_SDK_VERSION" -o "$DEST/bin.partial/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
rm -rf "$DEST/bin"
mv "$DEST/bin.partial" "$DEST/bin"
echo "built into $DEST/bin" >&2
