#!/usr/bin/python3
"""End-to-end tests of chart-render (tools/chart-render) against the fixture chart in this folder.

Each test runs the real binary and checks what `helm template` would print for the same chart and flags (Helm v3
semantics: values merging, null deletion, --set typing, schema errors, required errors, document order).

Run by hand:  /usr/bin/python3 tests/chart_render/test_chart_render.py --binary build/tools/chart-render/bin/chart-render
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixture")
BINARY = None


def render(*args, chart=FIXTURE):
    proc = subprocess.run([BINARY, "--chart", chart, *args], capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def documents(stdout):
    """Splits helm-template output into (source, parsed document) pairs, checking the exact framing."""
    assert stdout.startswith("---\n# Source: "), stdout[:80]
    out = []
    for chunk in stdout.split("---\n# Source: ")[1:]:
        source, _, body = chunk.partition("\n")
        out.append((source, yaml.safe_load(body)))
    return out


def render_ok(testcase, *args, chart=FIXTURE):
    rc, out, err = render(*args, chart=chart)
    testcase.assertEqual(rc, 0, err)
    return documents(out)


def configmap(testcase, *args, chart=FIXTURE):
    docs = [d for s, d in render_ok(testcase, *args, chart=chart) if d["kind"] == "ConfigMap"]
    testcase.assertEqual(len(docs), 1)
    return docs[0]


class CopiedChart:
    """A writable copy of the fixture (symlinks resolved) for tests that add or change templates."""

    def __enter__(self):
        self.tmp = tempfile.mkdtemp(prefix="chart-render-")
        self.chart = os.path.join(self.tmp, "fixture")
        shutil.copytree(FIXTURE, self.chart, symlinks=False)
        return self

    def write(self, rel, text):
        with open(os.path.join(self.chart, rel), "w") as f:
            f.write(text)

    def __exit__(self, *exc):
        shutil.rmtree(self.tmp)


class BuiltinsTest(unittest.TestCase):
    def test_default_render_of_every_builtin(self):
        data = configmap(self)["data"]
        self.assertEqual(data["chart"], "fixture 1.2.3 9.9 platform")
        self.assertEqual(data["release"], "release-name Helm true false 1")
        self.assertEqual(data["template"], "fixture/templates/configmap.yaml fixture/templates")
        self.assertEqual(data["kubeVersion"], "v1.30.0")
        self.assertEqual((data["kubeMajor"], data["kubeMinor"]), ("1", "30"))
        self.assertEqual(data["hasApps"], "true")
        self.assertEqual(data["hasDeploymentKind"], "true")
        # default (Sprig) falls back to .Chart.AppVersion because image.tag is "".
        self.assertEqual(data["image"], "example.com/app:9.9")
        self.assertEqual(data["fromJson"], "7")
        self.assertEqual(data["lookup"], "0")  # helm template's lookup answers an empty map
        self.assertTrue(data["badYaml"].startswith("error converting YAML to JSON"), data["badYaml"])
        self.assertEqual(data["mustHave"], "present")

    def test_include_with_nindent_builds_labels(self):
        cm = configmap(self, "--release", "shop")
        self.assertEqual(cm["metadata"]["name"], "shop-fixture")
        self.assertEqual(cm["metadata"]["labels"], {
            "app.kubernetes.io/name": "fixture", "app.kubernetes.io/instance": "shop",
            "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "fixture-1.2.3"})

    def test_tpl_renders_a_value_with_the_release(self):
        data = configmap(self, "--release", "shop", "--namespace", "team-a")["data"]
        self.assertEqual(data["greeting"], "hello shop in team-a")
        data = configmap(self, "--set", "greeting=v{{ .Values.replicaCount }} {{ include \"fixture.fullname\" . }}")["data"]
        self.assertEqual(data["greeting"], "v1 release-name-fixture")
        # A define inside the tpl string is includable from the same string (Helm binds include to the clone).
        # (From a file: on the command line a value starting with "{" is a list literal, in Helm too.)
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("greeting: '{{ define \"local\" }}L{{ .Release.Name }}{{ end }}{{ include \"local\" . }}'\n")
            f.flush()
            data = configmap(self, "-f", f.name)["data"]
        self.assertEqual(data["greeting"], "Lrelease-name")

    def test_to_yaml_of_nested_map_is_sorted_and_trimmed(self):
        _, out, _ = render("-s", "templates/configmap.yaml")
        self.assertIn("  resources: |\n    limits:\n      cpu: 200m\n      memory: 64Mi\n    requests:\n"
                      "      cpu: 50m\n  annotations:", out)

    def test_missing_keys_render_empty_not_no_value(self):
        rc, out, _ = render()
        self.assertEqual(rc, 0)
        self.assertNotIn("<no value>", out)
        data = configmap(self)["data"]
        self.assertEqual((data["missing"], data["missingNested"]), ("", ""))

    def test_yaml_numbers_are_float64_like_helm(self):
        # Helm reads values files through JSON, so integers from values.yaml are float64 (1234567 prints 1.234567e+06)
        # while --set integers are int64. Charts must cope with both; the render must show the same.
        data = configmap(self)["data"]
        self.assertEqual((data["replicas"], data["replicasKind"]), ("1", "float64"))
        self.assertEqual(data["bigNumber"], "1.234567e+06")
        data = configmap(self, "--set", "replicaCount=3")["data"]
        self.assertEqual((data["replicas"], data["replicasKind"]), ("3", "int64"))

    def test_duplicate_define_resolves_like_helm(self):
        # Helm parses templates/_b.tpl before templates/_a.tpl, so _a.tpl's definition wins.
        with CopiedChart() as c:
            c.write("templates/_a.tpl", '{{- define "fixture.fullname" -}}from-a{{- end -}}')
            c.write("templates/_b.tpl", '{{- define "fixture.fullname" -}}from-b{{- end -}}')
            self.assertEqual(configmap(self, chart=c.chart)["metadata"]["name"], "from-a")

    def test_include_recursion_is_bounded(self):
        with CopiedChart() as c:
            c.write("templates/_loop.tpl", '{{- define "fixture.loop" -}}{{ include "fixture.loop" . }}{{- end -}}')
            c.write("templates/loop.yaml", 'x: {{ include "fixture.loop" . }}\n')
            rc, out, err = render(chart=c.chart)
        self.assertEqual((rc, out), (1, ""))
        self.assertTrue(err.startswith("Error: template: fixture/templates/loop.yaml:1:6: "), err[:200])
        self.assertTrue(err.endswith("rendering template has a nested reference name: fixture.loop: "
                                     "unable to execute template\n"), err[-200:])

    def test_env_is_not_available(self):
        with CopiedChart() as c:
            c.write("templates/env.yaml", 'home: {{ env "HOME" }}\n')
            rc, out, err = render(chart=c.chart)
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertEqual(err.strip(), 'Error: parse error at (fixture/templates/env.yaml:1): function "env" not defined')


class SymlinkedFilesTest(unittest.TestCase):
    def test_files_get_and_glob_follow_symlinks(self):
        # The point of the test: the chart reaches these files only through symlinks that leave the chart folder.
        self.assertTrue(os.path.islink(os.path.join(FIXTURE, "files", "linked.yaml")))
        self.assertTrue(os.path.islink(os.path.join(FIXTURE, "files", "linkdir")))
        data = configmap(self)["data"]
        self.assertEqual(data["linkedAnswer"], "42")
        self.assertEqual(data["linkedNames"], "a,b")
        self.assertEqual(data["globbed"], "files/linkdir/one.txt;files/linkdir/two.txt;")
        self.assertEqual(data["lines"], "3")  # "second\nthird\n" splits into 3 lines, as Helm's .Files.Lines


class ChartLoadingTest(unittest.TestCase):
    def test_helmignore_hides_files(self):
        with CopiedChart() as c:
            c.write(".helmignore", "# comment\nlinkdir/\n*.md\n")
            c.write("files/README.md", "x")
            c.write("templates/.swap.yaml", "{{ this is not a template")  # hidden: ignored by Helm's loader
            data = configmap(self, chart=c.chart)["data"]
        self.assertEqual(data["globbed"], "")
        self.assertEqual(data["linkedAnswer"], "42")

    def test_chart_yaml_is_validated(self):
        for bad, message in (("version: 1.2.3", 'validation: chart.metadata.version "one" is invalid'),
                             ("name: fixture", "validation: chart.metadata.name is required")):
            with CopiedChart() as c:
                with open(os.path.join(c.chart, "Chart.yaml")) as f:
                    text = f.read()
                c.write("Chart.yaml", text.replace(bad, "version: one" if "version" in bad else ""))
                rc, out, err = render(chart=c.chart)
            self.assertEqual((rc, out, err), (1, "", "Error: " + message + "\n"))


class OutputTest(unittest.TestCase):
    def test_documents_in_helm_install_order_with_sources(self):
        docs = render_ok(self)
        # ServiceAccount before ConfigMap before Service (Helm's InstallOrder), though two come from one file.
        self.assertEqual([(s, d["kind"]) for s, d in docs], [
            ("fixture/templates/multi.yaml", "ServiceAccount"),
            ("fixture/templates/configmap.yaml", "ConfigMap"),
            ("fixture/templates/multi.yaml", "Service"),
        ])

    def test_partials_empty_files_and_notes(self):
        rc, out, _ = render()
        self.assertEqual(rc, 0)
        for absent in ("_helpers.tpl", "empty.yaml", "NOTES.txt", "servicemonitor.yaml"):
            self.assertNotIn(absent, out)
        rc, out, _ = render("--notes", "--release", "shop")
        self.assertEqual(rc, 0)
        self.assertTrue(out.endswith("---\n# Source: fixture/templates/NOTES.txt\n"
                                     "Release shop installed fixture 9.9.\n"), out[-200:])

    def test_show_only(self):
        docs = render_ok(self, "--show-only", "templates/multi.yaml")
        self.assertEqual([d["kind"] for _, d in docs], ["ServiceAccount", "Service"])
        rc, out, err = render("-s", "templates/nope.yaml")
        self.assertEqual((rc, out), (1, ""))
        self.assertEqual(err.strip(), "Error: could not find template templates/nope.yaml in chart")

    def test_invalid_yaml_names_the_template(self):
        rc, out, err = render("--set", "breakYaml=true")
        self.assertEqual((rc, out), (1, ""))
        self.assertRegex(err, r"^Error: YAML parse error on fixture/templates/multi\.yaml: error converting YAML to "
                              r"JSON: yaml: line \d+: ")

    def test_hooks_come_after_manifests(self):
        with CopiedChart() as c:
            c.write("templates/aaa-hook.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hook\n"
                                               "  annotations:\n    helm.sh/hook: pre-install\n")
            docs = render_ok(self, chart=c.chart)
        self.assertEqual([d["metadata"]["name"] for _, d in docs][-1], "hook")
        self.assertEqual(len(docs), 4)

    def test_template_parse_error(self):
        with CopiedChart() as c:
            c.write("templates/broken.yaml", "a: b\nc: {{ .Values.x | nosuchfunc }}\n")
            rc, _, err = render(chart=c.chart)
        self.assertEqual(rc, 1)
        self.assertEqual(err, 'Error: parse error at (fixture/templates/broken.yaml:2): function "nosuchfunc" not defined\n')


class RequiredTest(unittest.TestCase):
    def test_required_fails_on_null_and_on_empty_string(self):
        with open(os.path.join(FIXTURE, "templates", "configmap.yaml")) as f:
            line = next(i for i, l in enumerate(f, 1) if "required" in l)
        for override in ("mustHave=null", "mustHave="):
            rc, out, err = render("--set", override)
            self.assertEqual((rc, out), (1, ""), override)
            self.assertRegex(err, r"^Error: execution error at \(fixture/templates/configmap\.yaml:%d:\d+\): "
                                  r"mustHave is required: set it to any non-empty string\n$" % line)

    def test_fail_reports_like_required(self):
        with CopiedChart() as c:
            c.write("templates/check.yaml", "{{- if gt (int .Values.replicaCount) 5 }}\n"
                                            "{{- fail \"replicaCount must be at most 5\" }}\n{{- end }}\n")
            self.assertEqual(render_ok(self, "--set", "replicaCount=5", chart=c.chart)[1][1]["kind"], "ConfigMap")
            rc, out, err = render("--set", "replicaCount=6", chart=c.chart)
        self.assertEqual((rc, out), (1, ""))
        self.assertEqual(err, "Error: execution error at (fixture/templates/check.yaml:2:4): "
                              "replicaCount must be at most 5\n")

    def test_required_passes_a_value(self):
        self.assertEqual(configmap(self, "--set", "mustHave=x")["data"]["mustHave"], "x")


class ValuesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="chart-render-values-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def values_file(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(content)
        return path

    def test_values_files_merge_in_order_and_null_deletes_a_default(self):
        first = self.values_file("a.yaml", "resources:\n  limits:\n    cpu: '1'\npodAnnotations:\n  new: x\n"
                                           "image:\n  tag: from-a\n")
        second = self.values_file("b.yaml", "podAnnotations:\n  drop: null\nresources:\n  requests: null\n"
                                            "image:\n  tag: from-b\n")
        data = configmap(self, "-f", first, "--values", second)["data"]
        self.assertEqual(json.loads(data["annotations"]), {"keep": "yes", "new": "x"})
        self.assertEqual(yaml.safe_load(data["resources"]), {"limits": {"cpu": "1", "memory": "64Mi"}})
        self.assertEqual(data["image"], "example.com/app:from-b")

    def test_set_wins_over_files_whatever_the_order(self):
        f = self.values_file("a.yaml", "image:\n  tag: from-file\n")
        data = configmap(self, "--set-string", "image.tag=from-set", "-f", f)["data"]
        self.assertEqual(data["image"], "example.com/app:from-set")

    def test_set_syntax(self):
        data = configmap(self, "--set", r"extra.list[1].name=x,extra.lit={1,two,true},extra.dotted\.key=v",
                         "--set", "extra.n=007,extra.b=false,extra.s=a\\,b")["data"]
        self.assertEqual(yaml.safe_load(data["extra"]), {
            "list": [None, {"name": "x"}], "lit": [1, "two", True], "dotted.key": "v",
            "n": "007", "b": False, "s": "a,b"})

    def test_set_string_keeps_strings(self):
        data = configmap(self, "--set-string", "extra.n=5,extra.t=true")["data"]
        self.assertEqual(yaml.safe_load(data["extra"]), {"n": "5", "t": "true"})

    def test_set_file(self):
        path = self.values_file("g.txt", "from a file")
        self.assertEqual(configmap(self, "--set-file", "greeting=" + path)["data"]["greeting"], "from a file")

    def test_set_without_value_is_an_error(self):
        rc, out, err = render("--set", "novalue")
        self.assertEqual((rc, out), (1, ""))
        self.assertEqual(err.strip(), 'Error: failed parsing --set data: key "novalue" has no value')


class SchemaTest(unittest.TestCase):
    def test_violations_are_reported_like_helm(self):
        rc, out, err = render("--set", "replicaCount=0", "--set", "image.tag=5", "--set", "image.pullPolicy=Sometimes")
        self.assertEqual((rc, out), (1, ""))
        self.assertTrue(err.startswith("Error: values don't meet the specifications of the schema(s) in the "
                                       "following chart(s):\nfixture:\n"), err)
        lines = sorted(l for l in err.splitlines() if l.startswith("- "))
        self.assertEqual(lines, [
            "- image.pullPolicy: image.pullPolicy must be one of the following: \"Always\", \"IfNotPresent\", \"Never\"",
            "- image.tag: Invalid type. Expected: string, given: integer",
            "- replicaCount: Must be greater than or equal to 1",
        ])

    def test_schema_sees_merged_values(self):
        # replicaCount removed with null -> the schema's "required" fails, as in Helm.
        rc, _, err = render("--set", "replicaCount=null")
        self.assertEqual(rc, 1)
        self.assertIn("- (root): replicaCount is required", err)
        rc, _, err = render("--set", "image.bogus=1")
        self.assertIn("- image: Additional property bogus is not allowed", err)


class CapabilitiesTest(unittest.TestCase):
    def test_api_versions_gate(self):
        self.assertNotIn("ServiceMonitor", [d["kind"] for _, d in render_ok(self)])
        docs = render_ok(self, "--api-versions", "monitoring.coreos.com/v1")
        self.assertEqual(docs[-1][0], "fixture/templates/servicemonitor.yaml")  # unknown kinds go last
        self.assertEqual(docs[-1][1]["kind"], "ServiceMonitor")

    def test_kube_version(self):
        data = configmap(self, "--kube-version", "1.28")["data"]
        self.assertEqual((data["kubeVersion"], data["kubeMinor"]), ("v1.28.0", "28"))
        rc, out, err = render("--kube-version", "v1.24.3")
        self.assertEqual((rc, out), (1, ""))
        self.assertEqual(err.strip(), "Error: chart requires kubeVersion: >=1.25.0-0 which is incompatible with "
                                      "Kubernetes v1.24.3")


def main():
    global BINARY
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args, rest = parser.parse_known_args()
    BINARY = os.path.abspath(args.binary)
    if not os.access(BINARY, os.X_OK):
        print("chart-render not built: " + BINARY, file=sys.stderr)
        sys.exit(77)
    unittest.main(argv=[sys.argv[0]] + rest)


if __name__ == "__main__":
    main()
