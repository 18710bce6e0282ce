#!/usr/bin/env bash
# Slow, opt-in check of the Dockerfile where no container daemon or base image is available (not run by
# scripts/test.sh). It replays the Dockerfile's instructions (scripts/image/dockerfile_steps.py lists them) in
# debootstrap roots, one per stage:
#   FROM debian:bookworm        ≈ debootstrap --variant=minbase bookworm build-image/stage-NAME
#   FROM debian:bookworm-slim   ≈ the same plus the slim image's dpkg path excludes
#   COPY (the build context honours .dockerignore), COPY --from=STAGE, WORKDIR, RUN (chroot, /bin/sh -c, as root)
# then checks the last stage's root as the image: every shared library of the binary resolves, every package the
# runtime stage installs provides a library the binary loads (or is ca-certificates), no apt lists are left, the
# ENTRYPOINT runs `--help` as the image's USER, and — as USER, in the root remounted read-only (the chart's
# readOnlyRootFilesystem) — answers /readyz, brings a ZenlayerPort adopting an emulated port to Ready, releases
# the port when the resource is deleted (DESTROYED, finalizer removed) and exits 0 on SIGTERM, against both
# emulators on 127.0.0.1 (a chroot shares the host's network namespace).
#
# Usage: scripts/check-image.sh [--fresh] [--binary FILE]   (as root; about 1 GB of downloads the first time)
#   --fresh                 debootstrap the stage roots again (they are kept and reused otherwise)
#   --binary FILE           replay only the last stage, its COPY --from taking this zenlayer-port-operator
#                           (a bookworm build, e.g. build/controller/zenlayer-port-operator; stripped first)
#   CHECK_IMAGE_JOBS=N      build parallelism in the build root (default 2)
#   CHECK_IMAGE_MIRROR=URL  Debian mirror (default: the one this machine's apt uses, else deb.debian.org)
#   ZPO_HOST_BUILD=DIR      host build dir for the emulators (default build-image/host)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
work=$repo/build-image
readonly_root=$work/runtime-ro
jobs=${CHECK_IMAGE_JOBS:-2}
host_build=${ZPO_HOST_BUILD:-$work/host}
fresh=0
given_binary=""
while [ $# -gt 0 ]; do
  case $1 in
    --fresh) fresh=1 ;;
    --binary) given_binary=$(readlink -f "$2"); shift ;;
    *) echo "usage: $0 [--fresh] [--binary FILE]" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "check-image: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
started=$(date +%s)
say() { printf '== [%4ss] %s\n' "$(($(date +%s) - started))" "$*"; }

