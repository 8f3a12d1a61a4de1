#!/usr/bin/env bash
# Builds Coffer and runs `coffer up` on Manifests/local.yaml: a primary cluster (dc1) and a
# secondary cluster (dc2), each with an active node and a standby, all on loopback with data,
# certificates and unseal keys under ./.coffer/. Ctrl-C stops the agents; running it again
# brings the same topology back unsealed and replicating.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build -c release --product coffer
exec .build/release/coffer up -f Manifests/local.yaml "$@"
