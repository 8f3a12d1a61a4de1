#!/usr/bin/env bash
# The whole test suite: prerequisites, format lint, build, unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "==> swift format lint --strict"
swift format lint --strict -r Package.swift Sources Tests
echo "==> swift build"
swift build 2>&1 | tee /tmp/coffer-build.log | grep -E "warning:|error:|Compiling|Build complete" | grep -v "^\[" || true
if grep -q "warning:" /tmp/coffer-build.log; then
    echo "build produced warnings" >&2
    exit 1
fi
echo "==> swift test"
swift test --parallel --num-workers 2
