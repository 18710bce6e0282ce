#!/usr/bin/python3
"""kubectl 1.27/1.28 against kube-emulator. These versions read OpenAPI only as v2 protobuf, which the emulator
does not serve (/openapi/v2 is a 404), so client-side validation cannot work: `apply` needs --validate=false
(a documented limitation, kube-api-emulation.md 1.2). Everything else behaves as with 1.29+. Usage:
    /usr/bin/python3 test_kubectl_legacy.py --emulator BIN --crd CRD --kubectl-dir DIR --kubectl-version 1.28
"""

import json
import unittest

import e2e_support as e2e
from e2e_support import QUALIFIED, RESOURCE, Kubectl, port_manifest


class LegacyKubectlAgainstEmulator(e2e.KubectlTestCase):
    def run_ok(self, *args, stdin=None):
        return self.ok(*args, stdin=stdin).strip()

    def test_apply_without_validate_false_fails_for_lack_of_openapi_v2(self):
        r = self.kubectl.run("apply", "-f", "-", stdin=port_manifest("needs-v2", "sdnport-v2-1"))
        self.assertEqual(r.returncode, 1, r.stdout)
        # The emulator answers /openapi/v2 with a 404 Status, as a real apiserver answers unknown paths; kubectl
        # reports it as such (a stub answering a bare 404 gets "failed to download openapi ... --validate=false").
        self.assertIn("Error from server (NotFound): the server could not find the requested resource", r.stderr)
        self.assertEqual(self.kubectl.run("get", "zport", "needs-v2").returncode, 1, "nothing was created")

    def test_apply_with_validate_false_creates_updates_and_reports_unchanged(self):
        manifest = port_manifest("legacy-demo", "sdnport-legacy-1")
        self.assertEqual(self.run_ok("apply", "--validate=false", "-f", "-", stdin=manifest),
                         f"{QUALIFIED}/legacy-demo created")
        self.assertEqual(self.run_ok("apply", "--validate=false", "-f", "-", stdin=manifest),
                         f"{QUALIFIED}/legacy-demo unchanged")
        changed = port_manifest("legacy-demo", "sdnport-legacy-1", deletion_policy="RecycleBin")
        self.assertEqual(self.run_ok("apply", "--validate=false", "-f", "-", stdin=changed),
                         f"{QUALIFIED}/legacy-demo configured")
        port = json.loads(self.run_ok("get", "zport", "legacy-demo", "-o", "json"))
        self.assertEqual(port["spec"]["deletionPolicy"], "RecycleBin")

        lines = self.run_ok("get", "zports", "legacy-demo").splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "PORT-ID", "PHASE", "PORT-STATUS", "READY", "AGE"])
        self.assertRegex(lines[1], r"^legacy-demo\s+\d+s$")  # PORT-ID reads status.portId, not written yet

        self.assertTrue(self.run_ok("delete", "zport", "legacy-demo").startswith(f'{QUALIFIED} "legacy-demo" deleted'))
        r = self.kubectl.run("get", "zport", "legacy-demo")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f'Error from server (NotFound): {RESOURCE} "legacy-demo" not found', r.stderr)


if __name__ == "__main__":
    e2e.main()
