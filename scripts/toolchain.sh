#!/usr/bin/env bash
# `npm run toolchain`: installs what the repo's commands use (dependencies, Node >= 22, the pinned Pulumi
# CLI; scripts/env.sh does the work) and says which versions are in use.
set -euo pipefail
echo "node $(node --version) at $(command -v node)"
echo "pulumi $(pulumi version) at $(command -v pulumi)"
echo "pulumi-language-nodejs at $(command -v pulumi-language-nodejs)"
echo "tsc $(tsc --version | sed 's/^Version //')"
