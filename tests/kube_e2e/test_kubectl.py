#!/usr/bin/python3
"""The real kubectl (one version per run, --kubectl-version 1.NN, >= 1.29) against kube-emulator serving the
project's ZenlayerPort CRD, Leases, Events and Secrets. Assertions are on kubectl's exit codes and output: what a
user of the operator would see. Usage:
    /usr/bin/python3 test_kubectl.py --emulator BIN --crd CRD --kubectl-dir DIR --kubectl-version 1.33 [-k PATTERN]
"""

import base64
import json
import os
import unittest

import e2e_support as e2e
from e2e_support import QUALIFIED, RESOURCE, Kubectl, LineReader, port_manifest

COLUMNS = ["NAME", "PORT-ID", "PHASE", "PORT-STATUS", "READY", "AGE"]
FINALIZER = "sdn.zenlayer.com/port-release"
STRATEGIC_REFUSED = (
    "error: application/strategic-merge-patch+json is not supported by sdn.zenlayer.com/v1alpha1, Kind=ZenlayerPort: "
    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, "
    "application/merge-patch+json, application/apply-patch+yaml")

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")


def ready_status(port_id):
    """The status the operator writes for a RUNNING port: status.portId is what the PORT-ID column shows."""
    return json.dumps({"status": {
        "phase": "Ready", "portId": port_id, "portStatus": "RUNNING",
        "conditions": [{"type": "Ready", "status": "True", "reason": "PortRunning",
                        "lastTransitionTime": "2026-01-01T00:00:00Z"}]}})


