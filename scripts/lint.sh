#!/usr/bin/env bash
# `npm run lint`: ESLint (typescript-eslint) and Prettier over the repo. `npm test` runs it first.
# `npm run lint -- --fix` rewrites what the tools can fix.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--fix" ]; then
  prettier --write --log-level warn . && eslint --fix .
  exit $?
fi
status=0
prettier --check --log-level warn . || { echo "prettier: the files above are not formatted (npm run lint -- --fix)" >&2; status=1; }
eslint --max-warnings 0 . || status=1
exit $status
