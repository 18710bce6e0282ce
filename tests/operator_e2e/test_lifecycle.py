"""Every deletion policy and every port case of issue 4, end to end: the real operator, real kubectl apply/delete,
a `kubectl get zports -w` watcher recording the phases, and assertions on the Zenlayer emulator's call log.

    /usr/bin/python3 test_lifecycle.py --kube-emulator BIN --zenlayer-emulator BIN --operator BIN \
        --zenlayerctl BIN --crd crds/sdn.zenlayer.com_zenlayerports.yaml [--kubectl BIN] [-k PATTERN]
"""

import json
import subprocess
import time

import operator_support as s

EXPIRY = "2027-06-30T00:00:00Z"


class Lifecycle(s.OperatorTestCase):
    """One operator for the class; each test has its own port and resource names."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.watcher = s.PhaseWatcher(cls.kubectl)

    @classmethod
    def tearDownClass(cls):
        cls.watcher.stop()
        super().tearDownClass()

    def create(self, name, port_id, policy=None, seed=None, ready_phase="Ready"):
        """Seeds the cloud port (unless seed is False), applies the resource, waits for its live phase and the
        finalizer."""
        if seed is not False:
            self.zenlayer.seed(dict({"portId": port_id}, **(seed or {})))
        self.apply([s.port_manifest(name, port_id, policy)])
        obj = self.wait_phase(name, ready_phase)
        self.assertIn(s.FINALIZER, obj["metadata"].get("finalizers", []))
        return obj

    def delete(self, name):
        self.ok("delete", "zenlayerport", name, "--wait=false")

    def reasons(self, name, kind=None):
        return [e["reason"] for e in self.api.events(name) if kind is None or e.get("type") == kind]

    def assert_phases(self, name, expected):
        """The watcher saw `expected` in this order (other phases may come between, e.g. Pending first)."""
        seen = s.wait_until(lambda: self.watcher.was_deleted(name) and self.watcher.phases_of(name), 5,
                            message=f"the watcher to see {name} deleted")
        it = iter(seen)
        self.assertTrue(all(p in it for p in expected), f"{name}: phases seen {seen}, expected in order {expected}")

    def test_delete_running_port(self):
        self.create("running", "port-running")
        self.delete("running")
        self.wait_gone(["running"])
        self.assert_phases("running", ["Ready", "Terminating", "Recycled", "Destroying", "Destroyed"])
        self.assert_port_released("port-running")
        mine = s.check_call_log(self, self.zenlayer.calls(), "port-running")
        self.assertEqual(s.count_actions(mine, "DestroyPort"), 1, mine)
        for reason in ("TerminateRequested", "DestroyRequested", "PortDestroyed"):
            self.assertIn(reason, self.reasons("running"))
        self.assert_no_violations()

    def test_already_recycled_port(self):
        self.create("recycled", "port-recycled", seed={"portStatus": "RECYCLED"}, ready_phase="Recycled")
        self.delete("recycled")
        self.wait_gone(["recycled"])
        self.assert_phases("recycled", ["Recycled", "Destroying"])
        calls = self.zenlayer.calls()
        self.assertEqual(s.count_actions(calls, "TerminatePort", "port-recycled"), 0)
        s.check_call_log(self, calls, "port-recycled", seeded_recycled=True)
        self.assert_port_released("port-recycled")
        self.assert_no_violations()

    def test_port_not_found(self):
        obj = self.create("missing", "port-never-existed", seed=False, ready_phase="Failed")
        self.assertEqual(s.condition(obj, "Ready")["reason"], "PortNotFound")
        self.assertIn("PortNotFound", self.reasons("missing", "Warning"))
        started = time.monotonic()
        self.delete("missing")
        self.wait_gone(["missing"], timeout=10)
        self.assertLess(time.monotonic() - started, 5, "a port that does not exist needs no waiting")
        calls = self.zenlayer.calls()
        for action in s.MUTATIONS:
            self.assertEqual(s.count_actions(calls, action, "port-never-existed"), 0, action)

    def test_creating_port_is_waited_for(self):
        self.zenlayer.seed({"portId": "port-creating", "portStatus": "CREATING"})
        self.apply([s.port_manifest("creating", "port-creating")])
        self.delete("creating")
        self.wait_gone(["creating"])
        self.assert_phases("creating", ["Terminating", "Recycled", "Destroying"])
        calls = self.zenlayer.calls()
        refused = [c for c in calls if c.get("portId") == "port-creating" and c["code"] ==
                   "OPERATION_DENIED_PORT_CREATING"]
        self.assertEqual(refused, [], "TerminatePort sent while the port was still CREATING")
        s.check_call_log(self, calls, "port-creating")
        self.assert_port_released("port-creating")
        self.assert_no_violations()

    def blocked_then_orphaned(self, name, port_id, seed):
        self.create(name, port_id, seed=seed)
        self.delete(name)
        obj = self.wait_phase(name, "Blocked")
        ready = s.condition(obj, "Ready")
        self.assertEqual(ready["status"], "False")
        s.wait_until(lambda: "PortPrepaid" in self.reasons(name, "Warning"), 5, message="a PortPrepaid Event")
        # No retry storm: over three seconds (15 poll intervals) at most one more TerminatePort.
        before = s.count_actions(self.zenlayer.calls(), "TerminatePort", port_id)
        time.sleep(3)
        after = s.count_actions(self.zenlayer.calls(), "TerminatePort", port_id)
        self.assertLessEqual(after - before, 1, "TerminatePort retried in a loop on a prepaid port")
        self.assertLessEqual(after, 2)
        # The user's way out: leave the port alone.
        self.ok("patch", "zenlayerport", name, "--type", "merge", "-p", '{"spec":{"deletionPolicy":"Orphan"}}')
        self.wait_gone([name], timeout=10)
        self.assertEqual(self.zenlayer.ports()[port_id]["portStatus"], "RUNNING")
        self.assertEqual(s.count_actions(self.zenlayer.calls(), "DestroyPort", port_id), 0)
        self.assert_no_violations()
        return ready

    def test_prepaid_port_blocks_until_orphaned(self):
        ready = self.blocked_then_orphaned("prepaid", "port-prepaid",
                                           {"portChargeType": "PREPAID", "expiredTime": EXPIRY})
        self.assertIn("2027-06-30", ready["message"], "the message says when the prepaid port expires")
        # A port the cloud reports PREPAID is never asked to terminate.
        self.assertEqual(s.count_actions(self.zenlayer.calls(), "TerminatePort", "port-prepaid"), 0)

    def test_prepaid_port_without_charge_type_is_refused_then_blocked(self):
        self.blocked_then_orphaned("prepaid-hidden", "port-prepaid-hidden",
                                   {"portChargeType": "PREPAID", "chargeTypeReported": False,
                                    "expiredTime": EXPIRY})
        refused = [c for c in self.zenlayer.calls("port-prepaid-hidden")
                   if c["code"] == "OPERATION_DENIED_PORT_PREPAID"]
        self.assertGreaterEqual(len(refused), 1, "the cloud's refusal is what blocks this port")

    def test_recycle_bin_policy_stops_at_recycled(self):
        self.create("recycle-bin", "port-recycle-bin", policy="RecycleBin")
        self.delete("recycle-bin")
        self.wait_gone(["recycle-bin"])
        self.assert_phases("recycle-bin", ["Terminating", "Recycled"])
        self.assertNotIn("Destroying", self.watcher.phases_of("recycle-bin"))
        self.assertEqual(self.zenlayer.ports()["port-recycle-bin"]["portStatus"], "RECYCLED")
        calls = s.check_call_log(self, self.zenlayer.calls(), "port-recycle-bin")
        self.assertEqual(s.count_actions(calls, "DestroyPort"), 0)
        self.assertIn("TerminateRequested", self.reasons("recycle-bin"))
        self.assert_no_violations()

    def test_orphan_policy_makes_no_cloud_mutation(self):
        self.create("orphan", "port-orphan", policy="Orphan")
        self.delete("orphan")
        self.wait_gone(["orphan"], timeout=10)
        self.assertEqual(self.zenlayer.ports()["port-orphan"]["portStatus"], "RUNNING")
        calls = self.zenlayer.calls()
        for action in s.MUTATIONS:
            self.assertEqual(s.count_actions(calls, action, "port-orphan"), 0, action)

    def test_unknown_port_status_is_not_acted_on(self):
        self.zenlayer.seed({"portId": "port-odd", "portStatus": "MIGRATING"})
        self.apply([s.port_manifest("odd", "port-odd")])
        s.wait_until(lambda: (self.api.get_zport("odd") or {}).get("status", {}).get("portStatus") == "MIGRATING",
                     10, message="status.portStatus MIGRATING")
        self.delete("odd")
        time.sleep(2)  # ten poll intervals: time enough for a wrong mutation to be sent
        self.assertIsNotNone(self.api.get_zport("odd"), "the resource must wait while the port state is unknown")
        calls = self.zenlayer.calls()
        for action in s.MUTATIONS:
            self.assertEqual(s.count_actions(calls, action, "port-odd"), 0, action)
        self.assertLess(len(self.zenlayer.calls("port-odd")), 40, "bounded observation rate")
        self.ok("patch", "zenlayerport", "odd", "--type", "merge", "-p", '{"spec":{"deletionPolicy":"Orphan"}}')
        self.wait_gone(["odd"], timeout=10)

    def test_port_terminated_elsewhere(self):
        if not s.Options.zenlayerctl:
            self.skipTest("needs --zenlayerctl to terminate the port behind the operator's back")
        self.create("elsewhere", "port-elsewhere")
        subprocess.run([s.Options.zenlayerctl, "--endpoint", self.zenlayer.url, "terminate", "port-elsewhere"],
                       env={"ZENLAYERCLOUD_ACCESS_KEY_ID": self.zenlayer.access_key_id,
                            "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD": self.zenlayer.password},
                       check=True, capture_output=True)
        self.wait_phase("elsewhere", "Recycled", timeout=15)  # seen at the next resync
        self.delete("elsewhere")
        self.wait_gone(["elsewhere"])
        calls = self.zenlayer.calls()
        self.assertEqual(s.count_actions(calls, "TerminatePort", "port-elsewhere"), 1, "only zenlayerctl's")
        self.assertEqual(s.count_actions(calls, "DestroyPort", "port-elsewhere"), 1)
        self.assert_port_released("port-elsewhere")
        self.assert_no_violations()

    def test_zz_endpoints_and_metrics(self):
        """Runs last (unittest sorts by name) so the deletions above are in the metrics."""
        self.assertEqual(self.operator.get("/healthz")[0], 200)
        self.assertEqual(self.operator.get("/readyz")[0], 200)
        metrics = self.operator.metrics()
        for name in ("controller_runtime_reconcile_total", "workqueue_depth", "zenlayer_api_requests_total",
                     "zenlayer_ports", "zenlayer_port_deletion_duration_seconds"):
            self.assertIn(name, metrics)
        self.assertGreaterEqual(self.operator.metric_sum("zenlayer_api_requests_total",
                                                         'action="TerminatePort"'), 1)
        self.assertEqual(s.secrets_in(self.operator.log_text(), [self.zenlayer.password]), [])

    def test_zz_logs_are_json_lines(self):
        lines = [line for line in self.operator.log_text().splitlines() if line.strip()]
        decoded = self.operator.log_lines()
        self.assertEqual(len(decoded), len(lines), "every log line is one JSON object")
        self.assertTrue(all("msg" in line and "level" in line for line in decoded))
        about_ports = [line for line in decoded if "port-running" in json.dumps(line)]
        self.assertTrue(about_ports, "the log names the port it acts on")


class StuckDeletion(s.OperatorTestCase):
    """The cloud takes 6 s to recycle a port while --stuck-timeout is 1 s: the stage is reported as stuck (a
    condition and a Warning Event) and the deletion still completes."""

    zenlayer_args = ("--create-delay-ms", "100", "--terminate-delay-ms", "6000", "--terminate-lag-polls", "1",
                     "--destroy-delay-ms", "300", "--destroyed-visible-ms", "300")
    operator_args = ("--stuck-timeout", "1s")

    def test_a_stuck_stage_is_reported_and_deletion_goes_on(self):
        self.zenlayer.seed({"portId": "port-slow"})
        self.apply([s.port_manifest("slow", "port-slow")])
        self.wait_phase("slow", "Ready")
        self.ok("delete", "zenlayerport", "slow", "--wait=false")

        def stuck_condition():
            obj = self.api.get_zport("slow") or {}
            return [c for c in obj.get("status", {}).get("conditions", []) if c.get("reason") == "DeletionStuck"]

        conditions = s.wait_until(stuck_condition, 6, message="a DeletionStuck condition")
        self.assertEqual(conditions[0]["status"], "False", conditions)
        self.assertEqual(self.phase("slow"), "Terminating", "still waiting for the recycle bin")
        s.wait_until(lambda: [e for e in self.api.events("slow")
                              if e.get("reason") == "DeletionStuck" and e.get("type") == "Warning"], 5,
                     message="a DeletionStuck Warning Event")
        self.wait_gone(["slow"], timeout=30)
        calls = s.check_call_log(self, self.zenlayer.calls(), "port-slow")
        self.assertEqual(s.count_actions(calls, "TerminatePort"), 1, "a stuck stage is not a reason to resend")
        self.assert_port_released("port-slow")
        self.assert_no_violations()


class Credentials(s.OperatorTestCase):
    """The operator's own key is wrong; a port may bring its own key in a Secret."""

    wrong_password = True

    def test_wrong_operator_credentials(self):
        self.zenlayer.seed({"portId": "port-wrong-key"})
        self.apply([s.port_manifest("wrong-key", "port-wrong-key")])
        s.wait_until(lambda: (s.condition(self.api.get_zport("wrong-key"), "Ready") or {}).get("status") ==
                     "False", 10, message="Ready=False")
        ready = s.condition(self.api.get_zport("wrong-key"), "Ready")
        self.assertRegex(ready["reason"] + " " + ready.get("message", ""), "(?i)credential|auth|signature")
        self.assertRegex(ready["reason"], "(?i)credential|auth")
        s.wait_until(lambda: [e for e in self.api.events("wrong-key") if e.get("type") == "Warning"], 5,
                     message="a Warning Event")
        # Slow retry: --error-retry-interval is 3s, so a few calls in three seconds, not a storm.
        before = len(self.zenlayer.calls("port-wrong-key"))
        time.sleep(3)
        self.assertLessEqual(len(self.zenlayer.calls("port-wrong-key")) - before, 4)
        self.ok("patch", "zenlayerport", "wrong-key", "--type", "merge", "-p",
                '{"spec":{"deletionPolicy":"Orphan"}}')
        self.ok("delete", "zenlayerport", "wrong-key", "--wait=false")
        self.wait_gone(["wrong-key"], timeout=10)

    def test_secret_credentials_release_the_port(self):
        self.ok("create", "secret", "generic", "zenlayer-key",
                f"--from-literal=accessKeyId={self.zenlayer.access_key_id}",
                f"--from-literal=accessKeyPassword={self.zenlayer.password}")
        self.zenlayer.seed({"portId": "port-own-key"})
        self.apply([s.port_manifest("own-key", "port-own-key", secret="zenlayer-key")])
        self.wait_phase("own-key", "Ready")
        self.ok("delete", "zenlayerport", "own-key", "--wait=false")
        self.wait_gone(["own-key"])
        s.check_call_log(self, self.zenlayer.calls(), "port-own-key")
        self.assert_port_released("port-own-key")

    def test_missing_secret_has_a_clear_reason(self):
        self.zenlayer.seed({"portId": "port-no-secret"})
        self.apply([s.port_manifest("no-secret", "port-no-secret", secret="not-there")])
        s.wait_until(lambda: (s.condition(self.api.get_zport("no-secret"), "Ready") or {}).get("status") ==
                     "False", 10, message="Ready=False")
        ready = s.condition(self.api.get_zport("no-secret"), "Ready")
        self.assertRegex(ready["reason"] + " " + ready.get("message", ""), "(?i)secret")
        self.assertIn("not-there", ready.get("message", ""))
        self.ok("patch", "zenlayerport", "no-secret", "--type", "merge", "-p",
                '{"spec":{"deletionPolicy":"Orphan"}}')
        self.ok("delete", "zenlayerport", "no-secret", "--wait=false")
        self.wait_gone(["no-secret"], timeout=10)

    def test_zz_secrets_never_shown(self):
        """Runs last: by now the operator has logged, evented and written status about both keys."""
        secrets = [self.zenlayer.password, self.operator_password]
        self.assertEqual(s.secrets_in(self.operator.log_text(), secrets), [], "a password in the operator's log")
        events = self.ok("get", "events", "-o", "json")
        self.assertEqual(s.secrets_in(events, secrets), [], "a password in an Event")
        zports = self.ok("get", "zenlayerports", "-o", "json")
        self.assertEqual(s.secrets_in(zports, secrets), [], "a password in a status")

    def test_zz_sigterm_exits_zero(self):
        self.assertEqual(self.operator.terminate(), 0, self.operator.log_tail())


if __name__ == "__main__":
    s.main()
