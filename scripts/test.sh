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
# Lint (ESLint + Prettier) counts as one more check: its failure is reported, and the tests still run.
lint_passed=0 lint_failed=0
if [ "${1:-}" != "--reliability" ]; then
  if bash "$ROOT/scripts/lint.sh"; then lint_passed=1; else lint_failed=1; pak_log "lint failed (npm run lint; npm run lint -- --fix formats)"; fi
fi
report=$(mktemp)
# The unit, contract and end-to-end projects; `--reliability` (npm run test:reliability) the long suite.
# Other arguments are jest's (file patterns first, since --selectProjects takes every word after it).
projects=(unit contract e2e)
# Two test files at a time: an end-to-end test mostly waits on the Pulumi CLI and the emulator, so two
# fill this 2-core machine (jest would run one). The reliability suite measures time: one at a time.
workers=2
if [ "${1:-}" = "--reliability" ]; then
  projects=(reliability)
  workers=1
  shift
fi
jest --ci --json --outputFile="$report" --maxWorkers="$workers" "$@" --selectProjects "${projects[@]}"
code=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const [lintPassed, lintFailed] = process.argv.slice(2).map(Number);
  const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0) + lintFailed;
  console.log(`tests: ${r.numPassedTests + lintPassed} passed, ${failed} failed`);
' "$report" "$lint_passed" "$lint_failed" || echo "tests: 0 passed, 1 failed"
rm -f "$report"
[ "$lint_failed" -eq 0 ] || [ "$code" -ne 0 ] || code=1
exit $code
