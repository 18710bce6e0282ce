"""The report: one table per run, each figure beside its target with PASS or MISS (targets of issue 7, stated
for 10,000 ports; at other sizes they are shown for comparison)."""

import bench_cluster as bc


def _verdict(ok):
    return "PASS" if ok else "MISS"


def _row(rows, name, value, target="", ok=None):
    rows.append((name, value, target, "" if ok is None else _verdict(ok)))


def operator_writes(writes, n):
    """Writes to ZenlayerPorts (object and status) minus the benchmark's own deletecollection."""
    total = sum(sum(v.values()) for r, v in writes.items() if r in (bc.ZPORTS, bc.STATUS))
    return total - 1


def deletion_table(f, delays, tuning):
    n = f["ports"]
    rows = []
    ideal = delays.terminate_s + delays.destroy_s + tuning.max_poll_s
    _row(rows, "wall time, first DELETE -> last resource gone", f"{f['wall_s']:.1f} s",
         f"<= 1.2 x ideal {ideal:.0f} s = {1.2 * ideal:.0f} s", f["wall_s"] <= 1.2 * ideal)
    for stage, (first, last) in f["stage_spans_s"].items():
        _row(rows, f"  {stage}: first / last, s after the first DELETE", f"{first:.1f} / {last:.1f}")
    calls = f["delete_calls"]
    per_port = sum(calls.values()) / n
    _row(rows, "Zenlayer calls per port (deletion)", f"{per_port:.3f}", "<= 2.1", per_port <= 2.1)
    for action in sorted(calls):
        _row(rows, f"  {action}", f"{calls[action] / n:.3f}")
    _row(rows, "  port ids per DescribePorts (whole run)", f"{f['describe_ids_per_call']:.1f}")
    w = f["delete_writes"]
    op_writes = operator_writes(w, n) / n
    _row(rows, "Kubernetes writes per port, deletion -> removal", f"{op_writes:.2f}", "<= 5", op_writes <= 5)
    for resource in sorted(w):
        for verb in sorted(w[resource]):
            count = w[resource][verb] - (1 if (resource, verb) == (bc.ZPORTS, "deletecollection") else 0)
            if count:
                _row(rows, f"  {resource} {verb}", f"{count / n:.2f}")
    _row(rows, "  (the benchmark's own deletecollection, excluded)", "1")
    events = sum(w.get(bc.EVENTS, {}).values())
    _row(rows, "Events written per port (apart), by the last resource gone", f"{events / n:.2f}")
    settled = sum(f["settled_writes"].get(bc.EVENTS, {}).values())
    _row(rows, f"  in all, {max(0.0, f['events_settled_s']):.1f} s later (held while reconciles queued)",
         f"{settled / n:.2f}")
    _row(rows, "operator peak RSS (VmHWM, restart + idle + deletion)", f"{f['peak_rss_mib']:.1f} MiB", "< 64 MiB",
         f["peak_rss_mib"] < 64)
    _row(rows, "operator CPU seconds during the deletion", f"{f['delete_cpu_s']:.1f} s")
    _row(rows, "  until the held Events were sent", f"{f['settled_cpu_s']:.1f} s")
    for name, cpu in sorted(f["emulator_cpu_s"].items()):
        _row(rows, f"  {name} CPU seconds (same span)", f"{cpu:.1f} s")
    lat = f["gone_latency_s"]
    p50, p99 = bc.percentile(lat, 50), bc.percentile(lat, 99)
    _row(rows, "port DESTROYED -> resource gone, p50", f"{p50:.2f} s")
    _row(rows, "port DESTROYED -> resource gone, p99", f"{p99:.2f} s",
         f"< 2 poll intervals = {2 * tuning.max_poll_s:g} s", p99 < 2 * tuning.max_poll_s)
    _row(rows, "  samples (ports with destroyedAt and a DELETED event)", f"{len(lat)}")
    _row(rows, "idle CPU, N Ready resources, nothing pending",
         f"{f['idle_cpu_s']:.2f} s in {f['idle_s']:g} s ({100 * f['idle_cpu_s'] / f['idle_s']:.2f}%)",
         "near zero (< 1%)", f["idle_cpu_s"] / f["idle_s"] < 0.01)
    _row(rows, "  Zenlayer calls / Kubernetes writes while idle", f"{f['idle_calls']} / {f['idle_writes']}")
    _row(rows, "memory of N idle resources (RSS)", f"{f['idle_rss_mib']:.1f} MiB", "< 64 MiB",
         f["idle_rss_mib"] < 64)
    _row(rows, "startup -> /readyz 200", f"{f['startup_ready_s']:.2f} s")
    _row(rows, "startup -> every port observed", f"{f['startup_observed_s']:.2f} s")
    start_calls = sum(f["startup_calls"].values())
    start_writes = sum(sum(v.values()) for v in f["startup_writes"].values())
    _row(rows, "  Zenlayer calls / Kubernetes writes of the restart", f"{start_calls} / {start_writes}")
    _row(rows, "adoption of N new resources (all Ready)", f"{f['adopt_s']:.1f} s")
    ok = f["violations"] == 0 and f["not_destroyed"] == 0 and f["sigterm_exit"] == 0
    _row(rows, "protocol violations / ports not DESTROYED / exit on SIGTERM",
         f"{f['violations']} / {f['not_destroyed']} / {f['sigterm_exit']}", "0 / 0 / 0", ok)
    return rows, ok


