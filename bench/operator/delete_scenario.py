"""One operator and N ports, in the order a fleet lives it: N resources adopt N seeded ports (all Ready); the
operator restarts (startup-to-ready with N resources, and the memory and CPU of N idle resources); then all N are
deleted together and the figures of the deletion are taken. Returns a dict of figures (see figures_table.py)."""

import time

import bench_cluster as bc
import proc_usage
from gone_watch import GoneWatch

s = bc.s


def start_operator(cluster, tuning, name="operator", extra=()):
    return s.Operator(cluster.kube.kubeconfig, cluster.zenlayer.url, cluster.zenlayer.access_key_id,
                      cluster.zenlayer.password, list(extra), name=name, tuning=tuning.args())


def wait_ready_endpoint(op, timeout=120):
    s.wait_until(lambda: op.get("/readyz")[0] == 200, timeout, interval=0.01, message=f"{op.name} /readyz")


def wait_all_observed(cluster, port_ids, since_seq, timeout=300):
    """Until every port has been in a DescribePorts call made after call-log sequence `since_seq`."""
    missing = set(port_ids)
    seq = since_seq
    deadline = time.monotonic() + timeout
    while missing:
        page = cluster.zenlayer.admin("GET", f"calls?since={seq}")
        for call in page["calls"]:
            if call["action"] == "DescribePorts":
                missing.difference_update(call.get("portIds", []))
        seq = page.get("lastSeq", seq)
        if not missing:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(missing)} ports never observed after the restart")
        time.sleep(0.02)


def call_log_seq(cluster):
    return cluster.zenlayer.admin("GET", "calls?since=999999999999")["lastSeq"]


def stage_spans(calls, gone, since):
    """Where the wall time goes: when (seconds after the first DELETE) the first and the last TerminatePort and
    DestroyPort went out and the first and the last resource went."""
    spans = {}
    for action in ("TerminatePort", "DestroyPort"):
        times = [bc.parse_utc_millis(c["time"]) - since for c in calls if c["action"] == action]
        if times:
            spans[action] = (min(times), max(times))
    if gone:
        spans["resource gone"] = (min(gone.values()) - since, max(gone.values()) - since)
    return spans


