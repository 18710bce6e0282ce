package main

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	semver "github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"
)

// Metadata is Chart.yaml. Templates see it as .Chart with Helm's capitalised field names (.Chart.AppVersion).
type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*Maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []*Dependency     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

// Maintainer is one entry of Chart.yaml maintainers.
type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Dependency is one entry of Chart.yaml dependencies (subcharts are not rendered by this tool).
type Dependency struct {
	Name       string   `json:"name"`
	Version    string   `json:"version,omitempty"`
	Repository string   `json:"repository"`
	Condition  string   `json:"condition,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	Alias      string   `json:"alias,omitempty"`
}

// Chart is a loaded chart directory.
type Chart struct {
	Metadata  *Metadata
	Values    map[string]interface{}
	Schema    []byte
	Templates map[string]string // "templates/x.yaml" -> source
	Files     map[string][]byte // every other file, relative path -> contents (.Files)
}

// loadChart reads a chart directory the way Helm's directory loader does, following symlinks (Helm does too), so
// a chart can reference a file kept elsewhere in the repository as its single source.
func loadChart(dir string) (*Chart, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a chart directory (packaged charts are not supported)", dir)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("Chart.yaml file is missing in %s", dir)
	}
	c := &Chart{Metadata: &Metadata{}, Values: map[string]interface{}{}, Templates: map[string]string{},
		Files: map[string][]byte{}}
	if err := yaml.Unmarshal(raw, c.Metadata); err != nil {
		return nil, fmt.Errorf("cannot load Chart.yaml: %s", err)
	}
	if err := validateMetadata(c.Metadata); err != nil {
		return nil, err
	}
	ignore, err := loadHelmignore(dir)
	if err != nil {
		return nil, err
	}
	err = walkFollowingSymlinks(dir, "", 0, func(rel string, data []byte) error {
		// Helm's loader always ignores hidden files in templates/ (editor swap files and the like).
		if ignore.ignored(rel) || (strings.HasPrefix(rel, "templates/") && strings.HasPrefix(path.Base(rel), ".")) {
			return nil
		}
		switch {
		case rel == "Chart.yaml" || rel == ".helmignore" || rel == "Chart.lock" || rel == "requirements.yaml" ||
			rel == "requirements.lock":
		case rel == "values.yaml":
			if err := yaml.Unmarshal(data, &c.Values); err != nil {
				return fmt.Errorf("cannot load values.yaml: %s", err)
			}
			if c.Values == nil {
				c.Values = map[string]interface{}{}
			}
		case rel == "values.schema.json":
			c.Schema = data
		case strings.HasPrefix(rel, "templates/"):
			c.Templates[rel] = string(data)
		case strings.HasPrefix(rel, "charts/"):
			return fmt.Errorf("subcharts are not supported by chart-render (%s)", rel)
		default:
			c.Files[rel] = data
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// validateMetadata applies the checks Helm's loader makes before any rendering.
func validateMetadata(m *Metadata) error {
	if m.APIVersion == "" {
		return errors.New("validation: chart.metadata.apiVersion is required")
	}
	if m.APIVersion != "v1" && m.APIVersion != "v2" {
		return fmt.Errorf("validation: chart.metadata.apiVersion %q is invalid", m.APIVersion)
	}
	if m.Name == "" {
		return errors.New("validation: chart.metadata.name is required")
	}
	if m.Name != path.Base(m.Name) {
		return fmt.Errorf("validation: chart.metadata.name %q is invalid", m.Name)
	}
	if m.Version == "" {
		return errors.New("validation: chart.metadata.version is required")
	}
	if _, err := semver.StrictNewVersion(m.Version); err != nil {
		return fmt.Errorf("validation: chart.metadata.version %q is invalid", m.Version)
	}
	switch m.Type {
	case "", "application":
	case "library":
		return errors.New("library charts are not installable")
	default:
		return errors.New("validation: chart.metadata.type must be application or library")
	}
	return nil
}

// checkKubeVersion enforces Chart.yaml's kubeVersion constraint as helm install/template do.
func checkKubeVersion(m *Metadata, caps *Capabilities) error {
	if m.KubeVersion == "" {
		return nil
	}
	constraint, err := semver.NewConstraint(m.KubeVersion)
	if err != nil {
		return fmt.Errorf("chart kubeVersion %q is not a valid constraint: %s", m.KubeVersion, err)
	}
	v, err := semver.NewVersion(caps.KubeVersion.Version)
	if err != nil {
		return err
	}
	if !constraint.Check(v) {
		return fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", m.KubeVersion,
			caps.KubeVersion.Version)
	}
	return nil
}

// walkFollowingSymlinks calls visit for every regular file under root/rel, in sorted order. Unlike filepath.Walk it
// follows symlinked directories; the depth bound stops a symlink cycle.
func walkFollowingSymlinks(root, rel string, depth int, visit func(rel string, data []byte) error) error {
	if depth > 64 {
		return fmt.Errorf("%s: directory nesting too deep (symlink cycle?)", filepath.Join(root, rel))
	}
	entries, err := os.ReadDir(filepath.Join(root, rel))
	if err != nil {
		return err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, name := range names {
		childRel := path.Join(rel, name)
		full := filepath.Join(root, childRel)
		info, err := os.Stat(full) // Stat, not Lstat: follow the link
		if err != nil {
			return fmt.Errorf("cannot read %s: %s", full, err)
		}
		if info.IsDir() {
			if err := walkFollowingSymlinks(root, childRel, depth+1, visit); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(full)
		if err != nil {
			return err
		}
		if err := visit(childRel, data); err != nil {
			return err
		}
	}
	return nil
}
