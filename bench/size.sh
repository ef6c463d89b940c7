#!/usr/bin/env bash
# Prints the shipped size of the release build: the .wasm and the JS glue,
# raw and gzip -9, and the wasm+JS gzip total against the 100 KB goal.
#
#   bench/size.sh [DIST_DIR]            build with trunk --release into DIST_DIR, then measure
#   bench/size.sh --no-build [DIST_DIR] measure an existing build
#
# DIST_DIR defaults to /tmp/bench-dist. Never builds into the repo's dist/.
set -euo pipefail

build=1
if [[ "${1:-}" == "--no-build" ]]; then
  build=0
  shift
fi
dist="${1:-/tmp/bench-dist}"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$repo/node_modules/.bin:$PATH"
export PATH

case "$(cd "$(dirname "$dist")" 2>/dev/null && pwd)/$(basename "$dist")" in
  "$repo/dist") echo "size.sh: refusing to build into the shared $repo/dist; pick another dir" >&2; exit 2 ;;
esac

if (( build )); then
  for tool in trunk wasm-bindgen wasm-opt gzip; do
    command -v "$tool" >/dev/null || { echo "size.sh: '$tool' not on PATH" >&2; exit 1; }
  done
  echo "building: trunk build --release --dist $dist  ($(trunk --version), $(wasm-opt --version))"
  (cd "$repo" && trunk build --release --dist "$dist") >/tmp/bench-size-build.log 2>&1 || {
    echo "size.sh: trunk build failed; log follows" >&2
    cat /tmp/bench-size-build.log >&2
    exit 1
  }
fi

shopt -s nullglob
wasm_files=("$dist"/*.wasm)
js_files=("$dist"/*.js)
if (( ${#wasm_files[@]} != 1 )); then
  echo "size.sh: expected exactly one .wasm in $dist, found ${#wasm_files[@]}" >&2
  exit 1
fi

raw() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }

printf '\n%-48s %12s %12s\n' "file ($dist)" "raw bytes" "gzip -9"
printf '%-48s %12s %12s\n' "------------------------------------------------" "------------" "------------"
total_raw=0
total_gz=0
for f in "${wasm_files[@]}" "${js_files[@]}"; do
  r=$(raw "$f")
  g=$(gz "$f")
  total_raw=$((total_raw + r))
  total_gz=$((total_gz + g))
  printf '%-48s %12d %12d\n' "$(basename "$f")" "$r" "$g"
done
printf '%-48s %12s %12s\n' "------------------------------------------------" "------------" "------------"
printf '%-48s %12d %12d\n' "wasm + js total" "$total_raw" "$total_gz"
echo
awk -v gz="$total_gz" 'BEGIN {
  printf "wasm+js gzip total: %d bytes = %.1f kB (1000 B) = %.1f KiB (1024 B)\n", gz, gz/1000, gz/1024
  printf "goal: <= 100 KB gzip wasm+JS -> %s (%+.1f KiB vs 100 KiB)\n",
    (gz <= 100*1024 ? "within" : "OVER"), gz/1024 - 100
}'
