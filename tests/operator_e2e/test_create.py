"""Issue 5 end to end: the operator creates ports from resources without spec.portId, keeps their name and remarks in
line with the spec, adopts without touching, restores from the recycle bin on request, answers bad creation input
without a retry storm, and deletes what it created. Assertions read the Zenlayer emulator's ports and call log.

    /usr/bin/python3 test_create.py --kube-emulator BIN --zenlayer-emulator BIN --operator BIN \
        --zenlayerctl BIN --crd crds/sdn.zenlayer.com_zenlayerports.yaml [--kubectl BIN] [-k PATTERN]
"""

import json
import time

import operator_support as s


class CreateUpdateRestore(s.OperatorTestCase):
    """One operator for the class; each test has its own resource and port names."""

    # CREATING lasts 1.5 s and RECOVERING 0.8 s so that Pending is seen by the watcher before Ready.
    zenlayer_args = s.fast_delays(create_delay_ms=1500, renew_delay_ms=800)
    # A CreatePort of unknown outcome is sent again only once a lookup finds no port of that name after
    # --terminate-grace (the cloud may list a new port late): 4 s here instead of 10 minutes.
    operator_args = ("--terminate-grace", "4s")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.watcher = s.PhaseWatcher(cls.kubectl)

    @classmethod
    def tearDownClass(cls):
        cls.watcher.stop()
        super().tearDownClass()

    def reasons(self, name, kind=None):
        return [e["reason"] for e in self.api.events(name) if kind is None or e.get("type") == kind]

    def wait_event(self, name, reason, kind):
        s.wait_until(lambda: reason in self.reasons(name, kind), 5, message=f"a {kind} Event {reason} on {name}")

    def watcher_saw(self, name, phase):
        """The phases the watcher saw, once the last one is `phase` (the watch may lag behind a GET)."""
        return s.wait_until(lambda: (lambda seen: seen if seen[-1:] == [phase] else None)(self.watcher.phases_of(name)),
                            5, message=f"the watcher to see {name} {phase}")

    def port_id_of(self, name):
        return ((self.api.get_zport(name) or {}).get("status") or {}).get("portId")

    def create_ready(self, name, port_name, **fields):
        """Applies a resource that creates its port and waits until it is Ready; returns (object, port id)."""
        self.apply([s.create_manifest(name, port_name, **fields)])
        obj = self.wait_phase(name, "Ready", timeout=20)
        port_id = obj["status"].get("portId")
        self.assertTrue(port_id, f"Ready without status.portId: {obj['status']}")
        return obj, port_id

    def delete_and_wait_released(self, name, port_id):
        self.ok("delete", "zenlayerport", name, "--wait=false")
        self.wait_gone([name], timeout=30)
        self.assert_port_released(port_id)

    def calls_since(self, seq):
        return [c for c in self.zenlayer.calls() if c["seq"] > seq]

    def last_seq(self):
        calls = self.zenlayer.calls()
        return calls[-1]["seq"] if calls else 0

    def test_create_pending_then_ready(self):
        seq = self.last_seq()
        # Ports a loose name filter also returns (a longer name, another data center, a destroyed one): none of
        # them is "web-a" in SIN1 and alive, so they must not stop the create.
        self.zenlayer.seed([{"portName": "web-a-old", "dcId": "SIN1"}, {"portName": "web-a", "dcId": "HKG1"},
                            {"portName": "web-a", "dcId": "SIN1", "portStatus": "DESTROYED"}])
        self.apply([s.create_manifest("web-a", "web-a", port_type="10G", entity="Example Ltd",
                                      remarks="first uplink")])
        pending = s.wait_until(lambda: self.port_id_of("web-a") and self.api.get_zport("web-a"), 10,
                               message="status.portId on web-a")
        port_id = pending["status"]["portId"]
        self.assertIn(s.FINALIZER, pending["metadata"].get("finalizers", []))
        obj = self.wait_phase("web-a", "Ready", timeout=20)
        self.assertEqual(obj["status"]["portId"], port_id, "the identity never changes")
        self.assertEqual(obj["status"].get("portStatus"), "RUNNING")
        seen = self.watcher_saw("web-a", "Ready")
        self.assertIn("Pending", seen, "Pending while the port is CREATING")
        self.assertEqual(seen[seen.index("Pending"):], ["Pending", "Ready"], seen)

        mine = s.live_ports_named(self.zenlayer.ports(), "web-a", "SIN1")
        self.assertEqual(len(mine), 1, f"exactly one port named web-a in SIN1: {mine}")
        port = mine[0]
        self.assertEqual(port["portId"], port_id)
        self.assertEqual((port["dcId"], port["portType"], port["businessEntityName"], port["portRemarks"]),
                         ("SIN1", "10G", "Example Ltd", "first uplink"))
        self.assertEqual(s.count_actions(self.calls_since(seq), "CreatePort"), 1)
        self.assertIn("PortCreated", self.reasons("web-a", "Normal"))
        self.assertEqual(obj["status"].get("lastOperation", {}).get("action"), "CreatePort")
        self.assertTrue(obj["status"]["lastOperation"].get("requestId"))

        table = self.ok("get", "zports", "web-a")
        self.assertIn("PORT-ID", table.splitlines()[0])
        self.assertIn(port_id, table.splitlines()[1])
        self.delete_and_wait_released("web-a", port_id)

    def test_uncertain_create_is_looked_up_before_any_other(self):
        """Each CreatePort's reply is scripted: the port made and the reply an error or a cut connection (found by
        name, never created twice), or an error with nothing made (looked up, then created once)."""
        cases = [("lost-error", {"action": "CreatePort", "httpStatus": 500, "commit": True}, 1),
                 ("lost-drop", {"action": "CreatePort", "drop": True, "commit": True}, 1),
                 ("not-made", {"action": "CreatePort", "httpStatus": 500}, 2)]
        ids = []
        for name, reply, sent in cases:
            seq = self.last_seq()
            self.zenlayer.admin("POST", "script", reply)
            obj, port_id = self.create_ready(name, name)
            ids.append(port_id)
            creates = [c for c in self.calls_since(seq) if c["action"] == "CreatePort"]
            self.assertEqual(len(creates), sent, f"{name}: {creates}")
            self.assertEqual(sum(c["committed"] for c in creates), 1, f"{name}: {creates}")
            self.assertEqual([p["portId"] for p in s.live_ports_named(self.zenlayer.ports(), name)], [port_id])
            if sent == 1:
                self.wait_event(name, "PortFound", "Normal")
            else:
                self.assertNotIn("PortFound", self.reasons(name))
        names = [name for name, _, _ in cases]
        self.ok("delete", "zenlayerport", *names, "--wait=false")
        self.wait_gone(names, timeout=30)
        for port_id in ids:
            self.assert_port_released(port_id)

    def test_update_name_and_remarks_and_refuse_dc_change(self):
        obj, port_id = self.create_ready("upd", "upd-a", remarks="before")
        seq = self.last_seq()
        self.ok("patch", "zenlayerport", "upd", "--type", "merge", "-p",
                json.dumps({"spec": {"portName": "upd-b", "portRemarks": "after"}}))
        s.wait_until(lambda: (lambda p: p["portName"] == "upd-b" and p["portRemarks"] == "after")(
            self.zenlayer.ports()[port_id]), 10, message="the port renamed and its remarks changed")

        def applied():
            o = self.api.get_zport("upd")
            return o if o["status"].get("observedGeneration") == o["metadata"]["generation"] else None

        obj = s.wait_until(applied, 10, message="status.observedGeneration to reach metadata.generation")
        self.assertEqual(s.condition(obj, "Synced")["status"], "True", obj["status"])
        modifies = [c for c in self.calls_since(seq) if c["action"] == "ModifyPortAttribute"]
        self.assertEqual(len(modifies), 1, f"one ModifyPortAttribute carries both changes: {modifies}")
        self.assertEqual(modifies[0]["portId"], port_id)
        self.assertIn("PortModified", self.reasons("upd", "Normal"))
        self.assertEqual(len(s.live_ports_named(self.zenlayer.ports(), "upd-a")), 0, "renamed, not recreated")

        # dcId is immutable: reported, never applied (the local API server does not evaluate the CRD's CEL rule
        # that would refuse the patch, so the operator sees it).
        seq = self.last_seq()
        self.ok("patch", "zenlayerport", "upd", "--type", "merge", "-p", '{"spec":{"dcId":"HKG1"}}')
        synced = s.wait_until(lambda: (lambda c: c if c and c["reason"] == "ImmutableFieldChanged" else None)(
            s.condition(self.api.get_zport("upd"), "Synced")), 10, message="Synced reason ImmutableFieldChanged")
        self.assertEqual(synced["status"], "False")
        self.assertIn("dcId", synced.get("message", ""))
        self.wait_event("upd", "ImmutableFieldChanged", "Warning")
        time.sleep(2)  # ten poll intervals: time enough for a wrong call to go out
        sent = [c for c in self.calls_since(seq) if c["action"] != "DescribePorts"]
        self.assertEqual(sent, [], "only observations after an immutable field changed")
        self.assertEqual(self.zenlayer.ports()[port_id]["dcId"], "SIN1")
        self.assertEqual(self.phase("upd"), "Ready", "the port itself is fine")
        self.delete_and_wait_released("upd", port_id)

    def test_adopted_port_is_left_as_it_is(self):
        seq = self.last_seq()
        self.zenlayer.seed({"portId": "port-adopted", "portName": "legacy name", "portRemarks": "hand made",
                            "dcId": "FRA1", "businessEntityName": "Someone Else"})
        self.apply([s.port_manifest("adopted", "port-adopted")])
        obj = self.wait_phase("adopted", "Ready")
        self.assertEqual(obj["status"].get("portId"), "port-adopted")
        time.sleep(1.5)  # resyncs and polls: nothing in the spec asks for a change
        calls = self.zenlayer.calls("port-adopted")
        for action in s.MUTATIONS:
            self.assertEqual(s.count_actions(calls, action), 0, action)
        self.assertEqual(s.count_actions(self.calls_since(seq), "CreatePort"), 0, "an adoption creates nothing")

        # The spec now manages the remarks only: the name and the business entity stay as they were.
        self.ok("patch", "zenlayerport", "adopted", "--type", "merge", "-p", '{"spec":{"portRemarks":"managed"}}')
        s.wait_until(lambda: self.zenlayer.ports()["port-adopted"]["portRemarks"] == "managed", 10,
                     message="the remarks applied")
        port = self.zenlayer.ports()["port-adopted"]
        self.assertEqual((port["portName"], port["businessEntityName"]), ("legacy name", "Someone Else"))
        self.assertEqual(s.count_actions(self.zenlayer.calls("port-adopted"), "ModifyPortAttribute"), 1)
        self.ok("patch", "zenlayerport", "adopted", "--type", "merge", "-p", '{"spec":{"deletionPolicy":"Orphan"}}')
        self.ok("delete", "zenlayerport", "adopted", "--wait=false")
        self.wait_gone(["adopted"], timeout=10)
        self.assertEqual(self.zenlayer.ports()["port-adopted"]["portStatus"], "RUNNING")

    def test_restore_from_recycle_bin(self):
        if not s.Options.zenlayerctl:
            self.skipTest("needs --zenlayerctl to terminate the port behind the operator's back")
        seq = self.last_seq()
        obj, port_id = self.create_ready("restored", "restored")
        s.zenlayerctl(self.zenlayer, "terminate", port_id)
        obj = self.wait_phase("restored", "Recycled", timeout=15)  # seen at the next resync
        ready = s.condition(obj, "Ready")
        self.assertEqual(ready["status"], "False")
        self.assertIn("restore", ready.get("message", ""), "the message says how to bring the port back")
        time.sleep(1)
        self.assertEqual(s.count_actions(self.zenlayer.calls(port_id), "RenewPort"), 0,
                         "no RenewPort without spec.restore")

        self.ok("patch", "zenlayerport", "restored", "--type", "merge", "-p", '{"spec":{"restore":true}}')
        s.wait_until(lambda: s.count_actions(self.zenlayer.calls(port_id), "RenewPort"), 10,
                     message="a RenewPort")
        obj = self.wait_phase("restored", "Ready", timeout=15)
        self.assertEqual(obj["status"].get("portStatus"), "RUNNING")
        self.assertEqual(self.zenlayer.ports()[port_id]["portStatus"], "RUNNING")
        seen = self.watcher_saw("restored", "Ready")
        after_recycled = seen[len(seen) - 1 - seen[::-1].index("Recycled"):]
        self.assertEqual(after_recycled, ["Recycled", "Pending", "Ready"], seen)
        self.assertIn("RestoreRequested", self.reasons("restored", "Normal"))
        time.sleep(1)
        self.assertEqual(s.count_actions(self.zenlayer.calls(port_id), "RenewPort"), 1)
        self.assertEqual(s.count_actions(self.calls_since(seq), "CreatePort"), 1, "restored, not recreated")
        self.delete_and_wait_released("restored", port_id)
        self.assert_no_violations()

    def test_unknown_data_center_fails_without_retry_storm(self):
        seq = self.last_seq()
        self.apply([s.create_manifest("nowhere", "nowhere", dc_id="XXX9")])
        obj = self.wait_phase("nowhere", "Failed", timeout=10)
        ready = s.condition(obj, "Ready")
        self.assertEqual((ready["status"], ready["reason"]), ("False", "CreateFailed"), ready)
        self.assertIn("INVALID_PARAMETER_DC_ID", ready.get("message", ""))
        self.wait_event("nowhere", "CreateFailed", "Warning")
        time.sleep(10)  # fifty poll intervals, five resyncs
        creates = [c for c in self.calls_since(seq) if c["action"] == "CreatePort"]
        self.assertEqual(len(creates), 1, f"one CreatePort, no retry until the spec changes: {creates}")
        self.assertEqual(creates[0]["code"], "INVALID_PARAMETER_DC_ID")
        self.assertEqual(self.phase("nowhere"), "Failed")

        started = time.monotonic()
        self.ok("delete", "zenlayerport", "nowhere", "--wait=false")
        self.wait_gone(["nowhere"], timeout=10)
        self.assertLess(time.monotonic() - started, 3, "nothing was created, so nothing to wait for")
        sent = [c for c in self.calls_since(seq) if c["action"] in s.MUTATIONS and c["action"] != "CreatePort"]
        self.assertEqual(sent, [])

    def test_name_in_use_is_not_created_again(self):
        [taken] = self.zenlayer.seed({"portName": "taken", "dcId": "TYO1"})
        seq = self.last_seq()
        self.apply([s.create_manifest("taken", "taken", dc_id="TYO1")])
        obj = self.wait_phase("taken", "Failed", timeout=10)
        ready = s.condition(obj, "Ready")
        self.assertEqual(ready["reason"], "PortNameInUse", ready)
        self.assertFalse(obj["status"].get("portId"), "someone else's port is not taken over")
        self.wait_event("taken", "PortNameInUse", "Warning")
        time.sleep(1)
        self.assertEqual([c for c in self.calls_since(seq) if c["action"] in s.MUTATIONS], [])

        started = time.monotonic()
        self.ok("delete", "zenlayerport", "taken", "--wait=false")
        self.wait_gone(["taken"], timeout=10)
        self.assertLess(time.monotonic() - started, 3, "nothing was created, so nothing to wait for")
        self.assertEqual(self.zenlayer.ports()[taken]["portStatus"], "RUNNING")
        self.assertEqual([c for c in self.calls_since(seq) if c["action"] in s.MUTATIONS], [])

    def test_delete_created_port(self):
        obj, port_id = self.create_ready("short-lived", "short-lived", policy="Delete")
        seq = self.last_seq()
        self.delete_and_wait_released("short-lived", port_id)
        calls = self.calls_since(seq)
        s.check_call_log(self, calls, port_id)
        self.assertEqual(s.count_actions(calls, "TerminatePort", port_id), 1)
        self.assertEqual(s.count_actions(calls, "DestroyPort", port_id), 1)
        self.assertEqual(s.count_actions(calls, "CreatePort"), 0, "a deletion never creates")
        self.assertEqual(s.live_ports_named(self.zenlayer.ports(), "short-lived"), [])
        self.assert_no_violations()

    def test_zz_no_secret_and_no_violation(self):
        """Runs last: every flow above has logged, evented and written status."""
        self.assertEqual(s.secrets_in(self.operator.log_text(), [self.zenlayer.password]), [])
        self.assertEqual(s.secrets_in(self.ok("get", "events", "-o", "json"), [self.zenlayer.password]), [])
        self.assert_no_violations()


if __name__ == "__main__":
    s.main()
