#!/usr/bin/env bash
# Runs CMD ARGS... with a throwaway PostgreSQL cluster (scripts/pg-cluster.sh) and
# EMBER_TEST_PG set to its superuser URL (postgresql:///postgres?host=SOCKETDIR&user=postgres);
# tests may create databases and schemas there. The cluster is stopped and deleted afterwards,
# whatever happens; the exit code is CMD's.
# When EMBER_TEST_PG is already set (a server of your own), CMD runs against it as is.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }

if [ -n "${EMBER_TEST_PG:-}" ]; then
  "$@"
  exit $?
fi

# Under /tmp (not $TMPDIR): short enough for the 107-byte socket path limit, and reachable by
# the postgres user when we are root (a $TMPDIR under /root would not be).
dir=$(mktemp -d /tmp/ember-pg.XXXXXX) || exit 1
cleanup() {
  if [ -e "$dir/.ember-pg-cluster" ]; then "$here/pg-cluster.sh" stop "$dir" || true; else rmdir "$dir" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

url=$("$here/pg-cluster.sh" start "$dir") || { echo "with-pg: could not start PostgreSQL" >&2; exit 1; }
echo "with-pg: PostgreSQL test cluster at $dir" >&2
export EMBER_TEST_PG=$url
"$@"
exit $?
