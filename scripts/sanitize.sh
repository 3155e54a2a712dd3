#!/usr/bin/env bash
# The AddressSanitizer + UndefinedBehaviorSanitizer test run (docs/testing.md "Sanitizers"):
#   scripts/sanitize.sh BUILD_DIR [E2E_FILE...]
# BUILD_DIR is a build configured with -DEMBER_SANITIZE=ON (make sanitize uses the clang fuzz
# build, which has it). Runs every unit-test binary in it, each in one process, under a
# throwaway PostgreSQL cluster (so the store tests cover both backends), then the given e2e
# files against its `ember` on SQLite. Any sanitizer report fails the run, even one from a
# process whose exit code nobody checks (an `ember serve` stopped by the e2e harness): reports
# go to files under a temporary folder, which must stay empty.
set -euo pipefail
cd "$(dirname "$0")/.."

# --units BUILD_DIR: the unit-test binaries alone (run by the line below under with-pg.sh).
if [ "${1:-}" = "--units" ]; then
  failed=()
  for b in "$2"/ember_*_tests; do
    echo "sanitize: $(basename "$b")"
    GTEST_BRIEF=1 "$b" || failed+=("$(basename "$b")")
  done
  [ ${#failed[@]} -eq 0 ] || { echo "sanitize: failed: ${failed[*]}" >&2; exit 1; }
  exit 0
fi

build=${1:?usage: scripts/sanitize.sh BUILD_DIR [E2E_FILE...]}
build=$(cd "$build" && pwd)
shift

# Symbolized stack traces (Debian's llvm-16; the unversioned llvm-symbolizer may be another LLVM's).
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && command -v llvm-symbolizer-16 >/dev/null; then
  export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-16)
fi
logs=$(mktemp -d /tmp/ember-san.XXXXXX)
trap 'rm -rf "$logs"' EXIT
# halt/abort on the first report: a sanitized test that goes on after one proves nothing.
export ASAN_OPTIONS="log_path=$logs/asan:abort_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"

reports() {
  if compgen -G "$logs/*" >/dev/null; then
    echo "sanitize: sanitizer reports:" >&2
    for f in "$logs"/*; do echo "== $f" >&2; cat "$f" >&2; done
    return 1
  fi
}

status=0
./scripts/with-pg.sh "$PWD/scripts/sanitize.sh" --units "$build" || status=1
reports || status=1

if [ $# -gt 0 ]; then
  echo "sanitize: e2e $*"
  EMBER_BIN="$build/ember" node --test --test-concurrency=1 "$@" || status=1
  reports || status=1
fi

[ $status -eq 0 ] && echo "sanitize: no sanitizer reports"
exit $status
