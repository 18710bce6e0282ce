#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the demo need. Idempotent and quiet when all is there.
set -euo pipefail

# What building the operator needs (GTest too: CMake looks for it at configure time). ZPO_DEPS=build installs only
# these: the container image's build stage (scripts/image/build.sh).
packages=(
  build-essential cmake ninja-build pkg-config
  libcpprest-dev libboost-dev libboost-program-options-dev libboost-system-dev
  nlohmann-json3-dev libyaml-cpp-dev libssl-dev libgtest-dev libgmock-dev libjemalloc-dev
)
if [ "${ZPO_DEPS:-all}" != build ]; then
  packages+=(
    clang-format libbenchmark-dev
    python3 python3-kubernetes python3-yaml openssl curl procps bc
    clang-14 libclang-rt-14-dev llvm-14  # scripts/fuzz.sh: clang++, libFuzzer + ASan/UBSan runtimes, llvm-symbolizer
    # tools/chart-render: renders the Helm chart with Go's text/template + Sprig (no helm binary here) and checks
    # values.schema.json; built offline from Debian's Go sources.
    golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev golang-github-xeipuuv-gojsonschema-dev
    lua5.1  # the Argo CD health check runs under Lua 5.1, as in Argo CD
  )
fi

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
