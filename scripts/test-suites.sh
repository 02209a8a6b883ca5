#!/usr/bin/env bash
# The vitest tiers of `npm test` (after lint, format check, type check, build and
# scripts/test-env.sh), in two streams side by side:
#   - Docker-bound: `vitest run --project e2e --project installed` on Node 24. Its files run one
#     at a time and spend most of their time waiting on builds, healthchecks and convergence.
#   - CPU-bound: `vitest run --project unit` on Node 24, then scripts/test-node-versions.sh on
#     the other majors given (the unit tier again, complete). One vitest worker on 2 cores.
# Run one after the other they cost their sum; side by side, about the Docker-bound stream alone.
# Both streams always run to the end; the CPU-bound stream's output is kept in a log, printed
# when both are done (two live vitest reporters would interleave), and its path is printed first
# so it can be followed with `tail -f`. The Docker-bound stream's verdict (its failed files and
# tests, and its totals) is printed again after that log: a CI page that keeps only the tail of
# the output must still say which Docker suite failed. Exit status: non-zero when either failed.
#
# Usage: scripts/test-suites.sh [major ...]     (`npm test` passes 22)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[test-suites] %s\n' "$*" >&2; }
cd "$root"
[ $# -gt 0 ] || set -- 22

cpu_log=$(mktemp "${TMPDIR:-/tmp}/django-static-unit-tiers.XXXXXX")
# The CPU-bound stream: a subshell of its own, so its exit status is the stream's.
# Both majors run even when the first fails.
(
  status=0
  bash scripts/with-node.sh 24 vitest run --project unit || status=1
  bash scripts/test-node-versions.sh "$@" || status=1
  exit $status
) >"$cpu_log" 2>&1 &
cpu_pid=$!
log "unit tier (Node 24, then Node $*) running beside the Docker-bound suites; its output: $cpu_log"

docker_log=$(mktemp "${TMPDIR:-/tmp}/django-static-docker-tiers.XXXXXX")
started=$SECONDS
bash scripts/with-node.sh 24 vitest run --project e2e --project installed 2>&1 | tee "$docker_log"
docker_status=${PIPESTATUS[0]}
log "Docker-bound suites (e2e, installed): exit $docker_status after $((SECONDS - started)) s"

wait "$cpu_pid"
cpu_status=$?
log "=== unit tier output (Node 24, then Node $*): exit $cpu_status, done $((SECONDS - started)) s after the start ==="
cat "$cpu_log"
rm -f "$cpu_log"
log "=== Docker-bound suites (e2e, installed): exit $docker_status; failed tests, first lines of each error, totals ==="
# Colour codes stripped so the patterns match. vitest marks failed tests with ×, and ends with
# a "Failed Tests"/"Failed Suites" section (each error, then its stack) and the totals.
sed -e 's/\x1b\[[0-9;]*m//g' "$docker_log" | awk '
  / × /                                     { print; next }
  /⎯ Failed (Tests|Suites) /                { errors = 1 }
  /^ *(Test Files|Tests|Duration) /         { errors = 0; print; next }
  errors && shown < 80                      { print; shown++ }
' >&2
rm -f "$docker_log"
[ "$docker_status" = 0 ] && [ "$cpu_status" = 0 ]
