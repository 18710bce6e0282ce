#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the demo need. Idempotent and quiet when all is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libcpprest-dev libboost-dev libboost-program-options-dev libboost-system-dev
  nlohmann-json3-dev libyaml-cpp-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-kubernetes python3-yaml openssl curl procps bc
  clang-14 libclang-rt-14-dev llvm-14  # scripts/fuzz.sh: clang++, libFuzzer + ASan/UBSan runtimes, llvm-symbolizer
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
