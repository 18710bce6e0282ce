"""The 1,000-port figures: seeds 1,000 cloud ports, applies 1,000 ZenlayerPorts, waits until the operator shows them
all Ready, deletes them all and waits until every resource is gone. Prints Zenlayer API calls per port (by action),
Kubernetes writes per port, DescribePorts batching, the operator's peak memory and the wall time against the
emulator's configured cloud delays. Run by `cmake --build BUILD --target bench_operator_delete`, or by hand:

    /usr/bin/python3 bench/operator/delete_1000.py --kube-emulator BIN --zenlayer-emulator BIN --operator BIN \
        --crd crds/sdn.zenlayer.com_zenlayerports.yaml [--ports 1000] [--workers 4] [--zenlayer-qps 10]
"""

import argparse
import collections
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "operator_e2e"))
import operator_support as s  # noqa: E402  (needs the path above)

# The cloud's asynchronous steps as configured in the emulator: TerminatePort -> RECYCLED after TERMINATE_MS (and
# LAG_POLLS DescribePorts that still read RUNNING), DestroyPort -> DESTROYED after DESTROY_MS, listed VISIBLE_MS.
TERMINATE_MS, LAG_POLLS, DESTROY_MS, VISIBLE_MS = 2000, 2, 2000, 1000


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def writes_by_resource(kube):
    return {res: sum(verbs.values()) for res, verbs in kube.admin("GET", "/admin/stats")["writes"].items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kube-emulator", required=True)
    parser.add_argument("--zenlayer-emulator", required=True)
    parser.add_argument("--operator", required=True)
    parser.add_argument("--crd", required=True)
    parser.add_argument("--ports", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--zenlayer-qps", type=int, default=10, help="the operator's client rate (its default: 10)")
    args = parser.parse_args()
    n = args.ports
    s.Options.zenlayer_emulator = args.zenlayer_emulator
    s.Options.operator = args.operator
    s.e2e_support.Options.emulator = args.kube_emulator
    s.e2e_support.Options.crd = args.crd

    kube = s.e2e_support.Emulator(["--history", "100000"])
    zenlayer = s.ZenlayerEmulator(["--terminate-delay-ms", str(TERMINATE_MS), "--terminate-lag-polls", str(LAG_POLLS),
                                   "--destroy-delay-ms", str(DESTROY_MS), "--destroyed-visible-ms", str(VISIBLE_MS)])
    api = s.KubeApi(kube.url)
    operator = None
    try:
        ids = zenlayer.seed({"count": n})
        operator = s.Operator(kube.kubeconfig, zenlayer.url, zenlayer.access_key_id, zenlayer.password,
                              name="operator", tuning=["--workers", str(args.workers), "--log-level", "info",
                                                       "--poll-interval", "500ms", "--max-poll-interval", "2s",
                                                       "--zenlayer-qps", str(args.zenlayer_qps),
                                                       "--zenlayer-burst", str(2 * args.zenlayer_qps)])
        names = [f"bench-{i:04d}" for i in range(n)]

        def create(pair):
            name, port_id = pair
            status, body = s.http_json("POST", api.zports_url(), s.port_manifest(name, port_id))
            if status != 201:
                raise RuntimeError(f"create {name}: {status} {body}")

        def delete(name):
            status, body = s.http_json("DELETE", api.zports_url(name))
            if status not in (200, 202):
                raise RuntimeError(f"delete {name}: {status} {body}")

        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(create, zip(names, ids)))
        s.wait_until(lambda: sum(o.get("status", {}).get("phase") == "Ready" for o in api.list_zports().values()) == n,
                     300, interval=0.5, message=f"{n} ports Ready")
        ready_s = time.monotonic() - started
        calls_at_ready = zenlayer.stats()["calls"]["byAction"]
        writes_at_ready = writes_by_resource(kube)

        deleting = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(delete, names))
        s.wait_until(lambda: not api.list_zports(), 600, interval=0.5, message="every resource gone")
        delete_s = time.monotonic() - deleting
        peak = peak_rss_kib(operator.process.pid)
        sigterm = operator.terminate()

        stats = zenlayer.stats()
        writes = writes_by_resource(kube)
        describes = [c for c in zenlayer.calls() if c["action"] == "DescribePorts"]
        ids_per_call = [len(c.get("portIds", [])) for c in describes]
        ports = zenlayer.ports()
        left = collections.Counter(ports[p]["portStatus"] for p in ids if ports[p]["portStatus"] != "DESTROYED")

        print(f"\n== {n} ports, operator --workers {args.workers} --poll-interval 500ms --max-poll-interval 2s "
              f"--zenlayer-qps {args.zenlayer_qps}")
        print(f"cloud delays: TerminatePort->RECYCLED {TERMINATE_MS} ms (+{LAG_POLLS} lagging polls), "
              f"DestroyPort->DESTROYED {DESTROY_MS} ms, DESTROYED listed {VISIBLE_MS} ms "
              f"(one port's floor: {(TERMINATE_MS + DESTROY_MS) / 1000:.1f} s)")
        mutations = stats["calls"]["total"] - sum(calls_at_ready.values())  # the calls made while deleting
        print(f"wall time: create+adopt to all Ready {ready_s:.1f} s; delete to all gone {delete_s:.1f} s "
              f"(the client's rate alone needs {mutations / args.zenlayer_qps:.1f} s for the "
              f"{mutations} calls made while deleting)")
        print("Zenlayer API calls per port (adoption / whole run):")
        for action in sorted(stats["calls"]["byAction"]):
            whole = stats["calls"]["byAction"][action]
            print(f"  {action:15s} {calls_at_ready.get(action, 0) / n:6.3f} / {whole / n:6.3f}")
        print(f"  total           {stats['calls']['total'] / n:6.3f}   (codes {dict(stats['calls']['byCode'])})")
        if ids_per_call:
            print(f"DescribePorts: {len(ids_per_call)} calls, {sum(ids_per_call) / len(ids_per_call):.1f} port ids "
                  f"per call on average, at most {max(ids_per_call)}")
        print("Kubernetes writes per port (adoption / whole run; the benchmark itself makes 1 create + 1 delete):")
        for res in sorted(writes):
            print(f"  {res:45s} {writes_at_ready.get(res, 0) / n:6.3f} / {writes[res] / n:6.3f}")
        print(f"  total                                         {sum(writes.values()) / n:6.3f}")
        print(f"operator peak RSS (VmHWM): {peak / 1024:.1f} MiB; exit code on SIGTERM: {sigterm}")
        print(f"protocol violations: {stats['violations']['count']}; duplicateTerminates: "
              f"{stats['duplicateTerminates']}; ports not DESTROYED: {dict(left) or 0}")
        return 0 if stats["violations"]["count"] == 0 and not left and sigterm == 0 else 1
    finally:
        if operator:
            operator.cleanup()
        zenlayer.stop(check=False)
        kube.stop()


if __name__ == "__main__":
    sys.exit(main())
