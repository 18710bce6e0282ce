#!/usr/bin/env bash
# Builds everything and runs every test: the unit tests under AddressSanitizer + UndefinedBehaviorSanitizer first,
# then the whole suite (unit, integration over HTTP, kubectl end to end) in the optimised build. The last lines are
# CTest's summary of the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== sanitizer build (ASan + UBSan): unit tests"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DZPO_SANITIZE=ON -DZPO_BUILD_BENCH=OFF >/dev/null
# Only what the unit tests need: the servers and integration tests are built (and run) in the optimised tree.
cmake --build build-asan --target unit_tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -L unit --output-on-failure
scripts/fuzz.sh  # libFuzzer: each target for ZPO_FUZZ_SECONDS (default 30) over its committed corpus

echo "== optimised build: every test"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure
