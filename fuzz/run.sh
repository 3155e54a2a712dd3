#!/usr/bin/env bash
# Runs the libFuzzer targets of a build configured with -DEMBER_FUZZ=ON (docs/testing.md).
#   fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# Each target (default: every fuzz/*.cc) first runs every input of its checked-in corpus
# fuzz/corpus/<name>/, then mutates for the rest of SECONDS. New inputs go to a temporary
# corpus (the first corpus directory, which libFuzzer writes to), so the checked-in seeds stay
# as they are; crash inputs go to BUILD_DIR/fuzz-artifacts/. Exits non-zero if any target failed.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in fuzz/*.cc; do targets+=("$(basename "$f" .cc)"); done
fi

# Symbolized stack traces (Debian's llvm-16; the unversioned llvm-symbolizer may be another LLVM's).
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && command -v llvm-symbolizer-16 >/dev/null; then
  export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-16)
fi
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
work=$(mktemp -d /tmp/ember-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

failed=()
for t in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: $bin not built (configure with -DEMBER_FUZZ=ON)" >&2; exit 2; }
  dict="fuzz/$t.dict"
  case "$t" in jwt | jwks | client_assertion) dict=fuzz/jose.dict ;; esac
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/$t-")
  [ -f "$dict" ] && args+=(-dict="$dict")
  mkdir -p "$work/$t"
  echo "fuzz: $t for ${seconds}s on fuzz/corpus/$t ($(ls fuzz/corpus/$t | wc -l) seeds)"
  if ! "$bin" "${args[@]}" "$work/$t" "fuzz/corpus/$t" > "$work/$t.log" 2>&1; then
    failed+=("$t")
    cp "$work/$t.log" "$artifacts/$t.log"
    grep -v -E '^#[0-9]+ ' "$work/$t.log" | tail -n 60 >&2
  fi
  grep -E '^stat::number_of_executed_units|^stat::new_units_added|^#[0-9]+ +DONE' "$work/$t.log" |
    sed "s/^/fuzz: $t: /" || true
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $artifacts/; see docs/testing.md)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} passed, 0 failed"
