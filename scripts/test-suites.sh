#!/usr/bin/env bash
# Run the test suites in lanes side by side, then print each suite's time.
#
# Usage: scripts/test-suites.sh LANE [LANE...]
#   A lane is a comma-separated list of steps run one after the other; lanes
#   run at the same time. A step is `lint` or a suite under tests/.
#   Example: scripts/test-suites.sh lint,infra localcloud,docs,lambda,app,webhost,e2e
#
# Most of the slow suites' time is spent waiting (AWS modules pause as AWS
# needs, containers start, the browser loads pages), so two lanes finish in
# about the time of the longer one. The suites stay isolated: each pytest
# session has its own database and bucket, and the infra suite its own
# private emulator. A lane stops at its first failing step; the others finish.
# Each step's full output is kept in tests/artifacts/suites/STEP.log and
# printed once the step ends, so the lanes' lines never interleave.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

[ "$#" -gt 0 ] || die "usage: scripts/test-suites.sh LANE [LANE...] (see the header of this script)"

LOGS=tests/artifacts/suites
TIMES=$(mktemp -d)
trap 'rm -rf "$TIMES"' EXIT
mkdir -p "$LOGS"

run_step() {
  case $1 in
    lint) make --no-print-directory lint ;;
    *) pytest "tests/$1" ;;
  esac
}

run_lane() {
  local step start status
  IFS=, read -ra steps <<<"$1"
  for step in "${steps[@]}"; do
    start=$SECONDS
    run_step "$step" >"$LOGS/$step.log" 2>&1
    status=$?
    echo "$status $((SECONDS - start))" >"$TIMES/$step"
    # Under a lock, so a step's output stays in one piece on the shared terminal.
    (
      flock 9
      say "$step (exit $status, $((SECONDS - start)) s)"
      cat "$LOGS/$step.log"
    ) 9>"$TIMES/print.lock"
    [ "$status" -eq 0 ] || return "$status"
  done
}

# Every pytest session would start the local cloud if it were down; start it
# once here so the lanes never race to start it.
python -m devtools.localcloud up >/dev/null || die "the local cloud did not start; see .localcloud/*.log"

started=$SECONDS
pids=()
for lane in "$@"; do
  run_lane "$lane" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done

say "Suite times (wall clock; lanes ran side by side)"
for lane in "$@"; do
  IFS=, read -ra steps <<<"$lane"
  for step in "${steps[@]}"; do
    if [ -f "$TIMES/$step" ]; then
      read -r status seconds <"$TIMES/$step"
      result=$([ "$status" -eq 0 ] && echo passed || echo "FAILED (exit $status)")
      printf '    %-10s %4d s  %s\n' "$step" "$seconds" "$result"
    else
      printf '    %-10s    -    not run (an earlier step of its lane failed)\n' "$step"
    fi
  done
done
printf '    %-10s %4d s\n' total "$((SECONDS - started))"
exit "$failed"
