#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL database on the local cluster.
#
#   scripts/with-postgres.sh pytest ...
#
# Starts the Debian PostgreSQL 15 cluster when it is stopped, creates the role
# and database `tracker_test` (password auth over TCP 127.0.0.1:5432), exports
# TEST_DATABASE_URL, runs the command, then stops the cluster again if this
# script started it. Exits 3 when no PostgreSQL server is installed.
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_ROLE="${PG_TEST_ROLE:-tracker_test}"
PG_PASSWORD="${PG_TEST_PASSWORD:-tracker_test_password}"
PG_DB="${PG_TEST_DB:-tracker_test}"
PG_PORT="${PG_PORT:-5432}"

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d "/etc/postgresql/${PG_VERSION}/${PG_CLUSTER}" ]; then
  echo "PostgreSQL ${PG_VERSION} is not installed on this machine: skipping the PostgreSQL pass." >&2
  exit 3
fi

psql_admin() {
  (cd / && runuser -u postgres -- psql --no-psqlrc -v ON_ERROR_STOP=1 -qtA -p "$PG_PORT" "$@")
}

started_here=0
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}' | grep -q online; then
  echo "Starting PostgreSQL ${PG_VERSION}/${PG_CLUSTER}..."
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
  started_here=1
fi
cleanup() {
  if [ "$started_here" = 1 ]; then
    echo "Stopping PostgreSQL ${PG_VERSION}/${PG_CLUSTER}."
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop || true
  fi
}
trap cleanup EXIT

for _ in $(seq 1 30); do
  psql_admin -c "select 1" >/dev/null 2>&1 && break
  sleep 1
done

if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '${PG_ROLE}'")" != "1" ]; then
  psql_admin -c "create role ${PG_ROLE} login createdb password '${PG_PASSWORD}'"
else
  psql_admin -c "alter role ${PG_ROLE} login createdb password '${PG_PASSWORD}'"
fi
psql_admin -c "drop database if exists ${PG_DB} with (force)"
psql_admin -c "create database ${PG_DB} owner ${PG_ROLE} encoding 'UTF8' template template0"

export TEST_DATABASE_URL="postgresql+psycopg://${PG_ROLE}:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/${PG_DB}"
echo "Running against ${TEST_DATABASE_URL%%:*}://${PG_ROLE}@127.0.0.1:${PG_PORT}/${PG_DB}"
set +e
"$@"
status=$?
set -e
exit "$status"
