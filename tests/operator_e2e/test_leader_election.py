"""Two operator processes with --leader-elect: only the Lease holder calls Zenlayer; SIGKILLing it mid-deletion
hands the work to the other within the lease duration, and every deletion completes.

    /usr/bin/python3 test_leader_election.py --kube-emulator BIN --zenlayer-emulator BIN --operator BIN \
        --crd crds/sdn.zenlayer.com_zenlayerports.yaml [--kubectl BIN]
"""

import subprocess
import time

import operator_support as s

PORTS = 20
LEASE = "zpo-e2e"
ELECTION = ["--leader-elect", "--leader-election-namespace", "default", "--leader-election-id", LEASE,
            "--leader-elect-lease-duration", "2s", "--leader-elect-renew-deadline", "1500ms",
            "--leader-elect-retry-period", "300ms"]


class LeaderElection(s.OperatorTestCase):

    operator_args = tuple(ELECTION)

    @classmethod
    def start_operators(cls, password):
        cls.operator = cls.start_operator(password, ["--identity", "op-a"], name="operator-a")
        cls.operator.identity = "op-a"
        cls.second = cls.start_operator(password, ["--identity", "op-b"], name="operator-b")
        cls.second.identity = "op-b"

    def holder(self):
        lease = self.api.lease(LEASE)
        return (lease or {}).get("spec", {}).get("holderIdentity") or None

    def zenlayer_calls_of(self, op):
        return op.metric_sum("zenlayer_api_requests_total")

    def test_only_the_leader_mutates_and_killing_it_hands_over(self):
        first = s.wait_until(self.holder, 10, message="a Lease holder")
        leader, follower = (self.operator, self.second) if first == "op-a" else (self.second, self.operator)
        self.assertEqual(leader.identity, first)

        ids = self.zenlayer.seed([{"portId": f"port-le-{i:02d}"} for i in range(PORTS)])
        names = [f"le-{i:02d}" for i in range(PORTS)]
        self.apply([s.port_manifest(n, p) for n, p in zip(names, ids)])
        s.wait_until(lambda: sum(o.get("status", {}).get("phase") == "Ready"
                                 for o in self.api.list_zports().values()) == PORTS, 30, message="ports Ready")
        self.assertGreater(self.zenlayer_calls_of(leader), 0)
        self.assertEqual(self.zenlayer_calls_of(follower), 0, "the follower called Zenlayer")

        self.ok("delete", "zenlayerports", "--all", "--wait=false")
        s.wait_until(lambda: any(o.get("status", {}).get("phase") in ("Terminating", "Recycled", "Destroying")
                                 for o in self.api.list_zports().values()), 10, interval=0.02,
                     message="a deletion under way")
        self.assertEqual(self.zenlayer_calls_of(follower), 0, "the follower called Zenlayer")
        leader.kill()
        killed = time.monotonic()
        s.wait_until(lambda: self.holder() == follower.identity, 6, interval=0.05,
                     message=f"{follower.identity} to take the Lease")
        took_over = time.monotonic() - killed
        # The lease is 2 s, measured from the follower's last sight of a renewal, plus one retry period.
        self.assertLess(took_over, 2 + 0.3 + 1.0, "takeover slower than the lease duration")

        self.wait_gone(names, timeout=60)
        self.assertGreater(self.zenlayer_calls_of(follower), 0, "the new leader finished the work")
        ports = self.zenlayer.ports()
        self.assertEqual({p: ports[p]["portStatus"] for p in ids if ports[p]["portStatus"] != "DESTROYED"}, {})
        stats = self.assert_no_violations()
        calls = self.zenlayer.calls()
        for port_id in ids:
            s.check_call_log(self, calls, port_id, terminates=2)  # the kill may lose one accepted TerminatePort
        print(f"\ntakeover after {took_over:.2f}s; duplicateTerminates {stats['duplicateTerminates']}")

        self.assertEqual(follower.terminate(), 0, follower.log_tail())
        lease = self.api.lease(LEASE)
        self.assertFalse(lease["spec"].get("holderIdentity"), f"the lease is released on SIGTERM: {lease}")

    def test_z_losing_the_lease_exits_1(self):
        """Runs after the hand-over test: a fresh leader whose API server stops answering longer than the renew
        deadline gives up leadership and exits 1, so that a fresh process campaigns again."""
        lone = self.start_operator(extra_args=["--identity", "op-c"], name="operator-c")
        s.wait_until(lambda: self.holder() == "op-c", 10, message="op-c to lead")
        self.kube.admin("POST", "/admin/pause", {"seconds": 4})
        try:
            lone.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.fail("the leader kept running after its API server was unreachable past the renew deadline")
        self.assertEqual(lone.process.returncode, 1, lone.log_tail())


if __name__ == "__main__":
    s.main()