def run(binaries, n, delays, tuning, idle_seconds, log=print):
    cluster = bc.BenchCluster(binaries, delays)
    op = None
    try:
        figures = {"ports": n}
        names = [f"bench-{i:05d}" for i in range(n)]
        port_ids = cluster.zenlayer.seed({"count": n})
        t = time.monotonic()
        cluster.create_resources(names, port_ids)
        log(f"  {n} resources created in {time.monotonic() - t:.1f} s")

        # Adoption: finalizer, first observation, Ready.
        op = start_operator(cluster, tuning, name="adopter")
        t = time.monotonic()
        cluster.wait_phase_count("Ready", n, timeout=60 + n / 20)
        cluster.wait_quiet()
        figures["adopt_s"] = time.monotonic() - t
        log(f"  adoption: all {n} Ready in {figures['adopt_s']:.1f} s")
        code = op.terminate()
        op.cleanup()
        op = None
        if code != 0:
            raise AssertionError(f"the adopting operator exited {code} on SIGTERM")

        # Restart with N Ready resources: startup-to-ready, then the idle operator.
        seq = call_log_seq(cluster)
        calls_before = cluster.zenlayer_calls()
        writes_before = cluster.kube_writes()
        started = time.monotonic()
        op = start_operator(cluster, tuning)
        wait_ready_endpoint(op)
        figures["startup_ready_s"] = time.monotonic() - started
        wait_all_observed(cluster, port_ids, seq)
        figures["startup_observed_s"] = time.monotonic() - started
        cluster.wait_quiet()
        figures["startup_calls"] = bc.calls_between(calls_before, cluster.zenlayer_calls())
        figures["startup_writes"] = bc.writes_between(writes_before, cluster.kube_writes())
        log(f"  restart: /readyz after {figures['startup_ready_s']:.2f} s, every port observed after "
            f"{figures['startup_observed_s']:.2f} s")

        pid = op.process.pid
        cpu0, writes0, calls0 = proc_usage.cpu_seconds(pid), cluster.kube_writes_total(), cluster.zenlayer_calls()
        time.sleep(idle_seconds)
        figures["idle_s"] = idle_seconds
        figures["idle_cpu_s"] = proc_usage.cpu_seconds(pid) - cpu0
        figures["idle_writes"] = cluster.kube_writes_total() - writes0
        figures["idle_calls"] = sum(bc.calls_between(calls0, cluster.zenlayer_calls()).values())
        figures["idle_rss_mib"] = proc_usage.rss_mib(pid)
        log(f"  idle {idle_seconds:g} s: {figures['idle_cpu_s']:.2f} CPU s, RSS {figures['idle_rss_mib']:.1f} MiB")

        # The deletion.
        _, rv = cluster.list_page()
        watch = GoneWatch(cluster.kube.url, s.API + "/namespaces/default/zenlayerports", rv)
        emulator_pids = {"kube-emulator": cluster.kube.process.pid, "zenlayer-emulator": cluster.zenlayer.process.pid}
        emulator_cpu0 = {k: proc_usage.cpu_seconds(p) for k, p in emulator_pids.items()}
        writes_before, calls_before = cluster.kube_writes(), cluster.zenlayer_calls()
        rss = bc.Sampler(lambda: proc_usage.rss_mib(pid))
        cpu0 = proc_usage.cpu_seconds(pid)
        deleting_wall = time.time()
        deleting = time.monotonic()
        cluster.delete_collection()
        figures["delete_requests_s"] = time.monotonic() - deleting
        s.wait_until(lambda: watch.count() >= n, 120 + delays.terminate_s + delays.destroy_s + n / 50,
                     interval=0.2, message=f"every resource gone ({watch.count()} of {n})")
        gone = watch.snapshot()
        watch.stop()
        figures["wall_s"] = max(gone.values()) - deleting_wall
        figures["delete_cpu_s"] = proc_usage.cpu_seconds(pid) - cpu0
        figures["emulator_cpu_s"] = {k: proc_usage.cpu_seconds(p) - emulator_cpu0[k]
                                     for k, p in emulator_pids.items()}
        rss.stop()
        figures["peak_rss_mib"] = proc_usage.peak_rss_mib(pid)
        figures["delete_writes"] = bc.writes_between(writes_before, cluster.kube_writes())
        figures["delete_calls"] = bc.calls_between(calls_before, cluster.zenlayer_calls())
        # The operator holds Events while its reconciles queue up: the last ones go out after the last resource
        # is gone. Counted once writes stop (3 s without one), with the CPU they took.
        all_gone = time.monotonic()
        cluster.wait_quiet()
        figures["events_settled_s"] = time.monotonic() - all_gone - 3.0
        figures["settled_cpu_s"] = proc_usage.cpu_seconds(pid) - cpu0
        figures["settled_writes"] = bc.writes_between(writes_before, cluster.kube_writes())

        # Port DESTROYED (the emulator's own instant) -> resource gone (the watch's DELETED).
        ports = cluster.zenlayer.ports()
        latencies = []
        for name, port_id in zip(names, port_ids):
            destroyed = ports[port_id].get("internal", {}).get("destroyedAt")
            if destroyed and name in gone:
                latencies.append(gone[name] - bc.parse_utc_millis(destroyed))
        figures["gone_latency_s"] = latencies
        figures["not_destroyed"] = sum(1 for p in port_ids if ports[p]["portStatus"] != "DESTROYED")
        stats = cluster.zenlayer.stats()
        figures["violations"] = stats["violations"]["count"]
        figures["duplicate_terminates"] = stats["duplicateTerminates"]
        calls = cluster.zenlayer.calls()
        describes = [c for c in calls if c["action"] == "DescribePorts"]
        figures["stage_spans_s"] = stage_spans(calls, gone, deleting_wall)
        figures["describe_ids_per_call"] = (sum(len(c.get("portIds", [])) for c in describes) / len(describes)
                                            if describes else 0)
        figures["sigterm_exit"] = op.terminate()
        log(f"  deletion: all {n} gone {figures['wall_s']:.1f} s after the first DELETE "
            f"(the deletecollection took {figures['delete_requests_s']:.1f} s)")
        return figures
    finally:
        if op:
            op.cleanup()
        cluster.stop()
