package main

import (
	"encoding/base64"
	"path"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"
)

// Files is .Files: the chart's non-template files by relative path, with Helm's accessors.
type Files map[string][]byte

// Get returns a file's contents as a string, or "" if the chart has no such file (as Helm).
func (f Files) Get(name string) string { return string(f.GetBytes(name)) }

// GetBytes returns a file's contents, or nil.
func (f Files) GetBytes(name string) []byte {
	if v, ok := f[name]; ok {
		return v
	}
	return nil
}

// Glob returns the files whose path matches a glob: '*' within a path segment, '**' across segments, '?', and
// '{a,b}' alternatives (the gobwas/glob syntax Helm uses, with '/' as separator).
func (f Files) Glob(pattern string) Files {
	re, err := globRegexp(pattern)
	nf := Files{}
	if err != nil {
		return nf
	}
	for name, contents := range f {
		if re.MatchString(name) {
			nf[name] = contents
		}
	}
	return nf
}

// AsConfig renders the files as a ConfigMap data block (base name -> contents).
func (f Files) AsConfig() string {
	if len(f) == 0 {
		return ""
	}
	m := make(map[string]string, len(f))
	for k, v := range f {
		m[path.Base(k)] = string(v)
	}
	return toYAML(m)
}

// AsSecrets renders the files as a Secret data block (base name -> base64 contents).
func (f Files) AsSecrets() string {
	if len(f) == 0 {
		return ""
	}
	m := make(map[string]string, len(f))
	for k, v := range f {
		m[path.Base(k)] = base64.StdEncoding.EncodeToString(v)
	}
	data, err := yaml.Marshal(m)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

// Lines returns a file split into lines.
func (f Files) Lines(name string) []string {
	if f == nil || f[name] == nil {
		return []string{}
	}
	return strings.Split(string(f[name]), "\n")
}

func globRegexp(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	inAlt := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '*' && i+1 < len(pattern) && pattern[i+1] == '*':
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '{':
			b.WriteString("(?:")
			inAlt = true
		case c == '}' && inAlt:
			b.WriteString(")")
			inAlt = false
		case c == ',' && inAlt:
			b.WriteString("|")
		case c == '\\' && i+1 < len(pattern):
			i++
			b.WriteString(regexp.QuoteMeta(string(pattern[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}
