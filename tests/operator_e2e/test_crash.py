"""Crash safety: 50 ports are deleted while the operator is SIGKILLed at random moments (seeded) and restarted;
every resource ends gone, every port DESTROYED or no longer listed, and the cloud saw no protocol violation. Then 30
ports are created while the operator is SIGKILLed with CreatePort calls in flight: every resource gets exactly one
port (the emulator's call log and port list prove that no create was repeated), and all are deleted again.

    /usr/bin/python3 test_crash.py --kube-emulator BIN --zenlayer-emulator BIN --operator BIN \
        --crd crds/sdn.zenlayer.com_zenlayerports.yaml [--kubectl BIN] [--seed N via ZPO_CRASH_SEED]
"""

import os
import random
import time

import operator_support as s

PORTS = 50


class CrashAndResume(s.OperatorTestCase):

    # Cloud steps of a second, so the 50 deletions are still under way through the whole kill-and-restart loop.
    zenlayer_args = ("--terminate-delay-ms", "1000", "--terminate-lag-polls", "1", "--destroy-delay-ms", "1000",
                     "--destroyed-visible-ms", "500")

    def test_sigkill_during_deletion_of_50_ports(self):
        seed = int(os.environ.get("ZPO_CRASH_SEED", "4"))
        rng = random.Random(seed)
        ids = self.zenlayer.seed([{"portId": f"port-crash-{i:02d}"} for i in range(PORTS)])
        names = [f"crash-{i:02d}" for i in range(PORTS)]
        self.apply([s.port_manifest(n, p) for n, p in zip(names, ids)])
        s.wait_until(lambda: all(o.get("status", {}).get("phase") == "Ready" for o in self.api.list_zports().values())
                     and len(self.api.list_zports()) == PORTS, 30, message="50 ports Ready")

        self.ok("delete", "zenlayerports", "--all", "--wait=false")
        cycles = rng.randint(5, 8)
        seen_phases = set()
        for _ in range(cycles):
            time.sleep(rng.uniform(0.05, 0.8))
            seen_phases |= {o.get("status", {}).get("phase") for o in self.api.list_zports().values()}
            self.operator.kill()
            time.sleep(rng.uniform(0.0, 0.3))
            self.operator.start()

        self.assertTrue(seen_phases & {"Terminating", "Recycled", "Destroying"},
                        f"no SIGKILL landed in the middle of a deletion (phases seen at kill time: {seen_phases})")
        self.wait_gone(names, timeout=90)
        ports = self.zenlayer.ports()
        left = {p: ports[p]["portStatus"] for p in ids if p in ports and ports[p]["portStatus"] != "DESTROYED"}
        self.assertEqual(left, {}, "ports left behind")
        stats = self.assert_no_violations()
        calls = self.zenlayer.calls()
        for port_id in ids:
            # Each kill may lose one accepted TerminatePort before its status write: at most one retry per kill.
            s.check_call_log(self, calls, port_id, terminates=1 + self.operator.restarts)
        print(f"\nseed {seed}: {cycles} SIGKILLs; phases seen at kill time {sorted(p for p in seen_phases if p)}; "
              f"duplicateTerminates {stats['duplicateTerminates']}; calls {stats['calls']['byAction']}")
        # A duplicate TerminatePort is harmless (refused, no effect) but only justified by a kill between an
        # accepted call and the status write that records it.
        self.assertLessEqual(stats["duplicateTerminates"], self.operator.restarts)


CREATED = 30


def create_in_flight(obj):
    """The resource's status records a CreatePort whose outcome is not known yet: written before the call."""
    status = obj.get("status") or {}
    operation = status.get("lastOperation") or {}
    return operation.get("action") == "CreatePort" and not status.get("portId")


class CrashDuringCreation(s.OperatorTestCase):

    # CREATING lasts a second, and while the kills go on every reply is held back 100-400 ms after the emulator
    # applied the call: a kill then loses the reply of a CreatePort that did create a port.
    zenlayer_args = s.fast_delays(create_delay_ms=1000)
    # A kill between the create-in-flight record and the CreatePort leaves nothing to find: the create is sent
    # again once --terminate-grace has passed with no port of that name listed (3 s here, 10 minutes by default).
    operator_args = ("--terminate-grace", "3s")

    def test_sigkill_while_creating_30_ports(self):
        seed = int(os.environ.get("ZPO_CRASH_SEED", "4"))
        rng = random.Random(seed)
        names = [f"new-{i:02d}" for i in range(CREATED)]
        self.zenlayer.admin("PUT", "faults", {"latencyMs": 100, "latencyJitterMs": 300})
        self.apply([s.create_manifest(n, n, dc_id=("SIN1", "HKG1", "FRA1")[i % 3]) for i, n in enumerate(names)])

        cycles = rng.randint(5, 8)
        kills_in_flight = 0
        for _ in range(cycles):
            # Kill as soon as some create is in flight (or after 3 s, when none is left), a little later at random:
            # before the CreatePort goes out, while it is under way, or after its reply but before the status write.
            try:
                s.wait_until(lambda: any(create_in_flight(o) for o in self.api.list_zports().values()), 3,
                             interval=0.02)
            except AssertionError:
                pass
            time.sleep(rng.uniform(0.0, 0.15))
            kills_in_flight += any(create_in_flight(o) for o in self.api.list_zports().values())
            self.operator.kill()
            time.sleep(rng.uniform(0.0, 0.3))
            self.operator.start()
        self.zenlayer.admin("PUT", "faults", {"latencyMs": 0, "latencyJitterMs": 0})

        self.assertGreaterEqual(kills_in_flight, 2,
                                f"only {kills_in_flight} of {cycles} SIGKILLs met a create in flight")
        s.wait_until(lambda: sum(o.get("status", {}).get("phase") == "Ready"
                                 for o in self.api.list_zports().values()) == CREATED, 60,
                     message=f"{CREATED} created ports Ready")
        objects = self.api.list_zports()
        ports = self.zenlayer.ports()
        for name in names:
            mine = [p for p in ports.values() if p.get("portName") == name]
            self.assertEqual(len(mine), 1, f"{name}: {len(mine)} ports (one per resource, ever): {mine}")
            self.assertEqual(objects[name]["status"]["portId"], mine[0]["portId"])
        calls = self.zenlayer.calls()
        committed = [c for c in calls if c["action"] == "CreatePort" and c["committed"]]
        self.assertEqual(len(committed), CREATED, "committed CreatePort calls")
        found = sum("PortFound" in [e["reason"] for e in self.api.events(n)] for n in names)
        self.assertGreaterEqual(found, 1, "no kill lost the reply of a CreatePort that made its port")

        ids = [objects[n]["status"]["portId"] for n in names]
        self.ok("delete", "zenlayerports", "--all", "--wait=false")
        self.wait_gone(names, timeout=60)
        ports = self.zenlayer.ports()
        left = {p: ports[p]["portStatus"] for p in ids if ports[p]["portStatus"] != "DESTROYED"}
        self.assertEqual(left, {}, "ports left behind")
        stats = self.assert_no_violations()
        calls = self.zenlayer.calls()
        for port_id in ids:
            s.check_call_log(self, calls, port_id)
        print(f"\nseed {seed}: {cycles} SIGKILLs, {kills_in_flight} with a create in flight; "
              f"{len(committed)} committed CreatePort for {CREATED} resources; {found} ports found again by name "
              f"after a lost reply or a crash; calls {stats['calls']['byAction']}")


if __name__ == "__main__":
    s.main()