# The mirror this machine's apt uses, so the roots see the same archive (snapshot or not) as the host build.
mirror=${CHECK_IMAGE_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/\?$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
fi
security_mirror=${mirror%/debian}/debian-security

if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

mounted=()
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # so an interrupted run still unmounts (after the running step ends)
mount_once() {  # mount_once TARGET ARGS...: mount and remember it for cleanup
  local target=$1
  shift
  mount "$@" "$target"
  mounted+=("$target")
}
# Removes a root, first unmounting whatever an interrupted run left mounted under it, deepest first (a root must
# never be removed while /dev is bound into it; rm also stays on one file system).
remove_root() {
  awk -v r="$1/" 'index($2, r) == 1 || $2 == substr(r, 1, length(r) - 1) {print $2}' /proc/mounts | sort -r |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
  rm -rf --one-file-system "$1"
}
# What a container runtime provides: /proc, /dev, a resolv.conf.
enter_prepare() {
  local root=$1
  mountpoint -q "$root/proc" || mount_once "$root/proc" -t proc proc
  mountpoint -q "$root/dev" || mount_once "$root/dev" --bind /dev
  cp /etc/resolv.conf "$root/etc/resolv.conf"
}
leave() {  # unmount everything under $1 (a root must not stay mounted into when it is removed or reused)
  local keep=()
  for m in "${mounted[@]}"; do
    if [[ $m == "$1"* ]]; then umount "$m" 2>/dev/null || umount -l "$m"; else keep+=("$m"); fi
  done
  mounted=("${keep[@]}")
}
in_root() {  # in_root ROOT CMD...: a RUN step: /bin/sh -c in the root, clean environment, as root
  local root=$1
  shift
  chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    CMAKE_BUILD_PARALLEL_LEVEL="$jobs" /bin/sh -c "$*"
}

# debian:bookworm and debian:bookworm-slim are both minbase roots (debuerreotype) with the images' deb822 apt
# sources. One pristine debootstrap is kept in build-image/bookworm-minbase; each stage starts from a copy of it.
pristine=$work/bookworm-minbase
make_root() {
  local root=$1
  if [ "$fresh" -eq 1 ] || [ ! -f "$pristine/.check-image-root" ]; then
    remove_root "$pristine"
    say "debootstrap --variant=minbase bookworm $pristine ($mirror)"
    nice -n 10 debootstrap --variant=minbase bookworm "$pristine" "$mirror" >"$pristine.debootstrap.log" 2>&1 ||
      { tail -20 "$pristine.debootstrap.log"; echo "check-image: debootstrap failed (mirror $mirror)" >&2; exit 1; }
    rm -f "$pristine/etc/apt/sources.list"
    cat >"$pristine/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    touch "$pristine/.check-image-root"
    fresh=0  # the stage roots below are fresh copies of this one
    for old in "$work"/stage-*; do remove_root "$old"; done
  fi
  if [ ! -f "$root/.check-image-root" ]; then
    leave "$root"
    remove_root "$root"
    cp -a "$pristine" "$root"
    say "$root: a copy of $pristine"
  else
    say "reusing $root (--fresh starts over)"
  fi
}

# bookworm-slim = minbase without docs, man pages, locales (debuerreotype-slimify's dpkg excludes).
slimify() {
  local root=$1
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  rm -rf "$root"/usr/share/{man,groff,info,lintian,linda}/* 2>/dev/null || true
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
}

# COPY . /src with .dockerignore applied (patterns relative to the context root; a match excludes a directory's
# whole tree; `!` exceptions are not used by this repository and refused here).
# A rerun keeps the build tree from the previous run (unchanged sources, copied with their times, rebuild nothing).
copy_context() {
  local dest=$1
  mkdir -p "$dest"
  find "$dest" -mindepth 1 -maxdepth 1 -not -name build-image-release -exec rm -rf {} +
  /usr/bin/python3 - "$repo" "$dest" <<'EOF'
import fnmatch, os, shutil, sys
src, dest = sys.argv[1], sys.argv[2]
patterns = []
for line in open(os.path.join(src, ".dockerignore")):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    if line.startswith("!"):
        sys.exit("check-image: .dockerignore exceptions (!) are not supported here")
    patterns.append(line.strip("/"))
def ignored(rel):
    return any(fnmatch.fnmatchcase(rel, p) for p in patterns)
for dirpath, dirnames, filenames in os.walk(src):
    rel_dir = os.path.relpath(dirpath, src)
    rel_dir = "" if rel_dir == "." else rel_dir
    dirnames[:] = [d for d in dirnames if not ignored(os.path.join(rel_dir, d))]
    os.makedirs(os.path.join(dest, rel_dir), exist_ok=True)
    for f in filenames:
        rel = os.path.join(rel_dir, f)
        if not ignored(rel):
            shutil.copy2(os.path.join(src, rel), os.path.join(dest, rel), follow_symlinks=False)
EOF
}

mkdir -p "$work"

# ---- replay the Dockerfile ---------------------------------------------------------------------------------
declare -A stage_root=()
root="" cwd=/ stage="" image_user=root entrypoint=""
last_stage=$(/usr/bin/python3 scripts/image/dockerfile_steps.py Dockerfile | awk -F'\t' '$1 == "FROM" {s = $2} END {print s}')
skipping=0
steps=$(/usr/bin/python3 scripts/image/dockerfile_steps.py Dockerfile)
while IFS=$'\t' read -r keyword first second rest; do
  if [ "$keyword" = FROM ]; then
    [ -n "$root" ] && leave "$root"
    stage=$first root=$work/stage-$first cwd=/ image_user=root entrypoint=""
    stage_root[$stage]=$root
    # --binary: only the last stage is replayed; its COPY --from takes the given binary.
    skipping=0
    [ -n "$given_binary" ] && [ "$stage" != "$last_stage" ] && skipping=1
    [ "$skipping" -eq 1 ] && { say "stage $stage skipped (--binary)"; root=""; continue; }
    case $second in
      debian:bookworm) make_root "$root" ;;
      debian:bookworm-slim) make_root "$root"; slimify "$root" ;;
      *) echo "check-image: no debootstrap equivalent of $second" >&2; exit 1 ;;
    esac
    enter_prepare "$root"
    say "stage $stage: FROM $second"
    continue
  fi
  [ "$skipping" -eq 1 ] && continue
  case $keyword in
    WORKDIR)
      case $first in /*) cwd=$first ;; *) cwd=${cwd%/}/$first ;; esac
      mkdir -p "$root$cwd" ;;
    USER) image_user=$first ;;
    ENTRYPOINT) entrypoint=$first ;;
    COPY)
      dest=$second
      [[ $dest == /* ]] || dest=${cwd%/}/$dest
      read -r -a sources <<<"$rest"
      if [ "$first" = - ] && [ "${sources[*]}" = . ]; then
        say "stage $stage: COPY . $dest (the build context, .dockerignore applied)"
        copy_context "$root$dest"
      else
        for source in "${sources[@]}"; do
          if [ "$first" = - ]; then
            from=$repo/$source
          elif [ -n "$given_binary" ]; then
            from=$work/given/zenlayer-port-operator
            mkdir -p "$work/given"
            strip --strip-unneeded -o "$from" "$given_binary"
          else
            from=${stage_root[$first]}$source
          fi
          target=$root$dest
          [[ $dest == */ ]] && target=$root$dest$(basename "$source")
          mkdir -p "$(dirname "$target")"
          cp -p "$from" "$target"
          say "stage $stage: COPY ${first/#-/context}:$source $dest"
        done
      fi ;;
    RUN)
      command=$first
      say "stage $stage: RUN $command"
      in_root "$root" "cd $cwd && nice -n 10 $command" >>"$work/stage-$stage.log" 2>&1 ||
        { tail -30 "$work/stage-$stage.log"; echo "check-image: stage $stage: RUN $command failed" >&2; exit 1; } ;;
  esac
