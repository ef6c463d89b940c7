#!/usr/bin/env bash
# Runs every test layer, stopping at the first failure:
#   formatting, clippy (native and wasm32), native unit tests, wasm-bindgen
#   tests in headless Chromium and Firefox, the release build, and the Playwright
#   end-to-end suite against dist/ served on 127.0.0.1:4173.
# Installs what is missing first (scripts/setup.sh).
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

passed=0
failed=0
current=""
started=$(date +%s)

finish() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -n "$current" ]; then
    failed=$((failed + 1))
    echo "==> FAILED: $current (exit $rc)"
  fi
  echo "==> total $(($(date +%s) - started))s"
  echo "summary: $passed passed, $failed failed"
}
trap finish EXIT

layer() {
  local name="$1"
  shift
  current="$name"
  local t0
  t0=$(date +%s)
  echo "==> $name: $*"
  "$@"
  echo "==> $name: ok ($(($(date +%s) - t0))s)"
  passed=$((passed + 1))
  current=""
}

current="setup"
bash scripts/setup.sh
current=""

layer "fmt" cargo fmt --all -- --check
layer "clippy (native)" cargo clippy --all-targets -- -D warnings
layer "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
layer "cargo test (native)" cargo test
# Unit and integration tests (`--lib --tests`: no examples, no doctests) run in
# headless Chromium through wasm-bindgen-test-runner (.cargo/config.toml,
# CHROMEDRIVER, webdriver.json). The demo binary's test harness is included
# but has no tests ("no tests to run!").
layer "cargo test (wasm32, headless Chromium)" \
  cargo test --target wasm32-unknown-unknown --lib --tests
# The same tests in Firefox ESR. webdriver.json points its proxy at a closed
# local port, so Firefox's background services reach no other host.
layer "cargo test (wasm32, headless Firefox)" \
  env -u CHROMEDRIVER GECKODRIVER="$(command -v geckodriver)" \
  cargo test --target wasm32-unknown-unknown --lib --tests
layer "trunk build --release" trunk build --release
layer "playwright (e2e)" playwright test --config tests/e2e/playwright.config.ts
