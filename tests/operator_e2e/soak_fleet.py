"""The soak's operators: two zenlayer-port-operator processes campaigning for one Lease, and what the soak does to
them — SIGKILL the leader and restart it (as a kubelet would), SIGTERM the leader so the other takes over, notice a
process that exited on its own, and read each process's resident memory (VmRSS) by pid."""

import time

import operator_support as s

LEASE = "zpo-soak"
# The lease outlives the API-server pause the soak injects (2 s) with room to spare: a leader that loses its Lease
# exits 1 by design, which here would be a failure, not a fault the soak meant to cause.
ELECTION = ["--leader-elect", "--leader-election-namespace", "default", "--leader-election-id", LEASE,
            "--leader-elect-lease-duration", "5s", "--leader-elect-renew-deadline", "4s",
            "--leader-elect-retry-period", "300ms"]


def vm_rss_kib(pid):
    """The process's resident set size in KiB (the VmRSS line of /proc/PID/status), None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class Fleet:
    """The operators by Lease identity. Every stop the soak causes is counted; an exit it did not cause is
    recorded (with the log tail) and the process restarted, so the soak goes on and fails at the end."""

    def __init__(self, test_class, password, extra_args=(), identities=("op-a", "op-b")):
        self.api = test_class.api
        self.ops = {}
        for identity in identities:
            op = test_class.start_operator(password, [*ELECTION, *extra_args, "--identity", identity],
                                           name=f"operator-{identity}")
            op.identity = identity
            self.ops[identity] = op
        self.kills = 0
        self.handovers = []  # seconds from the leader's SIGTERM to the other's holding the Lease
        self.unexpected_exits = []

    def holder(self):
        lease = self.api.lease(LEASE)
        return (lease or {}).get("spec", {}).get("holderIdentity") or None

    def leader(self, timeout=15):
        """The operator holding the Lease (waits for one)."""
        identity = s.wait_until(lambda: self.holder() in self.ops and self.holder(), timeout, interval=0.05,
                                message="a Lease holder among the soak's operators")
        return self.ops[identity]

    def check_alive(self):
        """Restarts any process that exited without the soak asking; returns how many did."""
        exited = 0
        for op in self.ops.values():
            code = op.process.poll()
            if code is not None:
                self.unexpected_exits.append(f"{op.name} (pid {op.process.pid}) exited {code}:\n{op.log_tail(30)}")
                op.start()
                exited += 1
        return exited

    def kill_leader(self, rng):
        """SIGKILLs the Lease holder and starts it again after a seeded pause; returns the killed identity."""
        op = self.leader()
        op.kill()
        self.kills += 1
        time.sleep(rng.uniform(0.0, 0.3))
        op.start()
        return op.identity

    def hand_over(self):
        """SIGTERMs the Lease holder, which must exit 0 and release the Lease; waits for the other operator to
        take it, then starts the stopped one again (now the follower). Returns (from, to)."""
        op = self.leader()
        stopped = time.monotonic()
        code = op.terminate(timeout=30)
        if code != 0:
            self.unexpected_exits.append(f"{op.name} exited {code!r} on SIGTERM during a hand-over:\n"
                                         f"{op.log_tail(30)}")
        successor = s.wait_until(lambda: self.holder() not in (None, op.identity) and self.holder(), 20,
                                 interval=0.05, message=f"another operator to take the Lease from {op.identity}")
        self.handovers.append(time.monotonic() - stopped)
        op.start()
        return op.identity, successor

    def pids(self):
        return {identity: op.process.pid for identity, op in self.ops.items()}

    def rss(self):
        """{identity: (pid, VmRSS KiB)} of every operator now."""
        return {identity: (op.process.pid, vm_rss_kib(op.process.pid)) for identity, op in self.ops.items()}
