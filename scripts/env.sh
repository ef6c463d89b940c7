# shellcheck shell=bash
# Sourced by the other scripts (and usable by hand: `source scripts/env.sh`).
# Puts the project's tools on PATH and sets what the browser tests need.
# Only exports variables; safe to source more than once.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# cargo-installed tools (trunk, wasm-bindgen, wasm-bindgen-test-runner) and
# the npm-installed ones (wasm-opt from `binaryen`, playwright).
_cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$_cargo_bin:"*) ;; *) PATH="$_cargo_bin:$PATH" ;; esac
case ":$PATH:" in *":$REPO_ROOT/node_modules/.bin:"*) ;; *) PATH="$REPO_ROOT/node_modules/.bin:$PATH" ;; esac
export PATH
unset _cargo_bin

# wasm-bindgen-test-runner drives Chromium through this driver (and Firefox
# through geckodriver when GECKODRIVER is set instead, see scripts/test.sh);
# the browsers' flags and prefs come from webdriver.json next to Cargo.toml.
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
# Seconds the runner waits for a browser test suite (its default, 20, is tight on 2 cores).
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}"
# Playwright uses the system Chromium; it must never download a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# Versions the project pins.
export TRUNK_VERSION="0.21.14"
export GECKODRIVER_VERSION="0.37.1"
export WASM_OPT_VERSION="version_132"
