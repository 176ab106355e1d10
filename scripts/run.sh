#!/usr/bin/env bash
# Runs a command with the project's toolchain: `bash scripts/run.sh pulumi version`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
pak_setup
exec "$@"
