"""The operator at scale, one command, one table per run:

    cmake --build BUILD --target bench_operator          # 1,000 and 10,000 ports, then two shards of 5,000
    cmake --build BUILD --target bench_operator_delete   # 1,000 ports only

or by hand (--ports 200 for a quick look; --ports may be repeated; --shards 0 skips the two-shard run):

    /usr/bin/python3 bench/operator/bench_operator.py --kube-emulator BIN --zenlayer-emulator BIN \
        --operator BIN --crd crds/sdn.zenlayer.com_zenlayerports.yaml [--ports 1000 --ports 10000] [--shards 10000]

Each run: N ports seeded in zenlayer-emulator, N ZenlayerPorts adopting them (all Ready), the operator restarted
(startup-to-ready, then idle CPU and memory over --idle-seconds), then all N deleted together (wall time against
the ideal, Zenlayer calls and Kubernetes writes per port, peak RSS, CPU, and "port DESTROYED -> resource gone"
from the emulator's destroyedAt and a watch's DELETED events). Exits 1 when a correctness check fails (protocol
violation, port left, resource in both shards); a missed performance target is printed as MISS, not failed.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_cluster as bc  # noqa: E402
import delete_scenario  # noqa: E402
import figures_table  # noqa: E402
import shard_scenario  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kube-emulator", required=True)
    p.add_argument("--zenlayer-emulator", required=True)
    p.add_argument("--operator", required=True)
    p.add_argument("--crd", required=True)
    p.add_argument("--ports", type=int, action="append", help="N of a deletion run (repeatable; default 1000)")
    p.add_argument("--shards", type=int, default=0, help="ports of the two-shard run (0: none)")
    p.add_argument("--stage-seconds", type=float, default=20, help="cloud delay of TerminatePort and of DestroyPort")
    p.add_argument("--poll-interval", type=float, default=5, help="the operator's --poll-interval, seconds")
    p.add_argument("--max-poll-interval", type=float, default=5, help="the operator's --max-poll-interval, seconds")
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--zenlayer-qps", type=float, default=2000)
    p.add_argument("--idle-seconds", type=float, default=30)
    a = p.parse_args()
    binaries = argparse.Namespace(kube_emulator=a.kube_emulator, zenlayer_emulator=a.zenlayer_emulator,
                                  operator=a.operator, crd=a.crd)
    delays = bc.CloudDelays(a.stage_seconds, a.stage_seconds)
    tuning = bc.OperatorTuning(a.workers, a.poll_interval, a.max_poll_interval, a.zenlayer_qps,
                               int(max(1, a.zenlayer_qps)))
    print(f"cloud (zenlayer-emulator): {delays.describe()}")
    print(f"operator: {tuning.describe()}")
    print(f"ideal = TerminatePort delay + DestroyPort delay + one poll interval (--max-poll-interval) = "
          f"{delays.terminate_s + delays.destroy_s + tuning.max_poll_s:g} s; machine: {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    ok = True
    tables = []
    for n in a.ports or [1000]:
        print(f"-- deleting {n} ports", flush=True)
        t = time.monotonic()
        f = delete_scenario.run(binaries, n, delays, tuning, a.idle_seconds, log=lambda m: print(m, flush=True))
        rows, good = figures_table.deletion_table(f, delays, tuning)
        ok &= good
        tables.append(figures_table.render(f"{n} ports, one operator (run took {time.monotonic() - t:.0f} s)", rows))
        print(tables[-1], flush=True)
    if a.shards:
        print(f"-- two shards, {a.shards} ports", flush=True)
        f = shard_scenario.run(binaries, a.shards, delays, tuning, log=lambda m: print(m, flush=True))
        rows, good = figures_table.shard_table(f, delays, tuning)
        ok &= good
        tables.append(figures_table.render(f"{a.shards} ports, two shards (shard=a / shard=b, own Leases)", rows))
        print(tables[-1], flush=True)
    if len(tables) > 1:
        print("\n\n==== summary" + "".join(tables))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
