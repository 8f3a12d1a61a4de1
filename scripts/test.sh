#!/usr/bin/env bash
# The whole test suite: prerequisites, format lint, a warning-free build, unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "==> swift format lint --strict"
swift format lint --strict -r Package.swift Sources Tests Benchmarks
echo "==> swift build --build-tests"
log=$(mktemp)
set +e
swift build --build-tests 2>&1 | tee "$log" | grep -E "warning:|error:|Build complete"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    echo "the build failed" >&2
    exit 1
fi
if grep -q "warning:" "$log"; then
    echo "the build produced warnings" >&2
    exit 1
fi
echo "==> swift test"
swift test --skip-build
