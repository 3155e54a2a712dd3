#!/usr/bin/env bash
# `make bench`: the benchmark suite of issue 8 — Ember in Release on a seeded store, every
# scenario driven by wrk on loopback, oidc-provider side by side, crypto ceilings from openssl,
# all measured in one run. The work is done by bench/run.mjs (see its header for the settings:
# BENCH_PATIENTS, BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_TOKENS, …;
# BENCH_SMOKE=1 runs a few seconds per scenario, for CI, and does not judge speed).
# Prints a table and writes bench/results/latest.json.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk openssl node; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done
[ -d node_modules/oidc-provider ] || npm ci --no-audit --no-fund
# The FHIR and token scenarios also run on PostgreSQL (BENCH_STORES, default sqlite,postgres):
# scripts/with-pg.sh starts a throwaway cluster for the run and removes it afterwards.
pg=()
case ",${BENCH_STORES:-sqlite,postgres}," in *,postgres,*) pg=(./scripts/with-pg.sh) ;; esac
# The harness kills its own children on exit; the trap covers the harness itself.
"${pg[@]}" node bench/run.mjs &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' INT TERM EXIT
wait "$pid"
