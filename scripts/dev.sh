#!/usr/bin/env bash
# Builds Coffer and starts a throwaway dev node on http://127.0.0.1:8200 (in memory, unsealed).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build -c release --product coffer
exec .build/release/coffer agent --dev --dev-root-token-id "${COFFER_DEV_ROOT_TOKEN:-root}" "$@"
