#!/bin/sh
# The image's runtime stage (Dockerfile, on debian:bookworm-slim), also run by scripts/check-image.sh inside a
# minbase debootstrap root: only the shared libraries the stripped operator links, and the CA bundle for the
# Zenlayer API over HTTPS. The list comes from `ldd zenlayer-port-operator` + `dpkg -S`; scripts/check-image.sh
# fails when a library is missing or a package here is not needed by any library the binary loads.
set -eu

packages="
  ca-certificates
  libboost-program-options1.74.0
  libcpprest2.10
  libjemalloc2
  libssl3
  libyaml-cpp0.7
"
# --list: print the packages (scripts/check-image.sh compares them with what the binary loads).
if [ "${1:-}" = --list ]; then
  echo $packages
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # the list is split on purpose
apt-get install -y -qq --no-install-recommends $packages >/dev/null
apt-get clean
rm -rf /var/lib/apt/lists/*
