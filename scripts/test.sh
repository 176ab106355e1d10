#!/usr/bin/env bash
# `npm test`: installs what the suite needs (dependencies, Node >= 22, the Pulumi CLI), builds, lints,
# then runs unit, contract and end-to-end tests. Ends with `tests: N passed, N failed`.
# `--quick` (npm run test:quick): unit and contract tests only, with no Pulumi CLI and no lint.
# `--reliability` (npm run test:reliability): the untimed reliability tests two at a time, then the
# timed ones (they compare durations) one at a time. Other arguments are jest's (file patterns first).
set -uo pipefail
source "$(dirname "$0")/env.sh"
mode=all
case "${1:-}" in --quick | --reliability) mode=${1#--} && shift ;; esac
# The Pulumi CLI (and the YAML host) are made ready only before the first jest run that needs them: on a
# first run they build in the background meanwhile (pak_start_go_builds), while the build, the lint and
# the tests that need no CLI run.
[ "$mode" = quick ] || pak_start_go_builds
{ pak_ensure_deps && pak_ensure_node; } || { echo "tests: 0 passed, 1 failed"; exit 1; }
cli_ready=no
ensure_cli() {
  [ "$cli_ready" = no ] || return 0
  pak_wait_go_builds && pak_ensure_pulumi && pak_offline_settings || return 1
  pak_log "node $(node --version), $(pulumi version) at $(command -v pulumi)"
  cli_ready=yes
}
cd "$ROOT"
# The build, then the tests' types: jest transpiles each file alone (isolatedModules), so this is where
# a test's type error shows.
if ! tsc -p tsconfig.json || ! tsc -p test/tsconfig.json; then
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
# Lint (ESLint + Prettier) counts as one more check: its failure is reported, and the tests still run.
lint_passed=0 lint_failed=0
if [ "$mode" = all ]; then
  if bash "$ROOT/scripts/lint.sh"; then lint_passed=1; else lint_failed=1; pak_log "lint failed (npm run lint; npm run lint -- --fix formats)"; fi
fi
# Each run: jest's projects and how many test files at a time. An end-to-end test mostly waits on the
# Pulumi CLI and the emulator, so two fill this 2-core machine (jest would run one).
# While the CLI is still building (a first run), unit and contract tests run on their own first.
case "$mode" in
  quick) runs=("unit contract:2") ;;
  all) if [ -n "$PAK_GO_BUILDS_PID" ]; then runs=("unit contract:2" "e2e:2"); else runs=("unit contract e2e:2"); fi ;;
  reliability) runs=("reliability:2" "timed:1") ;;
esac
reports=()
code=0
setup_failed=0
for run in "${runs[@]}"; do
  read -r -a projects <<<"${run%%:*}"
  if [ "$mode" != quick ] && [ "${projects[*]}" != "unit contract" ] && ! ensure_cli; then
    setup_failed=1 code=1
    break
  fi
  report=$(mktemp)
  reports+=("$report")
  # A file pattern given for the e2e tests matches none of the first run's: that is not a failure.
  more=()
  [ "$run" != "unit contract:2" ] || [ "${#runs[@]}" -eq 1 ] || more=(--passWithNoTests)
  jest --ci --json --outputFile="$report" --maxWorkers="${run##*:}" "${more[@]}" "$@" --selectProjects "${projects[@]}" || code=1
done
node -e '
  const fs = require("fs");
  const [lintPassed, lintFailed, setupFailed, ...files] = process.argv.slice(1);
  let passed = Number(lintPassed), failed = Number(lintFailed) + Number(setupFailed);
  for (const f of files) {
    try {
      const r = JSON.parse(fs.readFileSync(f, "utf8"));
      passed += r.numPassedTests;
      failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
    } catch {
      failed += 1; // a run that wrote no report did not finish
    }
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
' "$lint_passed" "$lint_failed" "$setup_failed" "${reports[@]}" || echo "tests: 0 passed, 1 failed"
rm -f "${reports[@]}"
[ "$lint_failed" -eq 0 ] || code=1
exit $code
