"""Both clouds misbehaving at once: Zenlayer throttles (30%), answers 503 (10%) and applies a mutation then fails
its reply (10%); the Kubernetes API closes watches every 2 s, answers 10% of writes 409 and expires 20% of watches
with 410. 30 ports are deleted; all complete, nothing leaks, the cloud saw no protocol violation. Then 20 ports are
created and deleted while Zenlayer applies 30% of the mutations and fails their reply (500 or a dropped
connection): every resource gets exactly one port.

    /usr/bin/python3 test_faults.py --kube-emulator BIN --zenlayer-emulator BIN --operator BIN \
        --crd crds/sdn.zenlayer.com_zenlayerports.yaml [--kubectl BIN]
"""

import time

import operator_support as s

PORTS = 30
CREATED = 20


class FaultsEverywhere(s.OperatorTestCase):

    kube_args = ("--watch-close-after-s", "2", "--conflict-rate", "0.1", "--expire-watch-rate", "0.2",
                 "--seed", "7")
    zenlayer_args = (*s.FAST_DELAYS, "--seed", "7")

    def test_30_deletions_complete_under_faults(self):
        ids = self.zenlayer.seed([{"portId": f"port-fault-{i:02d}"} for i in range(PORTS)])
        names = [f"fault-{i:02d}" for i in range(PORTS)]
        # Zenlayer's faults start once the ports are live, so the deletions (not the adoption) meet them.
        self.apply([s.port_manifest(n, p) for n, p in zip(names, ids)])
        s.wait_until(lambda: sum(o.get("status", {}).get("phase") == "Ready"
                                 for o in self.api.list_zports().values()) == PORTS, 60, message="30 ports Ready")
        self.zenlayer.admin("PUT", "faults", {"throttleRate": 0.3, "unavailableRate": 0.1,
                                              "commitThenFailRate": 0.1})

        for _ in range(20):  # kubectl delete meets the injected 409s too
            # With 30 deletes some are refused (exit 1): the next run deletes what is left.
            r = self.kubectl.run("delete", "zenlayerports", "--all", "--wait=false")
            if all("deletionTimestamp" in o["metadata"] for o in self.api.list_zports().values()):
                break
            time.sleep(0.1)
        else:
            self.fail(f"kubectl delete never marked every resource deleted; last: {r.stderr}")
        deleting = time.monotonic()
        # Random 30% throttling keeps the client's adaptive rate limiter near its floor (0.5 calls/s), so this
        # takes minutes, not seconds: the bound is generous on purpose.
        self.wait_gone(names, timeout=280)
        took = time.monotonic() - deleting

        self.zenlayer.admin("PUT", "faults", {"throttleRate": 0, "unavailableRate": 0, "commitThenFailRate": 0})
        ports = self.zenlayer.ports()
        left = {p: ports[p]["portStatus"] for p in ids if ports[p]["portStatus"] != "DESTROYED"}
        self.assertEqual(left, {}, "ports left RUNNING or RECYCLED")
        stats = self.assert_no_violations()
        calls = self.zenlayer.calls()
        for port_id in ids:
            s.check_call_log(self, calls, port_id)
        faults = stats["calls"]["byFault"]
        kube = self.kube.admin("GET", "/admin/stats")
        print(f"\n30 deletions took {took:.0f}s; Zenlayer faults met: {faults}; "
              f"duplicateTerminates {stats['duplicateTerminates']}; calls {stats['calls']['byAction']}; "
              f"Kubernetes writes {kube['writesTotal']}")
        self.assertTrue(faults, "the faults were really injected")

    def test_creations_under_commit_then_fail(self):
        names = [f"fault-new-{i:02d}" for i in range(CREATED)]
        seq = max([c["seq"] for c in self.zenlayer.calls()], default=0)
        # No throttling here: it would only slow the test down (the deletions above meet it); what matters for a
        # create is a reply that never tells whether the port was made.
        self.zenlayer.admin("PUT", "faults", {"throttleRate": 0, "unavailableRate": 0.1, "commitThenFailRate": 0.3})
        self.addCleanup(self.zenlayer.admin, "PUT", "faults", {"unavailableRate": 0, "commitThenFailRate": 0})
        started = time.monotonic()
        self.apply([s.create_manifest(n, n) for n in names])
        s.wait_until(lambda: sum(o.get("status", {}).get("phase") == "Ready" for n, o in self.api.list_zports().items()
                                 if n in names) == CREATED, 120, message=f"{CREATED} created ports Ready")
        took = time.monotonic() - started
        objects = self.api.list_zports()
        ports = self.zenlayer.ports()
        for name in names:
            mine = [p for p in ports.values() if p.get("portName") == name]
            self.assertEqual(len(mine), 1, f"{name}: {len(mine)} ports (one per resource, ever): {mine}")
            self.assertEqual(objects[name]["status"]["portId"], mine[0]["portId"])
        calls = [c for c in self.zenlayer.calls() if c["seq"] > seq]
        creates = [c for c in calls if c["action"] == "CreatePort"]
        self.assertEqual(sum(c["committed"] for c in creates), CREATED, "committed CreatePort calls")
        lost = [c for c in creates if c["committed"] and c["fault"]]
        self.assertTrue(lost, "some CreatePort replies were really lost")
        self.assertEqual(s.count_actions(calls, "ModifyPortAttribute"), 0,
                         "created as the spec says: nothing to modify")

        ids = [objects[n]["status"]["portId"] for n in names]
        for _ in range(20):  # kubectl delete meets the injected 409s too
            r = self.kubectl.run("delete", "zenlayerports", *names, "--wait=false")
            if all("deletionTimestamp" in o["metadata"] for n, o in self.api.list_zports().items() if n in names):
                break
            time.sleep(0.1)
        else:
            self.fail(f"kubectl delete never marked every resource deleted; last: {r.stderr}")
        self.wait_gone(names, timeout=120)
        ports = self.zenlayer.ports()
        left = {p: ports[p]["portStatus"] for p in ids if ports[p]["portStatus"] != "DESTROYED"}
        self.assertEqual(left, {}, "ports left RUNNING or RECYCLED")
        stats = self.assert_no_violations()
        calls = [c for c in self.zenlayer.calls() if c["seq"] > seq]
        for port_id in ids:
            s.check_call_log(self, calls, port_id)
        print(f"\n{CREATED} creations took {took:.0f}s with {len(creates)} CreatePort calls, {len(lost)} of them "
              f"committed with the reply lost; calls {stats['calls']['byAction']}")


if __name__ == "__main__":
    s.main()
