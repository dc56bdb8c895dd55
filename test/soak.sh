#!/usr/bin/env bash
# Hunts flaky tests: runs the whole suite RUNS times in a row while HOGS CPU-bound
# processes (busy shell loops) compete for the cores, and collects every failing test.
#
#   bash test/soak.sh [RUNS] [HOGS] [-- bun test arguments…]    default 20 runs, 2 hogs
#
# Each run's full output is kept in $SOAK_DIR (default: a new temp folder, printed at the
# start and the end); failing tests' names are gathered in $SOAK_DIR/failures.txt, one
# "run N: (fail) name" a line, and a summary counts each failing name. Exits 0 only when
# every run passed. The hogs are killed by pid when the script ends, however it ends.
#
# Run it in a git checkout (the --version test wants the git revision). To go on editing
# while it runs (a 20-run soak takes about an hour on 2 cores), soak a clone:
#   git clone -q . /tmp/soak && (cd /tmp/soak && npm ci --no-audit --no-fund && bash test/soak.sh 20)
set -uo pipefail
cd "$(dirname "$0")/.."

runs=${1:-20}
hogs=${2:-2}
shift $(($# < 2 ? $# : 2))
[ "${1:-}" = "--" ] && shift

dir=${SOAK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/seedwatch-soak-XXXXXX")}
mkdir -p "$dir"
: >"$dir/failures.txt"

pids=()
stop_hogs() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  pids=()
}
trap stop_hogs EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 "$hogs"); do
  bash -c 'while :; do :; done' &
  pids+=("$!")
done

# Build once: every run then tests the same binary (the preload skips its build).
node_modules/.bin/bun build.ts >"$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 2; }
export SEEDWATCH_BIN=$PWD/dist/seedwatch

echo "soak: $runs runs, $hogs CPU hogs (pids ${pids[*]:-none}), logs in $dir"
start=$(date +%s)
failed_runs=0
for i in $(seq 1 "$runs"); do
  t0=$(date +%s)
  bash .ci/test "$@" >"$dir/run-$i.log" 2>&1
  rc=$?
  summary=$(tail -1 "$dir/run-$i.log")
  echo "run $i/$runs: rc $rc, $summary, $(($(date +%s) - t0)) s"
  if [ "$rc" -ne 0 ]; then
    failed_runs=$((failed_runs + 1))
    # bun names each failure twice (where it happened, and in the closing list)
    grep -a '^(fail)' "$dir/run-$i.log" | sed -E 's/ \[[0-9.]+ ?m?s\]$//' | sort -u | sed "s/^/run $i: /" >>"$dir/failures.txt"
    grep -aq '^(fail)' "$dir/run-$i.log" || echo "run $i: (no failing test named: see run-$i.log)" >>"$dir/failures.txt"
  fi
done

echo
echo "soak: $((runs - failed_runs))/$runs runs passed in $(($(date +%s) - start)) s ($hogs hogs); logs in $dir"
if [ -s "$dir/failures.txt" ]; then
  echo "failing tests (count, name):"
  sed -E 's/^run [0-9]+: //' "$dir/failures.txt" | sort | uniq -c | sort -rn
fi
[ "$failed_runs" -eq 0 ]
