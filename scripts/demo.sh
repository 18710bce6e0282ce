#!/usr/bin/env bash
# The demo: builds the project, starts the local Zenlayer emulator and walks a few ports through the cloud's
# asynchronous release with zenlayerctl (the client library), showing the lag after TerminatePort, the recycle
# bin, DESTROYED, a PREPAID refusal, a port that does not exist, and throttling absorbed by the client's retries.
# Everything runs on 127.0.0.1; nothing reaches the real cloud.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

build=${ZPO_BUILD_DIR:-build}
echo "== building ($build/)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target zenlayer-emulator zenlayerctl >/dev/null

workdir=$(mktemp -d)
cleanup() {
  [ -n "${emulator_pid:-}" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$workdir"
}
trap cleanup EXIT

# A throwaway key pair, known to the emulator and the client alike.
export ZENLAYERCLOUD_ACCESS_KEY_ID=demo-key-id
export ZENLAYERCLOUD_ACCESS_KEY_PASSWORD="demo-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

"$build"/emulators/zenlayer/zenlayer-emulator --listen 127.0.0.1:0 --terminate-delay-ms 1500 \
  --terminate-lag-polls 2 --destroy-delay-ms 1500 --destroyed-visible-ms 1000 >"$workdir/emulator.out" &
emulator_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$workdir/emulator.out" && break; sleep 0.1; done
endpoint=$(sed -n 's/^listening on //p' "$workdir/emulator.out")
echo "== Zenlayer emulator at $endpoint"

admin() { curl -sS -X "$1" "$endpoint/admin/$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
zctl() { echo "\$ zenlayerctl $*"; "$build"/tools/zenlayerctl/zenlayerctl --endpoint "$endpoint" --poll-ms 300 "$@"; }
started=$(date +%s.%N)

admin POST ports '[{"portId":"port-fra-1","portName":"fra-uplink","dcId":"FRA1","portType":"10G"},
                   {"portId":"port-sin-1","portName":"sin-uplink","dcId":"SIN1","portType":"1G"},
                   {"portId":"port-hkg-1","portName":"hkg-prepaid","dcId":"HKG1","portType":"10G",
                    "portChargeType":"PREPAID","period":12,"expiredTime":"2027-06-30T00:00:00Z"}]' >/dev/null
echo
zctl describe

echo; echo "== release port-fra-1: TerminatePort, wait for the recycle bin (the cloud lags), DestroyPort, wait"
zctl terminate port-fra-1
zctl wait port-fra-1 RECYCLED
zctl destroy port-fra-1
zctl wait port-fra-1 GONE

echo; echo "== a PREPAID port cannot be terminated before it expires"
zctl terminate port-hkg-1 || true

echo; echo "== a port that does not exist"
zctl terminate port-nowhere || true

echo; echo "== a third of the calls throttled (429): the client backs off, slows its rate and still succeeds"
admin PUT faults '{"throttleRate":0.35}' >/dev/null
for _ in 1 2 3; do zctl describe port-sin-1 port-hkg-1; done
admin PUT faults '{"throttleRate":0}' >/dev/null

finished=$(date +%s.%N)
echo; echo "== summary"
admin GET stats | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
c = s["calls"]
print("API calls: %d  by action: %s" % (c["total"], json.dumps(c["byAction"], sort_keys=True)))
print("error codes seen: %s" % json.dumps(c["byCode"], sort_keys=True))
print("protocol violations: %d   ports listed now: %s" % (s["violations"]["count"], json.dumps(s["ports"]["listed"], sort_keys=True)))'
printf 'time taken: %.1f s\n' "$(echo "$finished - $started" | bc -l 2>/dev/null || /usr/bin/python3 -c "print($finished-$started)")"
