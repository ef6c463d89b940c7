#!/usr/bin/env bash
# Installs what building and testing this project needs, on a Debian 12 machine
# that has rustup (stable), cargo, Node 20 / npm, python3 and apt.
# Idempotent: a second run skips whatever is already present.
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

step() { echo "==> $*"; }
elapsed() { echo "    ($(($(date +%s) - $1))s)"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- Rust target -------------------------------------------------------------
t0=$(date +%s)
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "wasm32-unknown-unknown target: present"
else
  step "wasm32-unknown-unknown target: installing"
  rustup target add wasm32-unknown-unknown
  elapsed "$t0"
fi

# --- wasm-bindgen CLI (must equal the wasm-bindgen crate in Cargo.lock) -------
WB_VERSION="$(awk '
  /^\[\[package\]\]/ { name = "" }
  /^name = /        { name = $3 }
  /^version = / && name == "\"wasm-bindgen\"" { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock)"
if [ -z "$WB_VERSION" ]; then
  echo "setup.sh: no wasm-bindgen package found in Cargo.lock" >&2
  exit 1
fi
if ! grep -Eq "^wasm_bindgen[[:space:]]*=[[:space:]]*\"$WB_VERSION\"" Trunk.toml; then
  echo "setup.sh: Trunk.toml [tools] wasm_bindgen must be \"$WB_VERSION\" (the version in Cargo.lock);" >&2
  echo "          otherwise trunk tries to download wasm-bindgen, and there is no internet here." >&2
  exit 1
fi
t0=$(date +%s)
have_wb="$(wasm-bindgen --version 2>/dev/null || true)"
if [ "$have_wb" = "wasm-bindgen $WB_VERSION" ] && command -v wasm-bindgen-test-runner >/dev/null; then
  step "wasm-bindgen-cli $WB_VERSION: present"
else
  step "wasm-bindgen-cli $WB_VERSION: installing (found: ${have_wb:-none})"
  # Not --locked: one dependency version in its lockfile is gone from the registry.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
  elapsed "$t0"
fi

# --- trunk -------------------------------------------------------------------
t0=$(date +%s)
have_trunk="$(trunk --version 2>/dev/null || true)"
if [ "$have_trunk" = "trunk $TRUNK_VERSION" ]; then
  step "trunk $TRUNK_VERSION: present"
else
  step "trunk $TRUNK_VERSION: installing (found: ${have_trunk:-none})"
  # 0.22 needs a newer rustc than the stable toolchain here.
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
  elapsed "$t0"
fi

# --- Chromium and its driver ---------------------------------------------------
t0=$(date +%s)
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  step "chromium + chromedriver: present"
else
  step "chromium + chromedriver: installing with apt"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  elapsed "$t0"
fi

# --- Firefox ESR and geckodriver (the browser tests run in Firefox too) ---------
t0=$(date +%s)
if [ -x /usr/bin/firefox-esr ]; then
  step "firefox-esr: present"
else
  step "firefox-esr: installing with apt"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y firefox-esr
  elapsed "$t0"
fi
t0=$(date +%s)
have_gd="$(geckodriver --version 2>/dev/null | head -n 1 || true)"
case "$have_gd" in
  "geckodriver $GECKODRIVER_VERSION"*) step "geckodriver $GECKODRIVER_VERSION: present" ;;
  *)
    step "geckodriver $GECKODRIVER_VERSION: installing (found: ${have_gd:-none})"
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --force
    elapsed "$t0"
    ;;
esac

# --- npm packages (Playwright, binaryen's wasm-opt, axe-core) -------------------
t0=$(date +%s)
stamp="node_modules/.setup-stamp"
want_stamp="$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ -f package-lock.json ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ]; then
  step "npm packages: up to date"
else
  if [ -f package-lock.json ]; then
    step "npm packages: npm ci"
    npm ci --no-audit --no-fund
  else
    step "npm packages: npm install (no package-lock.json yet)"
    npm install --no-audit --no-fund
  fi
  cat package.json package-lock.json | sha256sum | cut -d' ' -f1 > "$stamp"
  elapsed "$t0"
fi

# trunk accepts only this exact wasm-opt; Debian's binaryen (108) miscompiles for Chromium.
have_opt="$(wasm-opt --version 2>/dev/null || true)"
case "$have_opt" in
  *"($WASM_OPT_VERSION)"*) step "wasm-opt: $(command -v wasm-opt) ($WASM_OPT_VERSION)" ;;
  *)
    echo "setup.sh: wasm-opt on PATH is '${have_opt:-missing}' ($(command -v wasm-opt || echo none)), need $WASM_OPT_VERSION from node_modules" >&2
    exit 1
    ;;
esac

step "ready; to use the tools in your shell: source scripts/env.sh"
echo "    PATH += ${CARGO_HOME:-$HOME/.cargo}/bin:$REPO_ROOT/node_modules/.bin"
echo "    CHROMEDRIVER=$CHROMEDRIVER"
