#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL server on loopback for the test suite and
# print its SQLAlchemy URL. Installs Debian's postgresql package when it is missing.
# Usage: scripts/test-postgres.sh [start|stop]
set -euo pipefail

PORT="${VIGIL_PG_PORT:-55432}"
DATA="${VIGIL_PG_DATA:-${TMPDIR:-/tmp}/vigil-test-pg-${PORT}}"
DB=vigil_test
URL="postgresql+psycopg://postgres@127.0.0.1:${PORT}/${DB}"

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

BIN="$(find_bin)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed; run as root or: sudo apt-get install postgresql" >&2
    exit 1
  fi
  echo "installing PostgreSQL from Debian packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  BIN="$(find_bin)"
fi

RUN=()
if [ "$(id -u)" -eq 0 ]; then RUN=(runuser -u postgres --); fi

if [ "${1:-start}" = "stop" ]; then
  if [ -f "$DATA/postmaster.pid" ]; then "${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2; fi
  exit 0
fi

if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  mkdir -p "$DATA"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$DATA"; chmod 700 "$DATA"; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    "${RUN[@]}" "$BIN/initdb" -D "$DATA" -A trust -U postgres --no-sync >/dev/null
  fi
  "${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" \
    start >&2
fi

if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='${DB}'" | grep -q 1; then
  "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
fi
echo "$URL"
