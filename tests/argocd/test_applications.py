"""The example Argo CD Applications (argocd/applications/, argocd/root-application.yaml) parse and say what
docs/argocd.md says: the operator's Application in an earlier sync wave than the ports', both with the cascade
finalizer, the operator from this repository's Helm chart with values the chart has, the ports from a directory.

    /usr/bin/python3 tests/argocd/test_applications.py
"""

import os
import unittest

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
APPLICATIONS = os.path.join(ROOT, "argocd", "applications")
ROOT_APPLICATION = os.path.join(ROOT, "argocd", "root-application.yaml")
CHART = os.path.join(ROOT, "charts", "zenlayer-port-operator")
WAVE = "argocd.argoproj.io/sync-wave"
CASCADE = "resources-finalizer.argocd.argoproj.io"


def load(path):
    with open(path, encoding="utf-8") as f:
        documents = [d for d in yaml.safe_load_all(f) if d is not None]
    if len(documents) != 1:
        raise AssertionError(f"{path}: expected one document, found {len(documents)}")
    return documents[0]


def applications():
    return {name: load(os.path.join(APPLICATIONS, name))
            for name in sorted(os.listdir(APPLICATIONS)) if name.endswith(".yaml")}


def leaves(values, prefix=()):
    """The key paths of the leaves of a values tree."""
    for key, value in values.items():
        path = prefix + (key,)
        if isinstance(value, dict) and value:
            yield from leaves(value, path)
        else:
            yield path


def has_key(values, path):
    """`path` (a list of keys) is a value of the chart, or lies in one of its free-form maps (a default of {},
    such as crds.annotations)."""
    node = values
    for part in path:
        if isinstance(node, dict) and not node:
            return True
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


class Applications(unittest.TestCase):
    def test_each_is_an_application(self):
        apps = applications()
        self.assertEqual(set(apps), {"zenlayer-port-operator.yaml", "zenlayer-ports.yaml"})
        for name, app in list(apps.items()) + [("root-application.yaml", load(ROOT_APPLICATION))]:
            with self.subTest(file=name):
                self.assertEqual(app["apiVersion"], "argoproj.io/v1alpha1")
                self.assertEqual(app["kind"], "Application")
                self.assertEqual(app["metadata"]["namespace"], "argocd")
                spec = app["spec"]
                self.assertIn("project", spec)
                self.assertTrue(spec["source"]["repoURL"].startswith("https://"))
                self.assertIn("path", spec["source"])
                self.assertIn("server", spec["destination"])

    def test_operator_syncs_before_the_ports(self):
        apps = applications()
        operator = int(apps["zenlayer-port-operator.yaml"]["metadata"]["annotations"][WAVE])
        ports = int(apps["zenlayer-ports.yaml"]["metadata"]["annotations"][WAVE])
        self.assertLess(operator, 0)
        self.assertGreaterEqual(ports, 0)
        self.assertLess(operator, ports)

    def test_cascade_finalizers(self):
        for name, app in applications().items():
            with self.subTest(file=name):
                self.assertIn(CASCADE, app["metadata"].get("finalizers", []))
        # The root must not cascade: deleting it would delete the operator and the ports together.
        root = load(ROOT_APPLICATION)
        self.assertNotIn(CASCADE, root["metadata"].get("finalizers", []))
        self.assertFalse(root["spec"]["syncPolicy"]["automated"]["prune"])
        self.assertEqual(root["spec"]["source"]["path"], "argocd/applications")

    def test_operator_from_the_chart(self):
        app = applications()["zenlayer-port-operator.yaml"]
        source = app["spec"]["source"]
        self.assertEqual(source["path"], "charts/zenlayer-port-operator")
        values = source["helm"]["valuesObject"]
        self.assertIs(values["crds"]["keep"], True)
        if not os.path.isdir(CHART):
            self.skipTest("charts/zenlayer-port-operator is not in this checkout")
        with open(os.path.join(CHART, "values.yaml"), encoding="utf-8") as f:
            chart_values = yaml.safe_load(f)
        for path in leaves(values):
            self.assertTrue(has_key(chart_values, path), f"{'.'.join(path)} is not a value of the chart")
        self.assertEqual(values["crds"]["annotations"]["argocd.argoproj.io/sync-options"], "Prune=false")

    def test_ports_from_a_directory(self):
        app = applications()["zenlayer-ports.yaml"]
        self.assertIs(app["spec"]["source"]["directory"]["recurse"], True)
        self.assertNotIn("helm", app["spec"]["source"])
        self.assertIs(app["spec"]["syncPolicy"]["automated"]["prune"], True)


if __name__ == "__main__":
    unittest.main()
