package main

import (
	"bufio"
	"bytes"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// helmignore is the subset of .helmignore that charts commonly use: shell globs matched against the base name or
// the whole relative path, "dir/" for directories, and "!" negation. Ignored files are not in .Files.
type helmignore struct {
	rules []ignoreRule
}

type ignoreRule struct {
	pattern string
	negate  bool
	dirOnly bool
}

func loadHelmignore(dir string) (*helmignore, error) {
	h := &helmignore{}
	data, err := os.ReadFile(filepath.Join(dir, ".helmignore"))
	if os.IsNotExist(err) {
		return h, nil
	}
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{}
		if strings.HasPrefix(line, "!") {
			r.negate, line = true, line[1:]
		}
		if strings.HasSuffix(line, "/") {
			r.dirOnly, line = true, strings.TrimSuffix(line, "/")
		}
		r.pattern = strings.TrimPrefix(line, "/")
		h.rules = append(h.rules, r)
	}
	return h, sc.Err()
}

// ignored reports whether a file (relative, slash-separated) is excluded, by itself or by one of its directories.
func (h *helmignore) ignored(rel string) bool {
	result := false
	parts := strings.Split(rel, "/")
	for _, r := range h.rules {
		for i := range parts {
			candidate := strings.Join(parts[:i+1], "/")
			isDir := i < len(parts)-1
			if r.dirOnly && !isDir {
				continue
			}
			if match(r.pattern, candidate) || match(r.pattern, parts[i]) {
				result = !r.negate
				break
			}
		}
	}
	return result
}

func match(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}