class KubectlAgainstEmulator(e2e.KubectlTestCase):
    # --- helpers -------------------------------------------------------------------------------------------------

    def fails(self, *args, stdin=None):
        """Runs kubectl, asserts exit code 1, returns stderr."""
        r = self.kubectl.run(*args, stdin=stdin)
        self.assertEqual(r.returncode, 1, f"kubectl {' '.join(args)} should fail:\n{r.stdout}\n{r.stderr}")
        return r.stderr

    def get_json(self, name, kind="zenlayerport"):
        return json.loads(self.ok("get", kind, name, "-o", "json"))

    def assert_not_found(self, name):
        err = self.fails("get", "zport", name)
        self.assertIn(f'Error from server (NotFound): {RESOURCE} "{name}" not found', err)

    def apply(self, manifest, *flags):
        return self.ok("apply", *flags, "-f", "-", stdin=manifest).strip()

    # --- apply ---------------------------------------------------------------------------------------------------

    def test_apply_creates_then_reports_unchanged_then_configured(self):
        manifest = port_manifest("apply-demo", "sdnport-apply-1")
        self.assertEqual(self.apply(manifest), f"{QUALIFIED}/apply-demo created")
        port = self.get_json("apply-demo")
        self.assertEqual(port["spec"]["deletionPolicy"], "Delete", "the CRD's default must be applied")
        self.assertEqual(port["metadata"]["generation"], 1)
        self.assertIn("kubectl.kubernetes.io/last-applied-configuration", port["metadata"]["annotations"])

        self.assertEqual(self.apply(manifest), f"{QUALIFIED}/apply-demo unchanged")
        self.assertEqual(self.get_json("apply-demo")["metadata"]["resourceVersion"],
                         port["metadata"]["resourceVersion"], "an unchanged apply must not write")

        changed = port_manifest("apply-demo", "sdnport-apply-1", deletion_policy="Orphan")
        self.assertEqual(self.apply(changed), f"{QUALIFIED}/apply-demo configured")
        port = self.get_json("apply-demo")
        self.assertEqual(port["spec"]["deletionPolicy"], "Orphan")
        self.assertEqual(port["metadata"]["generation"], 2)

    def test_apply_with_an_unknown_field_is_refused_under_strict_validation(self):
        manifest = json.loads(port_manifest("unknown-field", "sdnport-unknown-1"))
        manifest["spec"]["colour"] = "blue"
        r = self.kubectl.run("apply", "-f", "-", stdin=json.dumps(manifest))
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn('unknown field "spec.colour"', r.stderr)
        self.assert_not_found("unknown-field")

    def test_server_side_apply_creates_then_updates(self):
        manifest = port_manifest("ssa-demo", "sdnport-ssa-1", deletion_policy="RecycleBin")
        self.assertEqual(self.apply(manifest, "--server-side"), f"{QUALIFIED}/ssa-demo serverside-applied")
        self.assertEqual(self.get_json("ssa-demo")["spec"]["deletionPolicy"], "RecycleBin")

        changed = port_manifest("ssa-demo", "sdnport-ssa-1", deletion_policy="Orphan")
        self.assertEqual(self.apply(changed, "--server-side"), f"{QUALIFIED}/ssa-demo serverside-applied")
        port = self.get_json("ssa-demo")
        self.assertEqual(port["spec"]["deletionPolicy"], "Orphan")
        self.assertEqual(port["metadata"]["generation"], 2)

    # --- get -----------------------------------------------------------------------------------------------------

    def test_get_shows_the_crd_columns_and_status_after_a_status_patch(self):
        self.apply(port_manifest("columns-demo", "sdnport-cols-1"))
        lines = self.ok("get", "zenlayerports", "columns-demo").splitlines()
        self.assertEqual(lines[0].split(), COLUMNS)
        # PORT-ID reads status.portId (adopted and created ports alike): like every status column it stays empty
        # until the operator writes the status.
        self.assertRegex(lines[1], r"^columns-demo\s+\d+s$")

        self.ok("patch", "zport", "columns-demo", "--subresource=status", "--type=merge", "-p",
                ready_status("sdnport-cols-1"))
        for name in ("zport", "zports", "zenlayerport", f"zenlayerports.{e2e.GROUP}"):
            lines = self.ok("get", name, "columns-demo").splitlines()
            self.assertEqual(lines[0].split(), COLUMNS, name)
            row = lines[1].split()
            self.assertEqual(row[:5], ["columns-demo", "sdnport-cols-1", "Ready", "RUNNING", "True"], name)
            self.assertRegex(row[5], r"^\d+s$", "AGE of a new object in seconds")

    def test_get_by_category_lists_zenlayer_ports(self):
        self.apply(port_manifest("category-demo", "sdnport-cat-1"))
        out = self.ok("get", "zenlayer")
        self.assertRegex(out, r"(?m)^(zenlayerport\.sdn\.zenlayer\.com/)?category-demo\s+\d+s$")

    def test_get_of_an_absent_port_is_not_found(self):
        self.assert_not_found("never-created")

    def test_get_watch_prints_a_row_for_each_change(self):
        self.apply(port_manifest("watch-demo", "sdnport-watch-1"))
        watcher = self.kubectl.start("get", "zports", "-w")
        try:
            lines = LineReader(watcher.stdout)
            self.assertIsNotNone(lines.wait_for(lambda l: l.split() == COLUMNS), "header")
            self.assertIsNotNone(lines.wait_for(lambda l: l.startswith("watch-demo ")), "initial row")

            self.ok("patch", "zport", "watch-demo", "--subresource=status", "--type=merge", "-p",
                    ready_status("sdnport-watch-1"))
            row = lines.wait_for(lambda l: l.startswith("watch-demo ") and "Ready" in l.split())
            self.assertIsNotNone(row, f"no row for the status change; saw {lines.seen}")
            self.assertEqual(row.split()[:5], ["watch-demo", "sdnport-watch-1", "Ready", "RUNNING", "True"])

            self.ok("delete", "zport", "watch-demo")
            self.assertIsNotNone(lines.wait_for(lambda l: l.startswith("watch-demo ")),
                                 f"no row for the deletion; saw {lines.seen}")
            self.assertIsNone(watcher.poll(), "kubectl get -w must keep watching")
        finally:
            watcher.kill()
            Kubectl.finish(watcher)

    def test_get_watch_exits_0_when_the_server_ends_the_stream(self):
        watcher = self.kubectl.start("get", "zports", "-w")
        try:
            self.emulator.wait_for_open_watches(1)
            self.assertGreaterEqual(self.emulator.admin("POST", "/admin/close-watches")["closed"], 1)
        finally:
            code, out, err = Kubectl.finish(watcher, timeout=15)
        self.assertEqual(code, 0, err)

    # --- patch ---------------------------------------------------------------------------------------------------

    def test_patch_merge_json_status_and_refused_strategic(self):
        self.apply(port_manifest("patch-demo", "sdnport-patch-1"))
        patched = f"{QUALIFIED}/patch-demo patched"

        out = self.ok("patch", "zport", "patch-demo", "--type=merge", "-p", '{"spec":{"deletionPolicy":"Orphan"}}')
        self.assertEqual(out.strip(), patched)
        self.assertEqual(self.get_json("patch-demo")["spec"]["deletionPolicy"], "Orphan")

        rv = self.get_json("patch-demo")["metadata"]["resourceVersion"]
        out = self.ok("patch", "zport", "patch-demo", "--type=merge", "-p", '{"spec":{"deletionPolicy":"Orphan"}}')
        self.assertEqual(out.strip(), f"{patched} (no change)")
        self.assertEqual(self.get_json("patch-demo")["metadata"]["resourceVersion"], rv)

        out = self.ok("patch", "zport", "patch-demo", "--type=json",
                      "-p", '[{"op":"replace","path":"/spec/deletionPolicy","value":"RecycleBin"}]')
        self.assertEqual(out.strip(), patched)
        self.assertEqual(self.get_json("patch-demo")["spec"]["deletionPolicy"], "RecycleBin")

        # The status subresource takes only status: the spec change in the same patch is ignored.
        out = self.ok("patch", "zport", "patch-demo", "--subresource=status", "--type=merge",
                      "-p", '{"spec":{"deletionPolicy":"Delete"},"status":{"phase":"Terminating"}}')
        self.assertEqual(out.strip(), patched)
        port = self.get_json("patch-demo")
        self.assertEqual(port["status"]["phase"], "Terminating")
        self.assertEqual(port["spec"]["deletionPolicy"], "RecycleBin")
        generation = port["metadata"]["generation"]
        self.assertEqual(generation, 3, "two spec changes since creation; the status patch must not count")

        # The main resource ignores status.
        self.ok("patch", "zport", "patch-demo", "--type=merge", "-p", '{"status":{"phase":"Failed"}}')
        self.assertEqual(self.get_json("patch-demo")["status"]["phase"], "Terminating")

        err = self.fails("patch", "zport", "patch-demo", "-p", '{"spec":{"deletionPolicy":"Delete"}}')
        self.assertEqual(err.strip(), STRATEGIC_REFUSED)

    def test_patch_with_an_invalid_value_is_rejected(self):
        self.apply(port_manifest("invalid-patch", "sdnport-invpatch-1"))
        err = self.fails("patch", "zport", "invalid-patch", "--type=merge", "-p",
                         '{"spec":{"deletionPolicy":"Nope"}}')
        self.assertIn('The ZenlayerPort "invalid-patch" is invalid: spec.deletionPolicy: Unsupported value: "Nope"',
                      err)
        self.assertEqual(self.get_json("invalid-patch")["spec"]["deletionPolicy"], "Delete")

    # --- delete and finalizers -----------------------------------------------------------------------------------

    def test_delete_without_finalizers_removes_the_port(self):
        self.apply(port_manifest("delete-demo", "sdnport-del-1"))
        out = self.ok("delete", "zport", "delete-demo")
        self.assertTrue(out.startswith(f'{QUALIFIED} "delete-demo" deleted'), out)
        self.assert_not_found("delete-demo")
        # Waiting for an object that is already gone succeeds at once.
        self.ok("wait", "--for=delete", "zport/delete-demo", "--timeout=5s")

    def test_delete_with_a_finalizer_waits_until_the_finalizer_is_removed(self):
        self.apply(port_manifest("finalizer-demo", "sdnport-fin-1", finalizers=[FINALIZER]))
        out = self.ok("delete", "zport", "finalizer-demo", "--wait=false")
        self.assertTrue(out.startswith(f'{QUALIFIED} "finalizer-demo" deleted'), out)

        port = self.get_json("finalizer-demo")
        self.assertIn("deletionTimestamp", port["metadata"])
        self.assertEqual(port["metadata"]["finalizers"], [FINALIZER])

        err = self.fails("wait", "--for=delete", "zport/finalizer-demo", "--timeout=2s")
        self.assertIn("error: timed out waiting for the condition on zenlayerports/finalizer-demo", err)

        # Adding a finalizer to an object being deleted is forbidden.
        err = self.fails("patch", "zport", "finalizer-demo", "--type=merge",
                         "-p", json.dumps({"metadata": {"finalizers": [FINALIZER, "example.com/another"]}}))
        self.assertIn("no new finalizers can be added if the object is being deleted", err)

        waiter = self.kubectl.start("wait", "--for=delete", "zport/finalizer-demo", "--timeout=30s")
        try:
            self.ok("patch", "zport", "finalizer-demo", "--type=json",
                    "-p", '[{"op":"remove","path":"/metadata/finalizers"}]')
        finally:
            code, out, err = Kubectl.finish(waiter, timeout=30)
        self.assertEqual(code, 0, f"kubectl wait --for=delete: {out}{err}")
        self.assert_not_found("finalizer-demo")

    def test_wait_for_delete_survives_an_expired_watch(self):
        # kubectl's reflector must relist after a 410 Expired watch event and still see the deletion.
        self.apply(port_manifest("expire-demo", "sdnport-exp-1", finalizers=[FINALIZER]))
        self.ok("delete", "zport", "expire-demo", "--wait=false")
        waiter = self.kubectl.start("wait", "--for=delete", "zport/expire-demo", "--timeout=30s")
        try:
            self.emulator.wait_for_open_watches(1)
            self.assertGreaterEqual(self.emulator.admin("POST", "/admin/expire-watches")["expired"], 1)
            self.emulator.wait_for_open_watches(1)  # the relisted, re-opened watch
            self.ok("patch", "zport", "expire-demo", "--type=merge", "-p", '{"metadata":{"finalizers":null}}')
        finally:
            code, out, err = Kubectl.finish(waiter, timeout=30)
        self.assertEqual(code, 0, f"kubectl wait --for=delete: {out}{err}")
        self.assert_not_found("expire-demo")

    # --- schema validation ---------------------------------------------------------------------------------------

    def test_create_of_an_invalid_port_is_rejected_with_the_schema_message(self):
        err = self.fails("create", "-f", "-", stdin=port_manifest("bad-policy", "sdnport-bad-1", "Nope"))
        self.assertIn('The ZenlayerPort "bad-policy" is invalid: spec.deletionPolicy: Unsupported value: "Nope": '
                      'supported values: "Delete", "RecycleBin", "Orphan"', err)
        self.assert_not_found("bad-policy")

        manifest = json.loads(port_manifest("bad-port-type", "x"))
        manifest["spec"] = {"dcId": "SIN1", "portName": "n", "portType": "5G", "businessEntityName": "E"}
        err = self.fails("create", "-f", "-", stdin=json.dumps(manifest))
        self.assertIn('The ZenlayerPort "bad-port-type" is invalid: spec.portType: Unsupported value: "5G": '
                      'supported values: "1G", "10G", "40G", "100G", "400G"', err)
        self.assert_not_found("bad-port-type")

        manifest["metadata"]["name"] = "long-port-name"
        manifest["spec"].update(portType="10G", portName="n" * 256)
        err = self.fails("create", "-f", "-", stdin=json.dumps(manifest))
        self.assertIn('The ZenlayerPort "long-port-name" is invalid: spec.portName: Too long: may not be more than '
                      '255 bytes', err)
        self.assert_not_found("long-port-name")

        err = self.fails("create", "-f", "-", stdin=port_manifest("bad-port-id", "-starts-with-dash"))
        self.assertIn('The ZenlayerPort "bad-port-id" is invalid: spec.portId: Invalid value: "-starts-with-dash": '
                      "spec.portId in body should match '^[A-Za-z0-9][A-Za-z0-9._-]*$'", err)

    # --- the examples a user starts from ------------------------------------------------------------------------

    def test_every_example_applies_and_a_port_to_create_needs_no_port_id(self):
        for name in sorted(n for n in os.listdir(EXAMPLES) if n.endswith(".yaml")):
            path = os.path.join(EXAMPLES, name)
            for line in self.ok("apply", "-f", path).splitlines():
                self.assertTrue(line.endswith(" created"), f"{name}: {line}")
        port = self.get_json("sin-edge")
        self.assertNotIn("portId", port["spec"], "examples/new-port.yaml creates its port")
        self.assertEqual(port["spec"]["restore"], False, "the CRD's default must be applied")
        self.assertEqual(port["spec"]["businessEntityName"], "Example Ltd")
        self.assertEqual(self.get_json("fra-uplink")["spec"]["portId"], "port-fra-1")
        for name in sorted(n for n in os.listdir(EXAMPLES) if n.endswith(".yaml")):
            self.ok("delete", "-f", os.path.join(EXAMPLES, name))
        self.assert_not_found("sin-edge")

    # --- built-in kinds the operator uses ------------------------------------------------------------------------

    def test_lease_create_get_delete(self):
        lease = json.dumps({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                            "metadata": {"name": "zpo-leader"},
                            "spec": {"holderIdentity": "operator-0", "leaseDurationSeconds": 15,
                                     "renewTime": "2026-01-01T00:00:00.000000Z"}})
        self.assertEqual(self.ok("create", "-f", "-", stdin=lease).strip(),
                         "lease.coordination.k8s.io/zpo-leader created")
        self.assertEqual(self.ok("get", "lease", "zpo-leader", "-o", "jsonpath={.spec.holderIdentity}"), "operator-0")
        self.assertRegex(self.ok("get", "leases"), r"(?m)^zpo-leader\s")
        # A leader renewing with a stale resourceVersion loses: kubectl replace carries the manifest's RV.
        stale = self.get_json("zpo-leader", kind="lease")
        self.ok("patch", "lease", "zpo-leader", "--type=merge", "-p", '{"spec":{"holderIdentity":"operator-1"}}')
        stale["spec"]["holderIdentity"] = "operator-0"
        err = self.fails("replace", "-f", "-", stdin=json.dumps(stale))
        self.assertIn('Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on '
                      'leases.coordination.k8s.io "zpo-leader": the object has been modified; please apply your '
                      "changes to the latest version and try again", err)
        self.assertEqual(self.ok("get", "lease", "zpo-leader", "-o", "jsonpath={.spec.holderIdentity}"), "operator-1")
        out = self.ok("delete", "lease", "zpo-leader")
        self.assertTrue(out.startswith('lease.coordination.k8s.io "zpo-leader" deleted'), out)
        err = self.fails("get", "lease", "zpo-leader")
        self.assertIn('Error from server (NotFound): leases.coordination.k8s.io "zpo-leader" not found', err)

    def test_event_created_from_a_manifest_is_listed_by_get_events(self):
        event = json.dumps({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "events-demo.port-terminated"},
            "involvedObject": {"apiVersion": "sdn.zenlayer.com/v1alpha1", "kind": "ZenlayerPort",
                               "name": "events-demo", "namespace": "default"},
            "reason": "PortTerminated", "message": "TerminatePort accepted; the port is in the recycle bin",
            "type": "Normal", "source": {"component": "zenlayer-port-operator"}, "count": 1,
            "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z"})
        self.assertEqual(self.ok("create", "-f", "-", stdin=event).strip(), "event/events-demo.port-terminated created")
        out = self.ok("get", "events")
        self.assertIn("PortTerminated", out)
        self.assertIn("TerminatePort accepted; the port is in the recycle bin", out)
        items = json.loads(self.ok("get", "events", "-o", "json"))["items"]
        self.assertIn("events-demo", [i["involvedObject"]["name"] for i in items])

    def test_secret_from_literals_reads_back(self):
        out = self.ok("create", "secret", "generic", "zpo-credentials",
                      "--from-literal=accessKeyId=AK-demo", "--from-literal=accessKeyPassword=s3cr3t-pa55")
        self.assertEqual(out.strip(), "secret/zpo-credentials created")
        data = self.get_json("zpo-credentials", kind="secret")["data"]
        self.assertEqual(base64.b64decode(data["accessKeyId"]).decode(), "AK-demo")
        self.assertEqual(base64.b64decode(data["accessKeyPassword"]).decode(), "s3cr3t-pa55")


if __name__ == "__main__":
    e2e.main()
