#!/usr/bin/env bash
# The project's test command (`npm test`): services up, type check, lint (incl. circular
# imports), knowledge-base validation, then every jest suite (unit, integration against real
# PostgreSQL + Redis, end to end against fake platform servers and headless Chromium).
# Ends with the plain line "N passed, N failed" from jest's JSON results.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

bash scripts/ensure-services.sh || exit 1

echo "== typecheck"; npx tsc --noEmit -p tsconfig.json || status=1
echo "== lint"; npm run --silent lint || status=1
echo "== kb:validate"; npm run --silent kb:validate || status=1

echo "== jest"
results=$(mktemp)
npx jest --ci --json --outputFile="$results" "$@" > /dev/null
jest_status=$?
[ $jest_status -eq 0 ] || status=1
if [ -s "$results" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const failedSuites = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests + failedSuites} failed`);
  ' "$results" || { echo "0 passed, 1 failed"; status=1; }
else
  echo "0 passed, 1 failed"
  status=1
fi
rm -f "$results"
exit $status
