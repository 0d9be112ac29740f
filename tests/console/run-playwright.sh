#!/usr/bin/env bash
# Runs the console's Playwright specs (tests/console/*.spec.js) with Debian's chromium.
# Installs @playwright/test from the lockfile first when node_modules is missing or older
# than the lockfile (as `make test-clients` does). Extra arguments go to `playwright test`
# (e.g. a spec file, or --grep overview).
set -euo pipefail
cd "$(dirname "$0")"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
if [[ ! -x /usr/bin/chromium ]]; then
  echo "run-playwright.sh: /usr/bin/chromium is missing (scripts/install-deps.sh --test installs it)" >&2
  exit 1
fi
export KAPPA_BIN="${KAPPA_BIN:-$PWD/../../build/kappa}"
export KAPPA_ARTIFACTS="${KAPPA_ARTIFACTS:-$PWD/../../build/test-artifacts/console}"
mkdir -p "$KAPPA_ARTIFACTS"
exec ./node_modules/.bin/playwright test -c playwright.config.js "$@"
