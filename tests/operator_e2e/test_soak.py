"""Soak: a few hundred ports created and deleted in waves for several minutes with every fault on at once.

Zenlayer throttles, answers 5xx, applies mutations then fails or garbles their reply; the Kubernetes API closes
watches, answers writes 409, expires watches with 410, refuses some requests 503 and pauses outright; two operators
campaign for one Lease, the leader is SIGKILLed at seeded moments (and restarted, as a kubelet would) and once
SIGTERMed so the other takes over. Each wave adopts seeded ports and has the operator create others from spec,
holds them Ready, then deletes them all. At the end:
- zero protocol violations (zenlayer-emulator /admin/stats);
- zero orphaned ports: every port whose resource was deleted with policy Delete is DESTROYED, Orphan ports are
  untouched, and every port the cloud holds is a seeded one or the single port of a resource created from spec;
- zero resources stuck (each wave is gone within a bound);
- at most one TerminatePort per port, plus one per fault or disruption that justified another;
- memory flat: the leader's VmRSS at the end of each wave, across waves served by one undisturbed process, grows
  less than max(10%, 4 MiB) after the first of them;
- the Zenlayer password never appears (as is, base64 or URL-encoded) in the operators' logs, Events, statuses,
  /metrics, or what either emulator logged or recorded.
A summary table of the figures is printed.

Sized by ZPO_SOAK_PORTS (240), ZPO_SOAK_WAVES (5, at least 3) and ZPO_SOAK_SECONDS (240: a wave faster than
SECONDS/WAVES holds its ports Ready for the rest, so the run lasts at least about that long; the throttled cloud
usually makes it longer); ZPO_SOAK_SEED (1) seeds the emulators and the disruptions.

    /usr/bin/python3 test_soak.py --kube-emulator BIN --zenlayer-emulator BIN --operator BIN \
        --crd crds/sdn.zenlayer.com_zenlayerports.yaml [--kubectl BIN]
"""

import json
import os
import random
import time

import operator_support as s
from soak_fleet import Fleet
from soak_secrets import SecretsScan

PORTS = int(os.environ.get("ZPO_SOAK_PORTS", "240"))
WAVES = max(3, int(os.environ.get("ZPO_SOAK_WAVES", "5")))
SECONDS = float(os.environ.get("ZPO_SOAK_SECONDS", "240"))
SEED = int(os.environ.get("ZPO_SOAK_SEED", "1"))

# Waves at the end left without kills or hand-overs, so one process serves them all and its memory can be
# compared across waves (the API-server pause still lands in one of them: it does not change the process).
QUIET_WAVES = 3
READY_BOUND = 150  # seconds for a wave's ports to be Ready
GONE_BOUND = 180  # seconds for a wave's resources to be gone after kubectl delete
RSS_SLACK_KIB = 4096
RSS_SLACK_RATIO = 0.10

# Random 429s do not ease off when the operator slows down, so the client's AIMD limiter (halve on 429, +0.1 QPS
# per success) settles near 1/(2 * throttleRate) QPS: about 10 here (4 with 5%, which doubled the run).
ZENLAYER_FAULTS = {"throttleRate": 0.02, "unavailableRate": 0.03, "internalErrorRate": 0.02,
                   "commitThenFailRate": 0.05, "commitThenFailMode": "either", "garbleRate": 0.01,
                   "latencyMs": 0, "latencyJitterMs": 40}
SECRET = "soak-creds"


class Disruption:
    """One thing the soak does at a seeded moment of a wave's phase ("create" or "delete")."""

    def __init__(self, wave, phase, offset, kind):
        self.wave, self.phase, self.offset, self.kind = wave, phase, offset, kind
        self.outcome = None

    def __repr__(self):
        return f"w{self.wave} {self.phase}+{self.offset:.1f}s {self.kind}: {self.outcome}"


def plan_disruptions(rng):
    """Kills in every wave but the quiet ones, a hand-over in the last disruptive wave's deletion, an API-server
    pause and explicit watch drops in the first wave and in a quiet one."""
    plan = []
    loud = range(0, WAVES - QUIET_WAVES) if WAVES > QUIET_WAVES else range(0, 1)
    for w in loud:
        for _ in range(rng.randint(1, 2)):
            plan.append(Disruption(w, rng.choice(("create", "delete")), rng.uniform(0.2, 4.0), "sigkill"))
    plan.append(Disruption(loud[-1], "delete", rng.uniform(0.5, 3.0), "handover"))
    for w in (0, WAVES - 2):
        plan.append(Disruption(w, rng.choice(("create", "delete")), rng.uniform(0.3, 3.0), "api-pause"))
        plan.append(Disruption(w, rng.choice(("create", "delete")), rng.uniform(0.3, 3.0), "close-watches"))
        plan.append(Disruption(w, rng.choice(("create", "delete")), rng.uniform(0.3, 3.0), "expire-watches"))
    return plan


