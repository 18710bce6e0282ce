#!/usr/bin/env bash
# The demo: builds the operator and both emulators, starts them on 127.0.0.1, applies the manifests in examples/
# with kubectl (four adopt existing ports, examples/new-port.yaml has the operator create one), prints the phases live
# as `kubectl get zports -w` shows them until every port is Ready, prints `kubectl get zports` and
# `kubectl get zenlayer` (the printer columns, short name and category), changes the created port's remarks with kubectl
# patch and shows the change applied, deletes them all (phases live again), then a summary (ports created and
# destroyed, Zenlayer API calls, violations, time). The cloud's asynchronous steps take 1.5 s each here so the phases
# are visible. Nothing reaches the real cloud.
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
ZENLAYERCLOUD_ACCESS_KEY_PASSWORD="demo-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export ZENLAYERCLOUD_ACCESS_KEY_PASSWORD

"$build"/emulators/zenlayer/zenlayer-emulator --listen 127.0.0.1:0 --create-delay-ms 1500 --terminate-delay-ms 1500 \
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
# The cloud ports the adopting example manifests stand for (examples/new-port.yaml's port does not exist yet).
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

# Prints `kubectl get zports -w ARGS` in the background until stop_watching (the phases as they change, live).
watch_zports() {
  kubectl get zports -w "$@" 2>/dev/null &
  watcher_pid=$!
  pids+=("$watcher_pid")
  sleep 0.3
}
stop_watching() {
  sleep 0.3
  kill "$watcher_pid" 2>/dev/null || true
  wait "$watcher_pid" 2>/dev/null || true
}
fail_with_log() {
  echo "$1; the operator's log ends with:"; tail -20 "$workdir/operator.log"; exit 1
}

echo
echo "\$ kubectl apply -f examples/zenlayerport.yaml -f examples/policies.yaml -f examples/new-port.yaml"
kubectl apply -f examples/zenlayerport.yaml -f examples/policies.yaml -f examples/new-port.yaml
echo "\$ kubectl apply -f examples/credentials-secret.yaml   # placeholders replaced by the demo's key"
sed -e "s/REPLACE-WITH-ACCESS-KEY-ID/$ZENLAYERCLOUD_ACCESS_KEY_ID/" \
  -e "s/REPLACE-WITH-ACCESS-KEY-PASSWORD/$ZENLAYERCLOUD_ACCESS_KEY_PASSWORD/" examples/credentials-secret.yaml |
  kubectl apply -f -
echo
echo "== the phases as \`kubectl get zports -w\` shows them, until every port is Ready (sin-edge is being created):"
watch_zports

ready=0
for _ in $(seq 150); do
  ready=$(kubectl get zports -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' | grep -c '^Ready$' || true)
  [ "$ready" -eq 5 ] && break
  kill -0 "$operator_pid" 2>/dev/null || fail_with_log "the operator exited"
  sleep 0.2
done
stop_watching
echo
echo "\$ kubectl get zports      # short name; columns PORT-ID, PHASE, PORT-STATUS, READY, AGE"
listing=$(kubectl get zports)
echo "$listing"
[ "$ready" -eq 5 ] || fail_with_log "not every port became Ready"
for column in PORT-ID PHASE PORT-STATUS READY AGE; do
  head -1 <<<"$listing" | grep -qw -- "$column" || fail_with_log "kubectl get zports shows no $column column"
done
echo "\$ kubectl get zenlayer    # the category zenlayer: every kind of the operator"
by_category=$(kubectl get zenlayer)
echo "$by_category"
[ "$(tail -n +2 <<<"$by_category" | grep -c .)" -eq 5 ] ||
  fail_with_log "kubectl get zenlayer does not list the five ZenlayerPorts"
created=$(kubectl get zport sin-edge -o jsonpath='{.status.portId}')
echo "sin-edge was created as $created: $(admin GET ports | /usr/bin/python3 -c '
import json, sys
p = next(p for p in json.load(sys.stdin)["ports"] if p["portId"] == sys.argv[1])
print("%s in %s, %s, %s, remarks %r" % (p["portName"], p["dcId"], p["portType"], p["businessEntityName"],
                                         p["portRemarks"]))' "$created")"

echo
echo "== updating the created port"
echo "\$ kubectl patch zport sin-edge --type merge -p '{\"spec\":{\"portRemarks\":\"edge uplink, rack 12\"}}'"
kubectl patch zport sin-edge --type merge -p '{"spec":{"portRemarks":"edge uplink, rack 12"}}'
applied=""
for _ in $(seq 50); do
  applied=$(kubectl get zport sin-edge -o jsonpath='{.metadata.generation} {.status.observedGeneration}' |
    awk '$1 == $2 {print $1}')
  [ -n "$applied" ] && break
  sleep 0.2
done
[ -n "$applied" ] || fail_with_log "the remarks were not applied"
echo "applied: status.observedGeneration = metadata.generation = $applied; the cloud's port now says: $(
  admin GET ports | /usr/bin/python3 -c '
import json, sys
p = next(p for p in json.load(sys.stdin)["ports"] if p["portId"] == sys.argv[1])
print("remarks %r" % p["portRemarks"])' "$created")"

echo
echo "== deleting every ZenlayerPort; the phases as \`kubectl get zports -w\` shows them:"
watch_zports --watch-only --no-headers
kubectl delete zports --all --wait=false >/dev/null
for _ in $(seq 300); do
  [ -z "$(kubectl get zports -o name 2>/dev/null)" ] && break
  sleep 0.2
done
stop_watching
left=$(kubectl get zports -o name 2>/dev/null)
[ -z "$left" ] || fail_with_log "still there after 60 s: $left"
finished=$(date +%s.%N)

echo
echo "== summary"
admin GET ports | /usr/bin/python3 -c '
import json, sys
for p in json.load(sys.stdin)["ports"]:
    where = p["portStatus"] if p["internal"]["listed"] else "no longer listed (destroyed)"
    print("  %-11s %-11s %s" % (p["portId"], p.get("portName", ""), where))'
admin GET stats | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
ports = s["ports"]
destroyed = ports["listed"].get("DESTROYED", 0) + ports["unlisted"]
c = s["calls"]
print("ports created: %d (CreatePort calls; sin-edge)" % c["byAction"].get("CreatePort", 0))
print("ports destroyed: %d (Delete: fra, lax, sin-edge); recycled: %d (RecycleBin: sin); untouched: %d (Orphan: hkg)"
      % (destroyed, ports["listed"].get("RECYCLED", 0), ports["listed"].get("RUNNING", 0)))
print("Zenlayer API calls: %d  by action: %s" % (c["total"], json.dumps(c["byAction"], sort_keys=True)))
print("protocol violations: %d" % s["violations"]["count"])'
printf 'time from operator start to every resource gone: %.1f s (cloud delays: 1.5 s per async step)\n' \
  "$(/usr/bin/python3 -c "print($finished - $started)")"
if grep -qF "$ZENLAYERCLOUD_ACCESS_KEY_PASSWORD" "$workdir/operator.log"; then
  echo "the access key password appears in the operator's log"; exit 1
fi
