#!/usr/bin/env bash
# Installs what is missing, then serves the demo app with trunk
# (address and port come from Trunk.toml: http://127.0.0.1:8080).
# Extra arguments go to `trunk serve`, e.g. `scripts/serve.sh --release`.
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

bash scripts/setup.sh
echo "==> trunk serve $*"
exec trunk serve "$@"