done <<<"$steps"
[ -n "$root" ] || { echo "check-image: no stage to check" >&2; exit 1; }
runtime_root=$root
binary_path=$(/usr/bin/python3 -c 'import json, sys; print(json.loads(sys.argv[1])[0])' "$entrypoint")
[[ $image_user =~ ^[0-9]+(:[0-9]+)?$ ]] || { echo "check-image: USER $image_user is not numeric" >&2; exit 1; }
[[ $image_user == *:* ]] || image_user=$image_user:$image_user
[ "${image_user%%:*}" -ne 0 ] || { echo "check-image: the image runs as root" >&2; exit 1; }
say "image: ENTRYPOINT $binary_path, USER $image_user; $(du -h "$runtime_root$binary_path" | cut -f1) binary"
[ -z "$(find "$runtime_root/var/lib/apt/lists" -mindepth 1 -maxdepth 1 -not -name lock -not -name partial)" ] ||
  { echo "check-image: apt lists left in the image" >&2; exit 1; }

# Every library resolves, and every package installed for the binary provides one it loads.
libs=$(in_root "$runtime_root" "ldd $binary_path")
if grep -q 'not found' <<<"$libs"; then
  echo "$libs"
  echo "check-image: shared libraries missing in the runtime root" >&2
  exit 1
