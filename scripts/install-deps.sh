#!/usr/bin/env bash
# Installs every Debian and npm dependency Ember needs that is missing.
# Safe to run repeatedly: when everything is present it does nothing (no apt, no network).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libcli11-dev libspdlog-dev libfmt-dev
  libargon2-dev libkainjow-mustache-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format curl wrk chromium openssl
  libpq-dev postgresql nginx
  clang-16 libclang-rt-16-dev llvm-16  # sanitizer + libFuzzer build (make sanitize, make fuzz)
)
# node/npm: use the machine's own when present (any >= 18), else Debian's.
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # postgresql and nginx would start system services on install (and fail the install where
  # that cannot work, e.g. port 80 taken, no init). The tests run their own throwaway instances
  # (scripts/pg-cluster.sh, tests/e2e/lib/nginx.js), so refuse service starts for the install
  # with a temporary policy-rc.d (invoke-rc.d(8)) unless the machine already has one.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# ember install-deps: no service starts during the install\nexit 101\n' |
      $SUDO tee "$policy" >/dev/null
    $SUDO chmod 0755 "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages for the end-to-end tests and for build-time code generation
# (FHIR R4 definitions). package-lock.json pins versions.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
fi
