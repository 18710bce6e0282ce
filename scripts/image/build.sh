#!/bin/sh
# The image's build stage (Dockerfile), also run by scripts/check-image.sh inside a debootstrap root. From the
# source root:
#   scripts/image/build.sh deps      install the build dependencies with the project's own script
#   scripts/image/build.sh [OUT]     the same (quick when installed), then build only the operator in Release,
#                                    strip it, and leave it at OUT (default /out/zenlayer-port-operator)
set -eu

# Skip the test- and fuzz-only packages where install-deps.sh supports it (it installs everything otherwise).
export ZPO_DEPS=build
scripts/install-deps.sh
[ "${1:-}" = deps ] && exit 0

out=${1:-/out/zenlayer-port-operator}
# Debian's cmake honours CMAKE_BUILD_PARALLEL_LEVEL; the check script lowers it on shared machines.
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
# Release at -O2, the optimisation every test runs the code with (RelWithDebInfo), not CMake's default -O3: with
# warnings as errors, GCC 12's -O3 stops on a false -Wrestrict in std::string's operator+ (controller/port/
# decide_create.cpp; seen by scripts/check-image.sh).
cmake -S . -B build-image-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DZPO_BUILD_BENCH=OFF
cmake --build build-image-release --target zenlayer-port-operator

mkdir -p "$(dirname "$out")"
# Stripped: the runtime image carries no debug info (build-image-release/ in the build stage keeps the symbols).
strip --strip-unneeded -o "$out" build-image-release/controller/zenlayer-port-operator
