#!/usr/bin/env bash
# Run the whole suite on SQLite and on PostgreSQL at the same time, one pass per core.
#
#   scripts/test-both.sh .venv/bin/pytest [pytest args...]
#
# The SQLite pass prints as it runs; the PostgreSQL pass (through
# scripts/with-postgres.sh) writes to a log that is printed when both have finished.
# Each pass has its own temporary directory. Exits non-zero if either pass failed;
# a machine without PostgreSQL skips that pass with a message, as `make test-postgres` does.
set -uo pipefail

cd "$(dirname "$0")/.."
work="$(mktemp -d "${TMPDIR:-/tmp}/tracker-tests.XXXXXX")"
trap 'rm -rf "$work"' EXIT
pg_log="$work/postgres.log"

echo "=== Test suites on SQLite and PostgreSQL, side by side (PostgreSQL output follows SQLite's) ==="
TRACKER_ENV=testing scripts/with-postgres.sh "$@" -p no:cacheprovider --basetemp="$work/postgres" \
  >"$pg_log" 2>&1 &
pg_pid=$!

echo "=== Test suite on SQLite ==="
TRACKER_ENV=testing "$@" --basetemp="$work/sqlite"
sqlite_status=$?

wait "$pg_pid"
pg_status=$?
echo
echo "=== Test suite on PostgreSQL ==="
cat "$pg_log"
if [ "$pg_status" = 3 ]; then
  echo "SKIPPED: no PostgreSQL server on this machine, the PostgreSQL pass did not run."
  pg_status=0
fi

echo
echo "SQLite pass: $([ "$sqlite_status" = 0 ] && echo passed || echo "FAILED (exit $sqlite_status)");" \
  "PostgreSQL pass: $([ "$pg_status" = 0 ] && echo passed || echo "FAILED (exit $pg_status)")"
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ]