def shard_table(f, delays, tuning):
    n = f["ports"]
    rows = []
    ideal = delays.terminate_s + delays.destroy_s + tuning.max_poll_s
    _row(rows, "wall time, first DELETE -> last resource gone", f"{f['wall_s']:.1f} s",
         f"<= 1.2 x ideal = {1.2 * ideal:.0f} s", f["wall_s"] <= 1.2 * ideal)
    per_port = sum(f["cloud_calls"].values()) / n
    _row(rows, "Zenlayer calls per port (both operators)", f"{per_port:.3f}", "<= 2.1", per_port <= 2.1)
    for sh, o in sorted(f["per_operator"].items()):
        calls = ", ".join(f"{a} {int(c)}" for a, c in sorted(o["calls"].items()))
        _row(rows, f"operator {sh}: Zenlayer calls (its /metrics)", calls)
        _row(rows, f"operator {sh}: resources in its log / outside its shard",
             f"{o['resources_logged']} / {o['resources_logged_outside_shard']}", "N/2 / 0",
             o["resources_logged"] == n // 2 and o["resources_logged_outside_shard"] == 0)
        _row(rows, f"operator {sh}: ports it mutated outside its shard", f"{o['ports_mutated_outside_shard']}", "0",
             o["ports_mutated_outside_shard"] == 0)
        _row(rows, f"operator {sh}: resources outside its shard with its Events",
             f"{o['events_by_this_operator_outside_shard']}", "0", o["events_by_this_operator_outside_shard"] == 0)
        _row(rows, f"operator {sh}: CPU s during deletion / peak RSS",
             f"{o['cpu_s']:.1f} s / {o['peak_rss_mib']:.1f} MiB")
    _row(rows, "resources named in both operators' logs", f"{f['resources_in_both_logs']}", "0",
         f["resources_in_both_logs"] == 0)
    _row(rows, "resources with Events from both operators (server side)",
         f"{f['resources_with_events_from_both']}", "0", f["resources_with_events_from_both"] == 0)
    _row(rows, "operators' call counts sum to the emulator's", "yes" if f["calls_match"] else "no", "yes",
         f["calls_match"])
    exits = "/".join(str(o["sigterm_exit"]) for _, o in sorted(f["per_operator"].items()))
    disjoint = f["resources_in_both_logs"] == 0 and f["resources_with_events_from_both"] == 0 and f["calls_match"] \
        and all(o["resources_logged_outside_shard"] == 0 and o["ports_mutated_outside_shard"] == 0
                and o["events_by_this_operator_outside_shard"] == 0 for o in f["per_operator"].values())
    ok = f["violations"] == 0 and f["not_destroyed"] == 0 and exits == "0/0" and disjoint
    _row(rows, "protocol violations / ports not DESTROYED / exits on SIGTERM",
         f"{f['violations']} / {f['not_destroyed']} / {exits}", "0 / 0 / 0/0", ok)
    return rows, ok


def render(title, rows):
    widths = [max(len(str(r[i])) for r in rows + [("figure", "value", "target", "")]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    out = [f"\n== {title}", "  ".join(h.ljust(w) for h, w in zip(("figure", "value", "target", ""), widths)), line]
    for r in rows:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    return "\n".join(out)
