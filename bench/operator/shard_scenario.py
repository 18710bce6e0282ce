"""Two operators split one fleet: --label-selector shard=a / shard=b, each with its own Lease, N/2 resources each,
all deleted together. Shows who touched what from three independent records:
  - the Kubernetes Events each operator wrote (server side; reportingInstance is the operator's --identity),
  - each operator's own log (every step names its resource; every accepted mutation its port),
  - each operator's zenlayer_api_requests_total, summed against the Zenlayer emulator's own counts.
Returns a dict of figures (see figures_table.py)."""

import collections
import json
import time
import urllib.request

import bench_cluster as bc
import proc_usage
from gone_watch import GoneWatch

s = bc.s
SHARDS = ("a", "b")


def shard_args(shard):
    return ["--namespace", "default", "--label-selector", f"shard={shard}", "--leader-elect",
            "--leader-election-namespace", "default", "--leader-election-id", f"zpo-bench-{shard}",
            "--identity", f"bench-op-{shard}"]


def events_by_resource(cluster):
    """{resource name: {reportingInstance}} of every Event in the namespace."""
    with urllib.request.urlopen(f"{cluster.kube.url}/api/v1/namespaces/default/events", timeout=120) as reply:
        items = json.loads(reply.read())["items"]
    out = collections.defaultdict(set)
    for e in items:
        out[e.get("involvedObject", {}).get("name")].add(e.get("reportingInstance") or e.get("source", {}).get("host"))
    return out


def logged(op):
    """(resources named, ports mutated) in an operator's log."""
    resources, ports = set(), set()
    for line in op.log_lines():
        if isinstance(line.get("resource"), str):
            resources.add(line["resource"].split("/", 1)[-1])
        if line.get("msg") == "mutation accepted":
            ports.add(line.get("portId"))
    return resources, ports


def run(binaries, n, delays, tuning, log=print):
    cluster = bc.BenchCluster(binaries, delays)
    ops = {}
    try:
        names = {sh: [f"{sh}-{i:05d}" for i in range(n // 2)] for sh in SHARDS}
        ids = {sh: cluster.zenlayer.seed([{"portId": f"port-{x}"} for x in names[sh]]) for sh in SHARDS}
        everyone = names["a"] + names["b"]
        shard_of = {x: sh for sh in SHARDS for x in names[sh]}
        cluster.create_resources(everyone, ids["a"] + ids["b"], labels=lambda x: {"shard": shard_of[x]})
        for sh in SHARDS:
            ops[sh] = s.Operator(cluster.kube.kubeconfig, cluster.zenlayer.url, cluster.zenlayer.access_key_id,
                                 cluster.zenlayer.password, shard_args(sh), name=f"operator-{sh}",
                                 tuning=tuning.args())
        cluster.wait_phase_count("Ready", n, timeout=60 + n / 20)
        cluster.wait_quiet()
        log(f"  two shards: all {n} Ready")

        _, rv = cluster.list_page()
        watch = GoneWatch(cluster.kube.url, s.API + "/namespaces/default/zenlayerports", rv)
        calls_before = cluster.zenlayer_calls()
        metric_before = {sh: {a: ops[sh].metric_sum("zenlayer_api_requests_total", f'action="{a}"')
                              for a in ("DescribePorts", "TerminatePort", "DestroyPort")} for sh in SHARDS}
        cpu0 = {sh: proc_usage.cpu_seconds(ops[sh].process.pid) for sh in SHARDS}
        started_wall = time.time()
        cluster.delete_collection("shard in (a,b)")
        s.wait_until(lambda: watch.count() >= n, 120 + delays.terminate_s + delays.destroy_s + n / 50,
                     interval=0.2, message=f"every resource gone ({watch.count()} of {n})")
        gone = watch.snapshot()
        watch.stop()
        figures = {"ports": n, "wall_s": max(gone.values()) - started_wall}
        calls = bc.calls_between(calls_before, cluster.zenlayer_calls())
        figures["cloud_calls"] = calls
        per_op = {}
        # Every Event in, including those the operators held through the burst (CPU figures include them).
        cluster.wait_quiet()
        events = events_by_resource(cluster)
        for sh in SHARDS:
            op = ops[sh]
            resources, ports = logged(op)
            mine = set(names[sh])
            made = {a: op.metric_sum("zenlayer_api_requests_total", f'action="{a}"') - metric_before[sh][a]
                    for a in metric_before[sh]}
            per_op[sh] = {
                "resources_logged": len(resources),
                "resources_logged_outside_shard": len(resources - mine),
                "ports_mutated_outside_shard": len(ports - set(ids[sh])),
                "events_by_this_operator_outside_shard": sum(
                    1 for x, who in events.items() if f"bench-op-{sh}" in who and x not in mine),
                "calls": made,
                "cpu_s": proc_usage.cpu_seconds(op.process.pid) - cpu0[sh],
                "peak_rss_mib": proc_usage.peak_rss_mib(op.process.pid),
                "sigterm_exit": op.terminate(),
            }
        logs = {sh: logged(ops[sh])[0] for sh in SHARDS}
        figures["per_operator"] = per_op
        figures["resources_in_both_logs"] = len(logs["a"] & logs["b"])
        figures["resources_with_events_from_both"] = sum(1 for who in events.values() if len(who) > 1)
        figures["calls_match"] = all(
            abs(sum(per_op[sh]["calls"][a] for sh in SHARDS) - calls.get(a, 0)) < 0.5 for a in metric_before["a"])
        ports = cluster.zenlayer.ports()
        figures["not_destroyed"] = sum(1 for sh in SHARDS for p in ids[sh] if ports[p]["portStatus"] != "DESTROYED")
        figures["violations"] = cluster.zenlayer.stats()["violations"]["count"]
        log(f"  two shards: all {n} gone {figures['wall_s']:.1f} s after the first DELETE")
        return figures
    finally:
        for op in ops.values():
            op.cleanup()
        cluster.stop()
