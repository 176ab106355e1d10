#!/usr/bin/env bash
# `npm test`: installs what the suite needs (dependencies, Node >= 22, the Pulumi CLI), builds,
# then runs unit, contract and end-to-end tests. Ends with `tests: N passed, N failed`.
set -uo pipefail
source "$(dirname "$0")/env.sh"
pak_setup || { echo "tests: 0 passed, 1 failed"; exit 1; }
cd "$ROOT"
pak_log "node $(node --version), $(pulumi version) at $(command -v pulumi)"
if ! tsc -p tsconfig.json; then
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
report=$(mktemp)
# The unit, contract and end-to-end projects; `--reliability` (npm run test:reliability) the long suite.
# Other arguments are jest's (file patterns first, since --selectProjects takes every word after it).
projects=(unit contract e2e)
if [ "${1:-}" = "--reliability" ]; then
  projects=(reliability)
  shift
fi
jest --ci --json --outputFile="$report" "$@" --selectProjects "${projects[@]}"
code=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
  console.log(`tests: ${r.numPassedTests} passed, ${failed} failed`);
' "$report" || echo "tests: 0 passed, 1 failed"
rm -f "$report"
exit $code
