// Command chart-render renders a Helm chart the way `helm template` does, for tests on machines without Helm.
// It uses Go's text/template with the Sprig function library and re-implements the parts of Helm v3's engine
// that a chart sees: the built-in objects, include/tpl/required/toYaml/..., values merging and schema validation.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	opts, err := parseArgs(os.Args[1:])
	if err == errHelp {
		fmt.Fprint(os.Stdout, usage)
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %s\n\n%s", err, usage)
		os.Exit(2)
	}
	if err := run(opts, os.Stdout, os.Stderr); err != nil {
		// Helm prints every failure as "Error: <message>" and exits 1.
		fmt.Fprintf(os.Stderr, "Error: %s\n", err)
		os.Exit(1)
	}
}

// run loads the chart, builds the values and capabilities, renders and writes the manifests.
func run(opts *options, stdout, stderr io.Writer) error {
	chart, err := loadChart(opts.chartDir)
	if err != nil {
		return err
	}
	caps, err := newCapabilities(opts.kubeVersion, opts.apiVersions)
	if err != nil {
		return err
	}
	if err := checkKubeVersion(chart.Metadata, caps); err != nil {
		return err
	}
	userValues, err := opts.userValues()
	if err != nil {
		return err
	}
	values := coalesceValues(chart.Values, userValues, func(msg string) { fmt.Fprintln(stderr, msg) })
	if err := validateAgainstSchema(chart, values); err != nil {
		return err
	}
	release := map[string]interface{}{
		"Name":      opts.releaseName,
		"Namespace": opts.namespace,
		"Service":   "Helm",
		"IsInstall": !opts.isUpgrade,
		"IsUpgrade": opts.isUpgrade,
		"Revision":  1,
	}
	rendered, err := renderChart(chart, values, release, caps)
	if err != nil {
		return err
	}
	manifests, hooks, notes, err := sortRendered(chart, rendered)
	if err != nil {
		return err
	}
	return writeManifests(stdout, chart, manifests, hooks, notes, opts)
}
