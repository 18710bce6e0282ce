#!/usr/bin/python3
"""A second real client against kube-emulator: Debian's python3-kubernetes (22.6.0; run with /usr/bin/python3, not a
pyenv python). It does no discovery and sends its own spellings (watch=True with a capital T, merge-patch content
type for every patch), so it checks the emulator beyond what kubectl exercises. Usage:
    /usr/bin/python3 test_python_client.py --emulator BIN --crd CRD
"""

import json
import sys
import threading
import time
import unittest

import e2e_support as e2e

try:
    from kubernetes import config, watch
    from kubernetes.client import CustomObjectsApi
    from kubernetes.client.rest import ApiException
except ImportError:
    print("SKIP: python3-kubernetes is not installed for /usr/bin/python3")
    sys.exit(e2e.SKIP_EXIT_CODE)

GROUP, VERSION, NAMESPACE, PLURAL = e2e.GROUP, "v1alpha1", "default", "zenlayerports"


def port(name, port_id, labels=None):
    return json.loads(e2e.port_manifest(name, port_id, labels=labels))


class PythonClientAgainstEmulator(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emulator = e2e.Emulator()
        cls.api = CustomObjectsApi(config.new_client_from_config(config_file=cls.emulator.kubeconfig))

    @classmethod
    def tearDownClass(cls):
        cls.api.api_client.close()
        cls.emulator.stop()

    def create(self, body):
        return self.api.create_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, body)

    def get(self, name):
        return self.api.get_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, name)

    def test_create_sets_server_fields_and_defaults(self):
        created = self.create(port("py-create", "sdnport-py-create"))
        meta = created["metadata"]
        self.assertEqual(meta["namespace"], NAMESPACE)
        self.assertEqual(meta["generation"], 1)
        self.assertRegex(meta["uid"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertRegex(meta["creationTimestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(created["spec"]["deletionPolicy"], "Delete")
        with self.assertRaises(ApiException) as caught:
            self.create(port("py-create", "sdnport-py-create"))
        self.assertEqual(caught.exception.status, 409)
        self.assertEqual(json.loads(caught.exception.body)["reason"], "AlreadyExists")

    def test_list_with_a_label_selector(self):
        self.create(port("py-list-a", "sdnport-py-list-a", labels={"team": "edge"}))
        self.create(port("py-list-b", "sdnport-py-list-b", labels={"team": "core"}))
        listed = self.api.list_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, label_selector="team=edge")
        self.assertEqual(listed["kind"], "ZenlayerPortList")
        self.assertEqual([i["metadata"]["name"] for i in listed["items"]], ["py-list-a"])
        self.assertTrue(listed["metadata"]["resourceVersion"])

    def test_watch_from_a_list_resource_version_sees_changes_and_ends_at_its_timeout(self):
        self.create(port("py-watch", "sdnport-py-watch"))
        rv = self.api.list_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL)["metadata"]["resourceVersion"]
        events = []

        def consume():
            stream = watch.Watch().stream(self.api.list_namespaced_custom_object, GROUP, VERSION, NAMESPACE, PLURAL,
                                          resource_version=rv, timeout_seconds=3, allow_watch_bookmarks=True)
            for event in stream:
                events.append((event["type"], event["object"]))

        started = time.monotonic()
        consumer = threading.Thread(target=consume)
        consumer.start()
        self.api.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "py-watch",
                                                {"spec": {"deletionPolicy": "Orphan"}})
        self.api.delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "py-watch")
        consumer.join(timeout=15)
        self.assertFalse(consumer.is_alive(), "the watch must end after timeoutSeconds")
        self.assertLess(time.monotonic() - started, 10)

        changes = [(t, o["metadata"]["name"]) for t, o in events if t != "BOOKMARK"]
        self.assertEqual(changes, [("MODIFIED", "py-watch"), ("DELETED", "py-watch")])
        modified = events[[t for t, _ in events].index("MODIFIED")][1]
        self.assertEqual(modified["spec"]["deletionPolicy"], "Orphan")
        self.assertGreater(int(modified["metadata"]["resourceVersion"]), int(rv))

    def test_merge_patch_and_status_patch(self):
        created = self.create(port("py-patch", "sdnport-py-patch"))
        patched = self.api.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "py-patch",
                                                          {"spec": {"deletionPolicy": "RecycleBin"}})
        self.assertEqual(patched["spec"]["deletionPolicy"], "RecycleBin")
        self.assertEqual(patched["metadata"]["generation"], 2)
        self.assertNotEqual(patched["metadata"]["resourceVersion"], created["metadata"]["resourceVersion"])

        status = {"status": {"phase": "Recycled", "portStatus": "RECYCLED", "observedGeneration": 2}}
        patched = self.api.patch_namespaced_custom_object_status(GROUP, VERSION, NAMESPACE, PLURAL, "py-patch", status)
        self.assertEqual(patched["status"]["phase"], "Recycled")
        self.assertEqual(patched["metadata"]["generation"], 2, "a status write must not bump generation")
        self.assertEqual(self.get("py-patch")["status"]["portStatus"], "RECYCLED")

    def test_json_patch_body_sent_as_merge_patch_is_refused_not_dropped(self):
        self.create(port("py-shape", "sdnport-py-shape"))
        with self.assertRaises(ApiException) as caught:
            self.api.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "py-shape",
                                                    [{"op": "replace", "path": "/spec/deletionPolicy",
                                                      "value": "Orphan"}])
        self.assertTrue(400 <= caught.exception.status < 500, caught.exception.status)
        self.assertEqual(self.get("py-shape")["spec"]["deletionPolicy"], "Delete")

    def test_replace_with_a_stale_resource_version_conflicts(self):
        stale = self.create(port("py-replace", "sdnport-py-replace"))
        self.api.patch_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "py-replace",
                                                {"metadata": {"labels": {"touched": "yes"}}})
        stale["spec"]["deletionPolicy"] = "Orphan"
        with self.assertRaises(ApiException) as caught:
            self.api.replace_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "py-replace", stale)
        self.assertEqual(caught.exception.status, 409)
        status = json.loads(caught.exception.body)
        self.assertEqual(status["reason"], "Conflict")
        self.assertEqual(status["message"],
                         f'Operation cannot be fulfilled on zenlayerports.{GROUP} "py-replace": the object has been '
                         "modified; please apply your changes to the latest version and try again")
        self.assertEqual(self.get("py-replace")["spec"]["deletionPolicy"], "Delete")

        fresh = self.get("py-replace")
        fresh["spec"]["deletionPolicy"] = "Orphan"
        replaced = self.api.replace_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "py-replace", fresh)
        self.assertEqual(replaced["spec"]["deletionPolicy"], "Orphan")

    def test_delete_returns_a_status_and_the_port_is_gone(self):
        self.create(port("py-delete", "sdnport-py-delete"))
        status = self.api.delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, "py-delete")
        self.assertEqual((status["kind"], status["status"]), ("Status", "Success"))
        with self.assertRaises(ApiException) as caught:
            self.get("py-delete")
        self.assertEqual(caught.exception.status, 404)


if __name__ == "__main__":
    e2e.main()
