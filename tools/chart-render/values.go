package main

import (
	"fmt"

	"github.com/mitchellh/copystructure"
)

// mergeMaps is Helm's merge of successive -f files: maps merge key by key, anything else in b replaces a. A null in
// b is kept as null here; coalesceValues then deletes the chart default it overrides.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]interface{}); ok {
			if bv, ok := out[k]; ok {
				if bm, ok := bv.(map[string]interface{}); ok {
					out[k] = mergeMaps(bm, vm)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

// coalesceValues is Helm's CoalesceValues for a chart without subcharts: user values win over the chart's
// values.yaml, tables merge recursively, and a user null removes the key (the documented way to unset a default).
// warn receives Helm's "skipped value" warnings.
func coalesceValues(defaults, user map[string]interface{}, warn func(string)) map[string]interface{} {
	v, err := copystructure.Copy(user)
	if err != nil {
		panic(err) // copystructure only fails on unsupported kinds, which YAML never produces
	}
	out := v.(map[string]interface{})
	if out == nil {
		out = map[string]interface{}{}
	}
	d, err := copystructure.Copy(defaults)
	if err != nil {
		panic(err)
	}
	dm, _ := d.(map[string]interface{})
	for key, val := range dm {
		value, ok := out[key]
		if !ok {
			out[key] = val
			continue
		}
		if value == nil {
			delete(out, key)
		} else if dest, ok := value.(map[string]interface{}); ok {
			src, ok := val.(map[string]interface{})
			if !ok {
				if val != nil {
					warn(fmt.Sprintf("warning: skipped value for %s: Not a table.", key))
				}
			} else {
				coalesceTables(dest, src, key, warn)
			}
		}
	}
	return out
}

// coalesceTables merges src (lower precedence) into dst (higher precedence) in place.
func coalesceTables(dst, src map[string]interface{}, prefix string, warn func(string)) {
	for key, val := range src {
		fullkey := prefix + "." + key
		dv, ok := dst[key]
		switch {
		case ok && dv == nil:
			delete(dst, key)
		case !ok:
			dst[key] = val
		case isTable(val):
			if isTable(dv) {
				coalesceTables(dv.(map[string]interface{}), val.(map[string]interface{}), fullkey, warn)
			} else {
				warn(fmt.Sprintf("warning: cannot overwrite table with non table for %s (%v)", fullkey, val))
			}
		case isTable(dv) && val != nil:
			warn(fmt.Sprintf("warning: destination for %s is a table. Ignoring non-table value (%v)", fullkey, val))
		}
	}
}

func isTable(v interface{}) bool {
	_, ok := v.(map[string]interface{})
	return ok
}
