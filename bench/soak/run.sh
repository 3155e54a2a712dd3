#!/usr/bin/env bash
# `make soak` / `make soak-smoke`: Ember in Release on a seeded store under a mixed load (launches,
# token refreshes, FHIR reads, searches and writes) for SOAK_SECONDS (default 600); fails on any
# error or on RSS growth of 5% or more after warm-up. The work is done by bench/soak/soak.mjs (see
# its header for the settings). Writes bench/results/soak-latest.json (SOAK_OUT).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v node >/dev/null || { echo "node is missing: run scripts/install-deps.sh" >&2; exit 1; }
[ -d node_modules/jose ] || npm ci --no-audit --no-fund
# The driver kills its own children on exit; the trap covers the driver itself.
node bench/soak/soak.mjs &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' INT TERM EXIT
wait "$pid"