class Soak(s.OperatorTestCase):

    kube_args = ("--watch-close-after-s", "3", "--conflict-rate", "0.05", "--expire-watch-rate", "0.2",
                 "--error-rate", "0.01", "--error-code", "503", "--seed", str(SEED), "--log-requests")
    # --log-requests / --log-calls: one line per request in each emulator's log, for the secrets grep (and the
    # kube-emulator's, to count the faults it injected).
    zenlayer_args = (*s.FAST_DELAYS, "--seed", str(SEED), "--log-calls")
    # --terminate-grace: a kill between the create-in-flight record and the CreatePort leaves nothing to find;
    # the create is sent again once 30 s passed with no port of that name (10 minutes by default). Not shorter:
    # within the grace an accepted TerminatePort is never repeated, after it a lagging RUNNING read is answered
    # with a second one (by design) — and under throttling the first read after a TerminatePort can come 5 s
    # late (seen with 3 s).
    operator_args = ("--terminate-grace", "30s", "--zenlayer-qps", "40", "--zenlayer-burst", "40")

    @classmethod
    def start_operators(cls, password):
        cls.fleet = Fleet(cls, password)
        cls.operator = None

    # -- helpers ---------------------------------------------------------------------------------------------

    def kubectl_retry(self, *args, stdin=None, attempts=30):
        """kubectl, retried while the kube-emulator injects 409s, 503s or a pause; returns stdout."""
        for _ in range(attempts):
            r = self.kubectl.run(*args, stdin=stdin)
            if r.returncode == 0:
                return r.stdout
            time.sleep(0.2)
        self.fail(f"kubectl {' '.join(args)} kept failing:\n{r.stderr}")

    def fire(self, d):
        started = time.monotonic()
        if d.kind == "sigkill":
            d.outcome = "killed " + self.fleet.kill_leader(self.rng)
        elif d.kind == "handover":
            frm, to = self.fleet.hand_over()
            d.outcome = f"{frm} -> {to}"
        elif d.kind == "api-pause":
            self.kube.admin("POST", "/admin/pause", {"seconds": 2})
            d.outcome = "paused 2s"
        elif d.kind == "close-watches":
            d.outcome = f"closed {self.kube.admin('POST', '/admin/close-watches')['closed']}"
        elif d.kind == "expire-watches":
            d.outcome = f"expired {self.kube.admin('POST', '/admin/expire-watches')['expired']}"
        d.outcome += f" ({time.monotonic() - started:.1f}s)"

    def drive(self, disruptions, predicate, timeout, message):
        """Polls predicate until true, firing the phase's disruptions at their offsets (all of them, even if the
        phase finished first) and restarting any operator that exited on its own."""
        started = time.monotonic()
        pending = sorted(disruptions, key=lambda d: d.offset)
        while True:
            elapsed = time.monotonic() - started
            while pending and pending[0].offset <= elapsed:
                self.fire(pending.pop(0))
            self.fleet.check_alive()
            if predicate() and not pending:
                return time.monotonic() - started
            if elapsed > timeout:
                raise AssertionError(f"timed out after {timeout}s waiting for "
                                     f"{message() if callable(message) else message}")
            time.sleep(0.2)

    def wave_objects(self, names):
        objects = self.api.list_zports()
        return {n: objects[n] for n in names if n in objects}

    def phases(self, names, but=None):
        """{name: phase} of the named resources that exist, except those in phase `but` (for failure messages)."""
        phases = {n: o.get("status", {}).get("phase") for n, o in self.wave_objects(names).items()}
        return {n: p for n, p in phases.items() if p != but}

    def snapshot(self):
        """Statuses and Events as the user sees them, kept for the secrets grep."""
        zports = self.kubectl_retry("get", "zenlayerports", "-o", "json")
        self.scan.add("ZenlayerPort statuses (kubectl get zenlayerports -o json)", zports)
        self.scan.add("Events (kubectl get events -A -o json)", self.kubectl_retry("get", "events", "-A", "-o", "json"))
        return json.loads(zports)

    def collect_metrics(self):
        for identity, op in self.fleet.ops.items():
            status, body = op.get("/metrics", op.metrics_port)
            if status == 200:
                self.scan.add(f"/metrics of {identity}", body)

    def manifests(self, wave, count):
        """Half adopted seeded ports (every tenth with policy Orphan), half created from spec; every fifth of
        each brings its own key in a Secret. Returns (manifests, adopted {name: portId}, created names, orphans)."""
        adopt = count // 2
        ids = self.zenlayer.seed([{"portId": f"port-soak-w{wave}-{i:02d}", "portName": f"seeded-w{wave}-{i:02d}"}
                                  for i in range(adopt)])
        items, adopted, created, orphans = [], {}, [], set()
        for i, port_id in enumerate(ids):
            name = f"soak-w{wave}-a{i:02d}"
            policy = "Orphan" if i % 10 == 9 else None
            items.append(s.port_manifest(name, port_id, policy=policy, secret=SECRET if i % 5 == 2 else None))
            adopted[name] = port_id
            if policy:
                orphans.add(name)
        for i in range(count - adopt):
            name = f"soak-w{wave}-c{i:02d}"
            item = s.create_manifest(name, name, dc_id=("SIN1", "HKG1", "FRA1")[i % 3])
            if i % 5 == 2:
                item["spec"]["credentialsSecretRef"] = {"name": SECRET}
            items.append(item)
            created.append(name)
        for item in items:
            item["metadata"]["labels"] = {"soak-wave": str(wave)}
        return items, adopted, created, orphans

    # -- the soak --------------------------------------------------------------------------------------------

    def test_soak(self):
        self.rng = random.Random(SEED)
        self.scan = SecretsScan([self.zenlayer.password])
        begun = time.monotonic()
        self.kubectl_retry("create", "secret", "generic", SECRET,
                           f"--from-literal=accessKeyId={self.zenlayer.access_key_id}",
                           f"--from-literal=accessKeyPassword={self.zenlayer.password}")
        self.zenlayer.admin("PUT", "faults", ZENLAYER_FAULTS)
        plan = plan_disruptions(self.rng)
        sizes = [PORTS // WAVES + (1 if w < PORTS % WAVES else 0) for w in range(WAVES)]
        per_wave = SECONDS / WAVES
        delete_estimate = 15.0

        adopted_all, created_all, orphans_all, created_port = {}, [], set(), {}
        wave_of = {}
        rows = []
        for wave, count in enumerate(sizes):
            start = time.monotonic()
            mine = [d for d in plan if d.wave == wave]
            pids_before = self.fleet.pids()
            leader_before = self.fleet.leader().identity
            items, adopted, created, orphans = self.manifests(wave, count)
            names = [i["metadata"]["name"] for i in items]
            adopted_all.update(adopted)
            created_all += created
            orphans_all |= orphans
            wave_of.update({n: wave for n in names})

            applying = time.monotonic()
            self.kubectl_retry("apply", "-f", "-", stdin=s.manifest_list(items))
            self.drive([d for d in mine if d.phase == "create"],
                                 lambda: sum(o.get("status", {}).get("phase") == "Ready"
                                             for o in self.wave_objects(names).values()) == count,
                                 READY_BOUND, lambda: f"wave {wave}: {count} ports Ready (not yet: "
                                 f"{self.phases(names, but='Ready')})")
            ready_s = time.monotonic() - applying
            objects = {o["metadata"]["name"]: o for o in self.snapshot()["items"]}
            for name in created:
                created_port[name] = objects[name]["status"]["portId"]

            # Hold the ports Ready (resyncs, watch drops and faults go on) so the run lasts about SECONDS.
            hold_until = start + per_wave - delete_estimate
            while time.monotonic() < hold_until:
                self.fleet.check_alive()
                time.sleep(0.5)

            deleting = time.monotonic()
            for _ in range(60):  # kubectl delete meets the injected 409s and 503s too
                self.kubectl.run("delete", "zenlayerports", "-l", f"soak-wave={wave}", "--wait=false")
                if all("deletionTimestamp" in o["metadata"] for o in self.wave_objects(names).values()):
                    break
                time.sleep(0.2)
            else:
                self.fail(f"wave {wave}: kubectl delete never marked every resource deleted")
            self.snapshot()
            gone_s = self.drive([d for d in mine if d.phase == "delete"], lambda: not self.wave_objects(names),
                                GONE_BOUND, lambda: f"wave {wave}: resources gone (left: {self.phases(names)})")
            delete_estimate = time.monotonic() - deleting

            leader = self.fleet.leader()
            self.collect_metrics()
            rss = self.fleet.rss()
            undisturbed = (self.fleet.pids() == pids_before and leader.identity == leader_before
                           and not any(d.kind in ("sigkill", "handover") for d in mine))
            rows.append({"wave": wave, "ports": count, "ready_s": ready_s, "gone_s": gone_s,
                         "leader": leader.identity, "pid": leader.process.pid, "rss_kib": rss[leader.identity][1],
                         "undisturbed": undisturbed, "disruptions": mine,
                         "all_rss": rss, "seconds": time.monotonic() - start})
            print(f"wave {wave}: {count} ports Ready in {ready_s:.1f}s, gone in {gone_s:.1f}s; leader "
                  f"{leader.identity} pid {leader.process.pid} VmRSS {rss[leader.identity][1]} KiB; "
                  f"{mine}", flush=True)

        duration = time.monotonic() - begun
        self.snapshot()
        self.collect_metrics()
        self.zenlayer.admin("PUT", "faults", {k: 0 for k in ZENLAYER_FAULTS if k != "commitThenFailMode"})

        # Every operator process stayed up unless the soak stopped it.
        self.assertEqual(self.fleet.unexpected_exits, [], "operators exited on their own")
        # Nothing stuck.
        self.assertEqual(sorted(self.api.list_zports()), [], "resources left after the last wave")

        # Protocol and ports.
        stats = self.assert_no_violations()
        calls = self.zenlayer.calls()
        ports = self.zenlayer.ports()
        seeded_ids = set(adopted_all.values())
        unaccounted = {p: (v.get("portName"), v["portStatus"]) for p, v in ports.items()
                       if p not in seeded_ids and v.get("portName") not in created_port}
        self.assertEqual(unaccounted, {}, "ports that no resource accounts for")
        for name in created_all:
            mine = [p for p in ports.values() if p.get("portName") == name]
            self.assertEqual([p["portId"] for p in mine], [created_port[name]],
                             f"{name}: one port per resource, ever, and the one its status named")
        creates = [c for c in calls if c["action"] == "CreatePort"]
        committed_creates = sum(c["committed"] for c in creates)
        self.assertEqual(committed_creates, len(created_all), "committed CreatePort calls")
        deleted_ids = {n: p for n, p in adopted_all.items() if n not in orphans_all}
        deleted_ids.update(created_port)
        left = {n: (p, ports.get(p, {}).get("portStatus")) for n, p in deleted_ids.items()
                if p in ports and ports[p]["portStatus"] != "DESTROYED"}
        self.assertEqual(left, {}, "ports of resources deleted with policy Delete not DESTROYED")
        for name in orphans_all:
            port_id = adopted_all[name]
            self.assertEqual(ports[port_id]["portStatus"], "RUNNING", f"Orphan port {port_id} was touched")
            mutations = [c["action"] for c in calls if c.get("portId") == port_id and c["action"] in s.MUTATIONS]
            self.assertEqual(mutations, [], f"a mutation on Orphan port {port_id}")

        # At most one TerminatePort per port, plus one per fault on it and one per disruption in its wave.
        disruptions_in = {r["wave"]: sum(d.kind in ("sigkill", "handover", "api-pause") for d in r["disruptions"])
                          for r in rows}
        for name, port_id in deleted_ids.items():
            s.check_call_log(self, calls, port_id, terminates=1 + disruptions_in[wave_of[name]])
        allowed_duplicates = sum(disruptions_in[wave_of[n]] for n in deleted_ids) + sum(
            1 for c in calls if c["action"] == "TerminatePort" and (c["fault"] or c["httpStatus"] >= 429))
        self.assertLessEqual(stats["duplicateTerminates"], allowed_duplicates)

        # Memory flat across the waves one undisturbed process served.
        # A run: consecutive waves one process served from start to end. The end of its first wave is the
        # baseline (a process that took over mid-wave, or just started, is still warming up).
        runs = []
        for r in rows:
            if not r["undisturbed"]:
                continue
            if runs and runs[-1][-1]["pid"] == r["pid"] and runs[-1][-1]["wave"] == r["wave"] - 1:
                runs[-1].append(r)
            else:
                runs.append([r])
        runs = [run for run in runs if len(run) >= 2]
        self.assertTrue(any(len(run) >= min(3, WAVES - 1) for run in runs),
                        f"no process served {min(3, WAVES - 1)} waves undisturbed: "
                        f"{[(r['wave'], r['pid'], r['undisturbed']) for r in rows]}")
        growth = []
        for run in runs:
            base = run[0]["rss_kib"]
            bound = max(base * RSS_SLACK_RATIO, RSS_SLACK_KIB)
            for r in run[1:]:
                growth.append((r["pid"], r["wave"], r["rss_kib"] - base, bound))
                self.assertLess(r["rss_kib"] - base, bound,
                                f"pid {r['pid']}: VmRSS grew from {base} KiB (wave {run[0]['wave']}) to "
                                f"{r['rss_kib']} KiB (wave {r['wave']})")

        # The secrets grep, over every source.
        for identity, op in self.fleet.ops.items():
            self.scan.add(f"log of {identity} (stdout+stderr, all restarts)", op.log_text())
        with open(self.kube.log_path, "rb") as f:
            self.scan.add("kube-emulator log", f.read().decode(errors="replace"))
        self.scan.add("kube-emulator /admin/stats", json.dumps(self.kube.admin("GET", "/admin/stats")))
        with open(self.zenlayer.log_path, "rb") as f:
            self.scan.add("zenlayer-emulator log", f.read().decode(errors="replace"))
        self.scan.add("zenlayer-emulator /admin/calls", json.dumps(calls))
        self.scan.add("zenlayer-emulator /admin/ports", json.dumps(ports))
        scanned = self.scan.bytes_by_source()

        # The figures.
        kube_stats = self.kube.admin("GET", "/admin/stats")
        kinds = {}
        for d in plan:
            kinds[d.kind] = kinds.get(d.kind, 0) + 1
        terminates = s.count_actions(calls, "TerminatePort")
        print(f"\n==== soak summary (seed {SEED}) ====")
        print(f"ports {PORTS} in {WAVES} waves ({len(adopted_all)} adopted, {len(orphans_all)} of them Orphan; "
              f"{len(created_all)} created from spec); duration {duration:.0f}s (ZPO_SOAK_SECONDS {SECONDS:g})")
        print(f"Zenlayer faults injected by kind: {stats['calls']['byFault']}")
        print(f"Zenlayer calls by action: {stats['calls']['byAction']} (total {stats['calls']['total']}); "
              f"by code: {stats['calls']['byCode']}")
        print(f"Kubernetes faults: rates {self.kube.admin('GET', '/admin/faults')}; disruptions fired "
              f"{kinds}; requests {kube_stats['requestsTotal']}, writes {kube_stats['writesTotal']}")
        answered = {}
        with open(self.kube.log_path, "rb") as f:
            for line in f.read().decode(errors="replace").splitlines():
                parts = line.split()  # --log-requests: METHOD PATH STATUS DURATION
                if len(parts) == 4 and parts[2].isdigit() and int(parts[2]) >= 400:
                    answered[parts[2]] = answered.get(parts[2], 0) + 1
        print(f"Kubernetes API errors answered (kube-emulator log; 503s are all injected, 409s injected or real "
              f"races): {answered}")
        print(f"SIGKILLs {self.fleet.kills}, hand-overs {len(self.fleet.handovers)} "
              f"(took {[round(h, 2) for h in self.fleet.handovers]}s), operator restarts "
              f"{sum(op.restarts for op in self.fleet.ops.values())}")
        print(f"CreatePort {len(creates)} sent, {committed_creates} committed for {len(created_all)} resources; "
              f"TerminatePort {terminates} for {len(deleted_ids)} ports; duplicateTerminates "
              f"{stats['duplicateTerminates']} (allowed {allowed_duplicates}); violations "
              f"{stats['violations']['count']}")
        print("wave ports ready_s gone_s leader pid      VmRSS_KiB undisturbed disruptions")
        for r in rows:
            print(f"{r['wave']:>4} {r['ports']:>5} {r['ready_s']:>7.1f} {r['gone_s']:>6.1f} {r['leader']:<6} "
                  f"{r['pid']:<8} {r['rss_kib']:>9} {str(r['undisturbed']):<11} "
                  f"{[d.kind for d in r['disruptions']]}")
        print(f"VmRSS growth within runs (pid, wave, KiB, bound): {growth}")
        met = {}
        for op in self.fleet.ops.values():
            for line in op.log_lines():
                msg = str(line.get("msg"))
                if line.get("level") in ("warn", "warning", "error") or any(
                        k in msg for k in ("watch", "re-list", "lease", "leader", "onflict")):
                    key = f"{line.get('level')}: {msg}"
                    met[key] = met.get(key, 0) + 1
        print(f"operator log lines by message, warnings and watch/lease news (the faults seen from inside): "
              f"{dict(sorted(met.items(), key=lambda kv: -kv[1])[:12])}")
        print(f"secrets grep: scanned bytes by source {scanned}")

        self.assertEqual(self.scan.leaks(), [], "a password found in the collected text")
        for source, size in scanned.items():
            self.assertGreater(size, 0, f"nothing collected from {source}")
        self.assertTrue(stats["calls"]["byFault"], "Zenlayer faults were really injected")
        self.assertGreaterEqual(self.fleet.kills, 1)
        self.assertEqual(len(self.fleet.handovers), 1)


if __name__ == "__main__":
    s.main()
