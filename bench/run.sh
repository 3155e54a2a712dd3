#!/usr/bin/env bash
# First benchmarks: FHIR read by id and one search, each reported as a ratio to the cheapest
# endpoint on the same HTTP stack (/healthz), measured in the same run on this machine.
# Usage: bench/run.sh   (env: BENCH_SECONDS=10 BENCH_CONNECTIONS=64 BENCH_THREADS=2 BENCH_PATIENTS=25)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${EMBER_BIN:-build/ember}
SECONDS_PER=${BENCH_SECONDS:-10}
CONN=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
PATIENTS=${BENCH_PATIENTS:-25}
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/install-deps.sh" >&2; exit 1; }

tmp=$(mktemp -d)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
base="http://127.0.0.1:${port}"
"$BIN" serve --listen "127.0.0.1:${port}" --base-url "$base" --store "sqlite:${tmp}/bench.db" \
  --sample-patients "$PATIENTS" --no-access-log --fhir-auth open >"${tmp}/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 600); do
  curl -fs "${base}/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "${base}/healthz" >/dev/null || { cat "${tmp}/server.log"; exit 1; }

run() {  # name path -> prints "name rps p50_ms p99_ms errors"
  local name=$1 path=$2
  wrk -t"$THREADS" -c"$CONN" -d"${SECONDS_PER}s" --latency "${base}${path}" >/dev/null 2>&1 || true  # warm-up
  local out
  out=$(wrk -t"$THREADS" -c"$CONN" -d"${SECONDS_PER}s" --latency "${base}${path}")
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx/ {print $5}' <<<"$out"); errs=${errs:-0}
  echo "$name $rps $p50 $p99 $errs"
}

results=()
results+=("$(run ceiling_healthz /healthz)")
results+=("$(run fhir_read /fhir/Patient/alice)")
results+=("$(run fhir_search_labs '/fhir/Observation?patient=alice&category=laboratory')")

ceiling=$(awk '{print $2}' <<<"${results[0]}")
printf '%-18s %12s %8s %10s %10s %8s\n' scenario "req/s" ratio p50 p99 non2xx
json="{\"machine\":\"$(nproc) cores\",\"seconds\":${SECONDS_PER},\"connections\":${CONN},\"scenarios\":["
first=1
for r in "${results[@]}"; do
  read -r name rps p50 p99 errs <<<"$r"
  ratio=$(python3 -c "print(f'{${rps}/${ceiling}:.2f}')")
  printf '%-18s %12s %8s %10s %10s %8s\n' "$name" "$rps" "$ratio" "$p50" "$p99" "$errs"
  [ $first -eq 1 ] || json+=","
  first=0
  json+="{\"name\":\"$name\",\"rps\":$rps,\"ratio_to_ceiling\":$ratio,\"p50\":\"$p50\",\"p99\":\"$p99\",\"non2xx\":$errs}"
done
json+="]}"
echo "$json" >bench/results/latest.json
echo "wrote bench/results/latest.json"
