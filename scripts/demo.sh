#!/usr/bin/env bash
# The demo: builds the operator and both emulators, starts them on 127.0.0.1, applies the manifests in examples/
# with kubectl, waits until the operator reports every port Ready, deletes them all and prints the phases live as
# `kubectl get zports -w` shows them, then a summary (ports destroyed, Zenlayer API calls, violations, time).
# The cloud's asynchronous steps take 1.5 s each here so the phases are visible. Nothing reaches the real cloud.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# kubectl is not a Debian package: it comes with the machine (kubectl 1.27-1.33 here). Say so before building.
command -v kubectl >/dev/null || { echo "demo.sh: needs kubectl on PATH" >&2; exit 1; }

build=${ZPO_BUILD_DIR:-build}
echo "== building ($build/)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target zenlayer-emulator kube-emulator zenlayer-port-operator >/dev/null

workdir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT

# Waits for a server's "listening on URL" line in FILE and prints the URL.
listening_url() {
  for _ in $(seq 150); do
    grep -q "^listening on " "$1" 2>/dev/null && break
    sleep 0.1
  done
  sed -n 's/^listening on //p' "$1"
}

# A throwaway key pair, known to the emulator and the operator alike.
export ZENLAYERCLOUD_ACCESS_KEY_ID=demo-key-id
export ZENLAYERCLOUD_ACCESS_KEY_PASSWORD="demo-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

"$build"/emulators/zenlayer/zenlayer-emulator --listen 127.0.0.1:0 --terminate-delay-ms 1500 \
  --terminate-lag-polls 2 --destroy-delay-ms 1500 --destroyed-visible-ms 1000 \
  >"$workdir/zenlayer.out" 2>"$workdir/zenlayer.log" &
pids+=($!)
endpoint=$(listening_url "$workdir/zenlayer.out")
export KUBECONFIG=$workdir/kubeconfig
"$build"/emulators/kube/server/kube-emulator --listen 127.0.0.1:0 --crd crds/sdn.zenlayer.com_zenlayerports.yaml \
  --write-kubeconfig "$KUBECONFIG" >"$workdir/kube.out" 2>"$workdir/kube.log" &
pids+=($!)
apiserver=$(listening_url "$workdir/kube.out")
echo "== Zenlayer emulator at $endpoint, Kubernetes API (kube-emulator) at $apiserver"

admin() { curl -sS -X "$1" "$endpoint/admin/$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
# The cloud ports the example manifests stand for.
admin POST ports '[{"portId":"port-fra-1","portName":"fra-uplink","dcId":"FRA1"},
                   {"portId":"port-sin-1","portName":"sin-uplink","dcId":"SIN1"},
                   {"portId":"port-hkg-1","portName":"hkg-uplink","dcId":"HKG1"},
                   {"portId":"port-lax-1","portName":"lax-uplink","dcId":"LAX1"}]' >/dev/null

"$build"/controller/zenlayer-port-operator --zenlayer-endpoint "$endpoint" --health-probe-bind-address 127.0.0.1:0 \
  --metrics-bind-address 0 --poll-interval 500ms --max-poll-interval 2s 2>"$workdir/operator.log" &
operator_pid=$!
pids+=("$operator_pid")
echo "== operator started (pid $operator_pid, log in JSON lines)"
started=$(date +%s.%N)

echo
echo "\$ kubectl apply -f examples/zenlayerport.yaml -f examples/policies.yaml"
kubectl apply -f examples/zenlayerport.yaml -f examples/policies.yaml
echo "\$ kubectl apply -f examples/credentials-secret.yaml   # placeholders replaced by the demo's key"
sed -e "s/REPLACE-WITH-ACCESS-KEY-ID/$ZENLAYERCLOUD_ACCESS_KEY_ID/" \
  -e "s/REPLACE-WITH-ACCESS-KEY-PASSWORD/$ZENLAYERCLOUD_ACCESS_KEY_PASSWORD/" examples/credentials-secret.yaml |
  kubectl apply -f -

ready=0
for _ in $(seq 100); do
  ready=$(kubectl get zports -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' | grep -c '^Ready$' || true)
  [ "$ready" -eq 4 ] && break
  if ! kill -0 "$operator_pid" 2>/dev/null; then
    echo "the operator exited; its log ends with:"; tail -20 "$workdir/operator.log"; exit 1
  fi
  sleep 0.2
done
echo
echo "\$ kubectl get zports"
kubectl get zports
if [ "$ready" -ne 4 ]; then
  echo "not every port became Ready; the operator's log ends with:"; tail -20 "$workdir/operator.log"; exit 1
fi

echo
echo "== deleting every ZenlayerPort; the phases as \`kubectl get zports -w\` shows them:"
kubectl get zports -w --watch-only --no-headers 2>/dev/null &
watcher_pid=$!
pids+=("$watcher_pid")
sleep 0.3
kubectl delete zports --all --wait=false >/dev/null
for _ in $(seq 300); do
  [ -z "$(kubectl get zports -o name 2>/dev/null)" ] && break
  sleep 0.2
done
sleep 0.3
kill "$watcher_pid" 2>/dev/null || true
left=$(kubectl get zports -o name 2>/dev/null)
if [ -n "$left" ]; then
  echo "still there after 60 s: $left; the operator's log ends with:"; tail -20 "$workdir/operator.log"; exit 1
fi
finished=$(date +%s.%N)

echo
echo "== summary"
admin GET ports | /usr/bin/python3 -c '
import json, sys
for p in json.load(sys.stdin)["ports"]:
    where = p["portStatus"] if p["internal"]["listed"] else "no longer listed (destroyed)"
    print("  %-11s %s" % (p["portId"], where))'
admin GET stats | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
ports = s["ports"]
destroyed = ports["listed"].get("DESTROYED", 0) + ports["unlisted"]
print("ports destroyed: %d (Delete: fra, lax); recycled: %d (RecycleBin: sin); untouched: %d (Orphan: hkg)"
      % (destroyed, ports["listed"].get("RECYCLED", 0), ports["listed"].get("RUNNING", 0)))
c = s["calls"]
print("Zenlayer API calls: %d  by action: %s" % (c["total"], json.dumps(c["byAction"], sort_keys=True)))
print("protocol violations: %d" % s["violations"]["count"])'
printf 'time from operator start to every resource gone: %.1f s (cloud delays: 1.5 s per async step)\n' \
  "$(/usr/bin/python3 -c "print($finished - $started)")"
if grep -qF "$ZENLAYERCLOUD_ACCESS_KEY_PASSWORD" "$workdir/operator.log"; then
  echo "the access key password appears in the operator's log"; exit 1
fi
