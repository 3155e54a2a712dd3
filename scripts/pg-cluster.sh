#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (Debian's `postgresql` package, no system service):
#   pg-cluster.sh start DIR   initdb in DIR/data, serve on a Unix socket in DIR only (no TCP),
#                             trust auth, fsync off; prints the superuser's libpq URL
#   pg-cluster.sh url DIR     prints that URL again
#   pg-cluster.sh stop DIR    stops the server and deletes DIR (only a DIR this script made)
# PostgreSQL refuses to run as root: when invoked as root the server runs as the `postgres`
# system user (runuser), so DIR and every folder above it must be traversable by that user.
# The binaries are found under /usr/lib/postgresql/*/bin (the newest), or in $PG_BINDIR.
set -euo pipefail

readonly MARKER=".ember-pg-cluster"   # marks a DIR this script created; `stop` deletes only those
readonly PORT=5432                    # only names the socket file: no TCP listener
readonly READY_TIMEOUT_S=60
readonly SOCKET_PATH_MAX=107          # sizeof(sockaddr_un.sun_path) - 1 on Linux

die() { echo "pg-cluster: $*" >&2; exit 1; }

usage() { die "usage: $0 start|stop|url DIR"; }

find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then
    [ -x "$PG_BINDIR/initdb" ] || die "PG_BINDIR=$PG_BINDIR has no initdb"
    echo "$PG_BINDIR"; return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] ||
    die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (install the Debian package 'postgresql', e.g. via scripts/install-deps.sh)"
  echo "$d"
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url_of() { echo "postgresql:///postgres?host=$1&user=postgres"; }

start() {
  local dir=$1 bindir
  bindir=$(find_bindir)
  dir=$(realpath -m "$dir")
  local socket="$dir/.s.PGSQL.$PORT"
  [ "${#socket}" -le "$SOCKET_PATH_MAX" ] ||
    die "socket path $socket is ${#socket} bytes, over the $SOCKET_PATH_MAX-byte limit: use a shorter DIR"
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  touch "$dir/$MARKER"
  chmod 0755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (Debian package postgresql-common)"
    chown postgres: "$dir"
    runuser -u postgres -- test -x "$dir" -a -w "$dir" ||
      die "user postgres cannot enter $dir (a parent folder is not world-executable?): use a DIR under /tmp"
  fi

  # cwd inside DIR: the postgres user may not be allowed into the caller's cwd (e.g. /root).
  cd "$dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync --no-instructions >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  # Appended last, so these win over initdb's defaults. fsync and friends off: throwaway data.
  cat >>"$dir/data/postgresql.conf" <<EOF

# ember test cluster (scripts/pg-cluster.sh)
listen_addresses = ''
unix_socket_directories = '$dir'
port = $PORT
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = 64MB
log_min_messages = warning
EOF
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$READY_TIMEOUT_S" start \
    >/dev/null || { cat "$dir/server.log" >&2 || true; die "the server did not start"; }
  local i
  for ((i = 0; i < READY_TIMEOUT_S * 10; i++)); do
    if "$bindir/pg_isready" -q -h "$dir" -p "$PORT" -U postgres; then
      url_of "$dir"
      return 0
    fi
    sleep 0.1
  done
  cat "$dir/server.log" >&2 || true
  die "the server did not accept connections within ${READY_TIMEOUT_S}s"
}

stop() {
  local dir=$1 bindir
  [ -d "$dir" ] || return 0
  [ -e "$dir/$MARKER" ] || die "$dir was not made by $0; not touching it"
  dir=$(cd "$dir" && pwd -P)
  bindir=$(find_bindir)
  if [ -f "$dir/data/postmaster.pid" ]; then
    cd "$dir"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
      echo "pg-cluster: could not stop the server in $dir" >&2
    cd /
  fi
  rm -rf "$dir"
}

[ $# -eq 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  url) [ -e "$2/$MARKER" ] || die "no cluster in $2"; url_of "$(cd "$2" && pwd -P)" ;;
  *) usage ;;
esac
