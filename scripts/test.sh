#!/usr/bin/env bash
# The whole test suite, as CI runs it: typecheck, lint, production build, unit tests, integration tests on
# SQLite and on PostgreSQL against a real portal process, provider tests against the real libvirtd/KVM and
# dockerd, and Playwright end-to-end tests in Debian's Chromium.
# Starts the services it needs (scripts/setup-services.sh); a missing service is a failure, never a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
export NEXT_TELEMETRY_DISABLED=1
RESULTS=test-results/summary
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
failed_steps=()
run() { # run NAME COMMAND...
  local name=$1; shift
  step "── $name"
  local start=$SECONDS
  if "$@"; then ok "$name ($((SECONDS - start)) s)"; else printf '  \033[31m✗\033[0m %s failed\n' "$name"; failed_steps+=("$name"); fi
}

if [ "$(id -u)" -eq 0 ]; then
  bash scripts/setup-services.sh postgres chromium libvirt docker sshd vpn metrics assets || fail "services could not be started"
else
  echo "(not root: assuming PostgreSQL, Chromium, libvirtd, dockerd, sshd, OpenVPN + nftables, promtool and the test assets are already in place)"
fi
[ -d node_modules ] || npm install --no-audit --no-fund
[ -d src/generated/sqlite ] || node scripts/db-generate.mjs

run "typecheck" npx tsc --noEmit
run "lint" npx biome check src server.ts scripts tests e2e
run "build" npx next build
run "unit tests" npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$RESULTS/unit.json"
run "provider tests (libvirt, Docker)" npx vitest run --project services --reporter=default --reporter=json --outputFile.json="$RESULTS/services.json"
run "integration tests (SQLite)" env TEST_DATABASE=sqlite npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$RESULTS/integration-sqlite.json"
run "integration tests (PostgreSQL)" env TEST_DATABASE=postgres npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$RESULTS/integration-postgres.json"
run "end-to-end tests (Chromium)" env PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/e2e.json" npx playwright test --reporter=list,json

node scripts/test-summary.mjs "$RESULTS" "${failed_steps[@]}"
