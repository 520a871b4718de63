#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server on loopback for the tests (Debian's postgresql package).
#   scripts/pg.sh start [DIR]   initdb if needed, start if not running, create database newsflow, print the URI
#   scripts/pg.sh stop  [DIR]   stop the server (the data stays; `start` reuses it)
#   scripts/pg.sh uri   [DIR]   print the URI of the running server (exit 1 when it is not running)
# DIR defaults to $NEWSFLOW_PG_DIR or /tmp/newsflow-pg. The port is $NEWSFLOW_PG_PORT, else the one
# recorded in DIR/port, else the first free one from 55432. Trust authentication, 127.0.0.1 only:
# this server is for tests, never for data anyone keeps.
set -euo pipefail

cmd="${1:-}"
dir="${2:-${NEWSFLOW_PG_DIR:-/tmp/newsflow-pg}}"
bin="${NEWSFLOW_PG_BIN:-/usr/lib/postgresql/15/bin}"
data="$dir/data"

# Root may not run the server: run the tools as the postgres user, who must own the directory.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  if [[ -n "${NEWSFLOW_PG_PORT:-}" ]]; then echo "$NEWSFLOW_PG_PORT"; return; fi
  # The last port again (the URI stays the same across a restart), unless something else took it.
  if [[ -f "$dir/port" ]] && port_free "$(cat "$dir/port")"; then cat "$dir/port"; return; fi
  local p
  for p in $(seq 55432 55532); do
    if port_free "$p"; then echo "$p"; return; fi
  done
  echo "pg.sh: no free port in 55432-55532" >&2
  exit 1
}

running() { [[ -f "$data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

uri() { echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/newsflow"; }

start() {
  mkdir -p "$dir"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if ! running; then
    local port
    port=$(pick_port)
    echo "$port" >"$dir/port"
    # Sockets in DIR (not /var/run/postgresql, which may not exist); fsync off: throwaway data.
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 start \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
  fi
  local port
  port=$(cat "$dir/port")
  if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'newsflow'" 2>/dev/null | grep -q 1; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres newsflow 2>/dev/null ||
      as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d newsflow -tAc "SELECT 1" >/dev/null  # raced: exists
  fi
  uri
}

stop() {
  if running; then as_owner "$bin/pg_ctl" -D "$data" -w -t 30 -m fast stop >/dev/null; fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  uri) if running; then uri; else echo "pg.sh: no server running in $dir" >&2; exit 1; fi ;;
  *) echo "usage: scripts/pg.sh start|stop|uri [DIR]" >&2; exit 2 ;;
esac