fi
loaded_packages=$(in_root "$runtime_root" '
  for lib in $(ldd '"$binary_path"' | awk "/=>/ {print \$3}"); do
    real=$(readlink -f "$lib")
    { dpkg -S "$lib" || dpkg -S "$real" || dpkg -S "${real#/usr}"; } 2>/dev/null | head -1 | cut -d: -f1
  done | sort -u')
for package in $(scripts/image/runtime-deps.sh --list); do
  [ "$package" = ca-certificates ] && continue
  grep -qx "$package" <<<"$loaded_packages" ||
    { echo "check-image: runtime-deps.sh installs $package, which provides no library the binary loads" >&2; exit 1; }
done
say "runtime root: all $(grep -c '=>' <<<"$libs") libraries resolve; packages providing them: $(echo $loaded_packages)"

help=$(chroot --userspec="$image_user" "$runtime_root" "$binary_path" --help)
grep -q -- '--zenlayer-endpoint' <<<"$help" || { echo "check-image: --help printed no flags" >&2; exit 1; }
say "--help runs as $image_user ($(wc -l <<<"$help") lines)"

# ---- the image's binary against both emulators ---------------------------------------------------------------
if [ ! -f "$host_build/build.ninja" ]; then
  # shellcheck disable=SC2046 # an optional argument, absent without ccache
  cmake -S . -B "$host_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZPO_BUILD_BENCH=OFF \
    $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
fi
say "building the emulators in $host_build"
nice -n 10 cmake --build "$host_build" --target zenlayer-emulator kube-emulator -j "$jobs" >/dev/null

run=$work/run
rm -rf "$run"
mkdir -p "$run"
listening_url() {
  for _ in $(seq 150); do
    grep -q '^listening on ' "$1" 2>/dev/null && break
    sleep 0.1
  done
  sed -n 's/^listening on //p' "$1"
}
export ZENLAYERCLOUD_ACCESS_KEY_ID=check-image-key
ZENLAYERCLOUD_ACCESS_KEY_PASSWORD="check-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export ZENLAYERCLOUD_ACCESS_KEY_PASSWORD
"$host_build"/emulators/zenlayer/zenlayer-emulator --listen 127.0.0.1:0 --create-delay-ms 300 \
  --terminate-delay-ms 300 --destroy-delay-ms 300 >"$run/zenlayer.out" 2>"$run/zenlayer.log" &
pids+=($!)
endpoint=$(listening_url "$run/zenlayer.out")
export KUBECONFIG=$run/kubeconfig
"$host_build"/emulators/kube/server/kube-emulator --listen 127.0.0.1:0 --crd crds/sdn.zenlayer.com_zenlayerports.yaml \
  --write-kubeconfig "$KUBECONFIG" >"$run/kube.out" 2>"$run/kube.log" &
pids+=($!)
apiserver=$(listening_url "$run/kube.out")
[ -n "$endpoint" ] && [ -n "$apiserver" ] || { echo "check-image: an emulator did not start" >&2; exit 1; }
curl -sS -X POST "$endpoint/admin/ports" -H 'Content-Type: application/json' \
  -d '[{"portId":"port-image-1","portName":"image-check","dcId":"FRA1"}]' >/dev/null

# The runtime root read-only, as the chart runs it (readOnlyRootFilesystem), with the kubeconfig in place.
mkdir -p "$runtime_root/etc/zenlayer-port-operator"
install -m 0644 "$KUBECONFIG" "$runtime_root/etc/zenlayer-port-operator/kubeconfig"
remove_root "$readonly_root"
mkdir -p "$readonly_root"
mount_once "$readonly_root" --bind "$runtime_root"
mount -o remount,bind,ro "$readonly_root"
mount_once "$readonly_root/proc" -t proc proc
mount_once "$readonly_root/dev" --bind /dev
if touch "$readonly_root/tmp/check-write" 2>/dev/null; then
  echo "check-image: the read-only runtime root is writable" >&2
  exit 1
fi
probe_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chroot --userspec="$image_user" "$readonly_root" /usr/bin/env -i \
  ZENLAYERCLOUD_ACCESS_KEY_ID="$ZENLAYERCLOUD_ACCESS_KEY_ID" \
  ZENLAYERCLOUD_ACCESS_KEY_PASSWORD="$ZENLAYERCLOUD_ACCESS_KEY_PASSWORD" \
  "$binary_path" --kubeconfig /etc/zenlayer-port-operator/kubeconfig \
  --zenlayer-endpoint "$endpoint" --health-probe-bind-address "127.0.0.1:$probe_port" --metrics-bind-address 0 \
  --poll-interval 300ms --max-poll-interval 1s 2>"$run/operator.log" &
operator_pid=$!
pids+=("$operator_pid")
fail() {
  echo "check-image: $1; the operator's log ends with:" >&2
  tail -20 "$run/operator.log" >&2
  exit 1
}
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$probe_port/readyz" >/dev/null 2>&1 && break
  kill -0 "$operator_pid" 2>/dev/null || fail "the operator exited"
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$probe_port/readyz" >/dev/null || fail "/readyz never answered"
# chroot and env exec: the pid is the operator's own.
uid=$(awk '/^Uid:/ {print $2}' "/proc/$operator_pid/status")
say "operator from the runtime root (read-only, uid $uid) answers /readyz"

kubectl apply -f - >/dev/null <<'EOF'
apiVersion: sdn.zenlayer.com/v1alpha1
kind: ZenlayerPort
metadata:
  name: image-check
  namespace: default
spec:
  portId: port-image-1
  deletionPolicy: Delete
EOF
phase=""
for _ in $(seq 150); do
  phase=$(kubectl get zport image-check -o jsonpath='{.status.phase}')
  [ "$phase" = Ready ] && break
  sleep 0.2
done
[ "$phase" = Ready ] || fail "the ZenlayerPort never became Ready (phase '$phase')"
say "ZenlayerPort image-check adopted port-image-1: phase Ready"
kubectl delete zport image-check --wait=false >/dev/null
for _ in $(seq 300); do
  kubectl get zport image-check >/dev/null 2>&1 || break
  sleep 0.2
done
kubectl get zport image-check >/dev/null 2>&1 && fail "the ZenlayerPort was never released"
port_status=$(curl -sS "$endpoint/admin/ports" | /usr/bin/python3 -c '
import json, sys
ports = [p for p in json.load(sys.stdin)["ports"] if p.get("portId") == "port-image-1"]
print(ports[0].get("portStatus") if ports else "GONE")')
case $port_status in DESTROYED | GONE) ;; *) fail "port-image-1 is $port_status after the release" ;; esac
grep -qF "$ZENLAYERCLOUD_ACCESS_KEY_PASSWORD" "$run/operator.log" && fail "the access key password is in the log"
say "deleted: finalizer released after port-image-1 was destroyed ($port_status); no secret in the log"

kill -TERM "$operator_pid"
wait "$operator_pid" && code=0 || code=$?
[ "$code" -eq 0 ] || fail "SIGTERM: the operator exited $code"
say "SIGTERM: exit 0. image root $(du -shx "$runtime_root" | cut -f1) (≈ the image size); all checks passed"
