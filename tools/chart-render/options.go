package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

const usage = `Usage: chart-render --chart DIR [flags]          (or: chart-render [NAME] CHART [flags])

Renders a Helm chart like "helm template" (Helm v3 semantics) without Helm.
  --chart DIR                 chart directory (contains Chart.yaml)
  -f, --values FILE           values file, merged over the chart's values.yaml (repeatable, in order)
  --set key=value             set values on the command line (repeatable; a.b=c, a[0]=x, a={x,y})
  --set-string key=value      like --set but every value is a string
  --set-file key=path         set a value to the contents of a file
  --release NAME              release name (default "release-name")
  -n, --namespace NS          release namespace (default "default")
  --kube-version VERSION      Kubernetes version for .Capabilities (default v1.30.0)
  -a, --api-versions G/V      extra API versions for .Capabilities.APIVersions (repeatable; g/v or g/v/Kind)
  -s, --show-only PATH        only print the manifests rendered from templates/PATH (repeatable, globs allowed)
  --notes                     also print the rendered NOTES.txt
  --is-upgrade                render with .Release.IsUpgrade=true, IsInstall=false
`

var errHelp = errors.New("help requested")

// options are the parsed command line.
type options struct {
	chartDir    string
	valueFiles  []string
	sets        []string
	setStrings  []string
	setFiles    []string
	releaseName string
	namespace   string
	kubeVersion string
	apiVersions []string
	showOnly    []string
	notes       bool
	isUpgrade   bool
}

// repeated collects every occurrence of a flag, in order.
type repeated struct{ values *[]string }

func (r repeated) String() string {
	if r.values == nil {
		return ""
	}
	return strings.Join(*r.values, ",")
}

func (r repeated) Set(v string) error {
	*r.values = append(*r.values, v)
	return nil
}

func parseArgs(args []string) (*options, error) {
	o := &options{releaseName: "release-name", namespace: "default", kubeVersion: "v1.30.0"}
	fs := flag.NewFlagSet("chart-render", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.chartDir, "chart", "", "")
	fs.Var(repeated{&o.valueFiles}, "values", "")
	fs.Var(repeated{&o.valueFiles}, "f", "")
	fs.Var(repeated{&o.sets}, "set", "")
	fs.Var(repeated{&o.setStrings}, "set-string", "")
	fs.Var(repeated{&o.setFiles}, "set-file", "")
	fs.StringVar(&o.releaseName, "release", o.releaseName, "")
	fs.StringVar(&o.namespace, "namespace", o.namespace, "")
	fs.StringVar(&o.namespace, "n", o.namespace, "")
	fs.StringVar(&o.kubeVersion, "kube-version", o.kubeVersion, "")
	fs.Var(repeated{&o.apiVersions}, "api-versions", "")
	fs.Var(repeated{&o.apiVersions}, "a", "")
	fs.Var(repeated{&o.showOnly}, "show-only", "")
	fs.Var(repeated{&o.showOnly}, "s", "")
	fs.BoolVar(&o.notes, "notes", false, "")
	fs.BoolVar(&o.isUpgrade, "is-upgrade", false, "")

	// Go's flag package stops at the first positional argument; Helm allows flags after NAME and CHART.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, errHelp
			}
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	switch len(positional) {
	case 0:
	case 1:
		o.chartDir = positional[0]
	case 2:
		o.releaseName, o.chartDir = positional[0], positional[1]
	default:
		return nil, fmt.Errorf("expected at most 2 arguments (NAME CHART), got %d", len(positional))
	}
	if o.chartDir == "" {
		return nil, errors.New("--chart is required")
	}
	if o.releaseName == "" {
		return nil, errors.New("--release must not be empty")
	}
	return o, nil
}

// userValues merges the values given on the command line in Helm's order: every -f file, then every --set, then
// every --set-string, then every --set-file (whatever order they were written in).
func (o *options) userValues() (map[string]interface{}, error) {
	base := map[string]interface{}{}
	for _, file := range o.valueFiles {
		data, err := readValuesSource(file)
		if err != nil {
			return nil, err
		}
		current := map[string]interface{}{}
		if err := yaml.Unmarshal(data, &current); err != nil {
			return nil, fmt.Errorf("failed to parse %s: %s", file, err)
		}
		base = mergeMaps(base, current)
	}
	for _, s := range o.sets {
		if err := parseSet(s, base, false); err != nil {
			return nil, fmt.Errorf("failed parsing --set data: %s", err)
		}
	}
	for _, s := range o.setStrings {
		if err := parseSet(s, base, true); err != nil {
			return nil, fmt.Errorf("failed parsing --set-string data: %s", err)
		}
	}
	for _, s := range o.setFiles {
		if err := parseSetFile(s, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set-file data: %s", err)
		}
	}
	return base, nil
}

// readValuesSource reads a values file; "-" is standard input, as in Helm.
func readValuesSource(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(name)
}
