package main

import (
	"reflect"
	"sort"
	"testing"
)

func TestFilesGlob(t *testing.T) {
	f := Files{"files/a.yaml": nil, "files/b.json": nil, "files/sub/c.yaml": nil, "README.md": nil}
	for pattern, want := range map[string][]string{
		"files/*.yaml":        {"files/a.yaml"},
		"files/**.yaml":       {"files/a.yaml", "files/sub/c.yaml"},
		"files/*.{yaml,json}": {"files/a.yaml", "files/b.json"},
		"files/?.json":        {"files/b.json"},
		"*.md":                {"README.md"},
		"nothing/*":           {},
	} {
		if got := f.Glob(pattern).names(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v want %v", pattern, got, want)
		}
	}
}

func TestFilesGetMissingIsEmpty(t *testing.T) {
	f := Files{"x": []byte("data")}
	if f.Get("x") != "data" || f.Get("y") != "" {
		t.Error("Get")
	}
	if got := f.Lines("x"); !reflect.DeepEqual(got, []string{"data"}) {
		t.Errorf("Lines %v", got)
	}
}

func TestSplitManifests(t *testing.T) {
	// Leading separator, a comment after "---", blank documents: as Helm's releaseutil.SplitManifests, including
	// its quirk that the separator swallows the whitespace after it, so a second "---" right after stays in the
	// next document (a YAML document start marker, harmless to YAML parsers and kubectl).
	got := splitManifests("\n---\na: 1\n--- # next\nb: 2\n---\n\n\n---\nc: 3\n---\nd: 4\n")
	want := []string{"a: 1", "# next\nb: 2", "---\nc: 3", "d: 4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q", got)
	}
}

// names lists the paths in sorted order.
func (f Files) names() []string {
	out := make([]string, 0, len(f))
	for k := range f {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
