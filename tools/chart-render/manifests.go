package main

import (
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// This file is what helm template does after rendering (Helm's releaseutil): split each file into YAML documents,
// check every document parses, separate hooks, order by kind the way Helm installs, and print.

// manifest is one YAML document of a rendered template.
type manifest struct {
	source  string // "<chart>/templates/<file>"
	content string
	kind    string
}

// simpleHead is the part of a document Helm parses before install; a document it cannot parse fails the render.
type simpleHead struct {
	Version  string `json:"apiVersion"`
	Kind     string `json:"kind,omitempty"`
	Metadata *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata,omitempty"`
}

// docSeparator is Helm's: a line starting with "---" (anything after it on the line is swallowed, as in Helm).
var docSeparator = regexp.MustCompile("(?:^|\\s*\n)---\\s*")

// installOrder is Helm's InstallOrder; kinds not listed go last, alphabetically.
var installOrder = []string{"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
	"PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap",
	"StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
	"RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}

// splitManifests splits a rendered file into trimmed, non-empty documents.
func splitManifests(file string) []string {
	var docs []string
	for _, d := range docSeparator.Split(strings.TrimSpace(file), -1) {
		if d = strings.TrimSpace(d); d != "" {
			docs = append(docs, d)
		}
	}
	return docs
}

// sortRendered turns the rendered files into ordered manifests and hooks, and picks out NOTES.txt.
func sortRendered(c *Chart, rendered map[string]string) (manifests, hooks []manifest, notes string, err error) {
	notesName := path.Join(c.Metadata.Name, "templates", "NOTES.txt")
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		content := rendered[name]
		if name == notesName {
			notes = content
			continue
		}
		if strings.TrimSpace(content) == "" {
			continue
		}
		for _, doc := range splitManifests(content) {
			var head simpleHead
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return nil, nil, "", fmt.Errorf("YAML parse error on %s: %s", name, err)
			}
			m := manifest{source: name, content: doc, kind: head.Kind}
			if head.Metadata != nil && head.Metadata.Annotations["helm.sh/hook"] != "" {
				hooks = append(hooks, m)
			} else {
				manifests = append(manifests, m)
			}
		}
	}
	sortByKind(manifests)
	sortByKind(hooks)
	return manifests, hooks, notes, nil
}

// sortByKind is Helm's stable kind ordering.
func sortByKind(ms []manifest) {
	rank := make(map[string]int, len(installOrder))
	for i, k := range installOrder {
		rank[k] = i
	}
	sort.SliceStable(ms, func(i, j int) bool {
		a, aok := rank[ms[i].kind]
		b, bok := rank[ms[j].kind]
		switch {
		case !aok && !bok:
			return ms[i].kind < ms[j].kind
		case !aok:
			return false
		case !bok:
			return true
		}
		return a < b
	})
}

// writeManifests prints like helm template: manifests, then hooks, each as "---\n# Source: <file>\n<doc>\n".
// --show-only keeps the documents of the matching template files (globs allowed) and fails if one matches none.
func writeManifests(w io.Writer, c *Chart, manifests, hooks []manifest, notes string, opts *options) error {
	all := append(append([]manifest{}, manifests...), hooks...)
	if len(opts.showOnly) > 0 {
		var selected []manifest
		for _, pattern := range opts.showOnly {
			pattern = filepath.ToSlash(pattern)
			found := false
			for _, m := range all {
				rel := strings.TrimPrefix(m.source, c.Metadata.Name+"/")
				if ok, _ := path.Match(pattern, rel); ok {
					selected = append(selected, m)
					found = true
				}
			}
			if !found {
				return fmt.Errorf("could not find template %s in chart", pattern)
			}
		}
		all = selected
	}
	for _, m := range all {
		if _, err := fmt.Fprintf(w, "---\n# Source: %s\n%s\n", m.source, m.content); err != nil {
			return err
		}
	}
	if opts.notes && strings.TrimSpace(notes) != "" {
		name := path.Join(c.Metadata.Name, "templates", "NOTES.txt")
		if _, err := fmt.Fprintf(w, "---\n# Source: %s\n%s\n", name, strings.TrimSpace(notes)); err != nil {
			return err
		}
	}
	return nil
}
