#!/usr/bin/env bash
# Every property-based test with a large budget (CI runs a bounded one):
#   bash test/props.sh [RUNS]        default 500 cases per property
# Prints each property's case count and time; a failure prints fast-check's seed and
# the shrunk counterexample with the line that replays it (test/helpers/prop.ts).
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-500}
files=$(grep -rl "assertProperty" test --include='*.test.ts' | sort)
[ -n "$files" ] || { echo "no property tests found" >&2; exit 1; }
start=$(date +%s)
SEEDWATCH_PROP_RUNS=$runs bash .ci/test $files
rc=$?
echo "property tests: $runs cases each, $(( $(date +%s) - start )) s"
exit $rc
