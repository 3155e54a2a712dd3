#!/usr/bin/env bash
# Proves the client library is usable from another CMake project: installs Ember's `client`
# package component from a built tree into a throwaway prefix, then configures and builds
# examples/patient-summary against it (find_package(EmberClient) + Ember::client) and runs it
# once (its usage text). Any failure stops the script with a non-zero status.
#   scripts/build-example.sh [BUILD_DIR]   (default: build, the Release tree of `make build`)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-build}"
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  echo "build-example: $build_dir is not a configured build tree (run 'make build' first)" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ember-example.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "build-example: installing the client package into $work/prefix"
cmake --install "$build_dir" --prefix "$work/prefix" --component client >"$work/install.log" ||
  { cat "$work/install.log" >&2; echo "build-example: install failed" >&2; exit 1; }

# Nothing from Ember's source or build tree may be needed by the installed package.
if grep -rqF -e "$root/src" -e "$build_dir" "$work/prefix/lib"*/cmake/EmberClient/; then
  echo "build-example: the installed package refers to Ember's source or build tree" >&2
  exit 1
fi

echo "build-example: building examples/patient-summary against it"
cmake -S "$root/examples/patient-summary" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log" ||
  { cat "$work/configure.log" >&2; echo "build-example: configure failed" >&2; exit 1; }
cmake --build "$work/build" -j "$(nproc)" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; echo "build-example: build failed" >&2; exit 1; }

# Without arguments the program prints its usage and exits with 2: it links and starts.
status=0
"$work/build/patient-summary" >/dev/null 2>"$work/run.log" || status=$?
if [[ $status -ne 2 ]] || ! grep -q '^usage:' "$work/run.log"; then
  cat "$work/run.log" >&2
  echo "build-example: patient-summary did not start as expected (exit $status)" >&2
  exit 1
fi
echo "build-example: ok"
