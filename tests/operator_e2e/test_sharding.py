"""Sharding: two operators over one API server and one Zenlayer account, one with --label-selector shard=a, the
other with shard=b, each with its own Lease (--leader-election-id). Every resource is handled by exactly one of
them (their logs never name the same resource; each one's Zenlayer mutations match its shard), a resource in
neither shard is left alone, every port is destroyed, and the cloud sees no protocol violation. A malformed
selector stops the operator at startup with exit code 2.

    /usr/bin/python3 test_sharding.py --kube-emulator BIN --zenlayer-emulator BIN --operator BIN \
        --crd crds/sdn.zenlayer.com_zenlayerports.yaml [--kubectl BIN]
"""

import subprocess

import operator_support as s

PER_SHARD = 15
SHARDS = ("a", "b")


def shard_args(shard):
    return ["--namespace", "default", "--label-selector", f"shard={shard}", "--leader-elect",
            "--leader-election-namespace", "default", "--leader-election-id", f"zpo-shard-{shard}",
            "--identity", f"op-{shard}", "--leader-elect-lease-duration", "2s",
            "--leader-elect-renew-deadline", "1500ms", "--leader-elect-retry-period", "300ms"]


def labelled(name, port_id, shard):
    manifest = s.port_manifest(name, port_id)
    if shard:
        manifest["metadata"]["labels"] = {"shard": shard, "app": "edge"}
    return manifest


class Sharding(s.OperatorTestCase):

    @classmethod
    def start_operators(cls, password):
        cls.shard_operators = {shard: cls.start_operator(password, shard_args(shard), name=f"operator-{shard}")
                               for shard in SHARDS}
        cls.operator = cls.shard_operators["a"]

    def resources_named_in_log(self, op):
        """The resource keys an operator's log lines name (every reconcile step logs its resource)."""
        return {line["resource"] for line in op.log_lines() if isinstance(line.get("resource"), str)}

    def test_two_shards_split_the_resources_and_release_every_port(self):
        names = {shard: [f"{shard}-{i:02d}" for i in range(PER_SHARD)] for shard in SHARDS}
        ids = {shard: self.zenlayer.seed([{"portId": f"port-{n}"} for n in names[shard]]) for shard in SHARDS}
        self.zenlayer.seed({"portId": "port-stray"})
        manifests = [labelled(n, p, shard) for shard in SHARDS for n, p in zip(names[shard], ids[shard])]
        manifests.append(labelled("stray", "port-stray", None))
        self.apply(manifests)

        everyone = names["a"] + names["b"]
        s.wait_until(lambda: sum(o.get("status", {}).get("phase") == "Ready"
                                 for o in self.api.list_zports().values()) == len(everyone), 30,
                     message="every sharded resource Ready")
        for shard in SHARDS:
            lease = self.api.lease(f"zpo-shard-{shard}")
            self.assertEqual((lease or {}).get("spec", {}).get("holderIdentity"), f"op-{shard}", lease)
        stray = self.api.get_zport("stray")
        self.assertNotIn(s.FINALIZER, stray["metadata"].get("finalizers", []), "a resource in no shard is left alone")
        self.assertNotIn("status", stray)

        self.ok("delete", "zenlayerports", "-l", "shard in (a,b)", "--wait=false")
        self.wait_gone(everyone, timeout=60)
        ports = self.zenlayer.ports()
        every_id = ids["a"] + ids["b"]
        self.assertEqual({p: ports[p]["portStatus"] for p in every_id if ports[p]["portStatus"] != "DESTROYED"}, {})
        self.assertEqual(ports["port-stray"]["portStatus"], "RUNNING")
        self.assert_no_violations()
        calls = self.zenlayer.calls()
        for port_id in every_id:
            s.check_call_log(self, calls, port_id)
        self.assertEqual(s.count_actions(calls, "TerminatePort", "port-stray"), 0)

        # Who did what: each operator's log names only its own shard, and its mutations count its shard's ports.
        seen = {shard: self.resources_named_in_log(self.shard_operators[shard]) for shard in SHARDS}
        for shard in SHARDS:
            mine = {f"default/{n}" for n in names[shard]}
            self.assertEqual(seen[shard], mine, f"operator-{shard} handled other resources")
            op = self.shard_operators[shard]
            self.assertEqual(op.metric_sum("zenlayer_api_requests_total", 'action="TerminatePort"'), PER_SHARD)
            self.assertEqual(op.metric_sum("zenlayer_api_requests_total", 'action="DestroyPort"'), PER_SHARD)
        self.assertEqual(seen["a"] & seen["b"], set(), "a resource was handled by both shards")
        self.assertNotIn("default/stray", seen["a"] | seen["b"])
        print(f"\nshard a handled {len(seen['a'])} resources, shard b {len(seen['b'])}, both 0")

        self.ok("delete", "zenlayerport", "stray", "--wait=false")
        self.wait_gone(["stray"], timeout=10)

    def test_a_malformed_selector_stops_the_start(self):
        result = subprocess.run([s.Options.operator, "--label-selector", "shard in a", "--kubeconfig",
                                 self.kube.kubeconfig], capture_output=True, text=True, timeout=20)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--label-selector", result.stderr)
        self.assertIn("shard in a", result.stderr)


if __name__ == "__main__":
    s.main()
