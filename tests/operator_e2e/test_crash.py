"""Crash safety: 50 ports are deleted while the operator is SIGKILLed at random moments (seeded) and restarted;
every resource ends gone, every port DESTROYED or no longer listed, and the cloud saw no protocol violation.

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


if __name__ == "__main__":
    s.main()
