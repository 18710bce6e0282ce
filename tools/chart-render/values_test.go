package main

import (
	"reflect"
	"testing"
)

func TestMergeMapsDeepAndKeepsNull(t *testing.T) {
	a := map[string]interface{}{"x": map[string]interface{}{"a": 1.0, "b": 2.0}, "l": []interface{}{1.0}}
	b := map[string]interface{}{"x": map[string]interface{}{"b": nil, "c": 3.0}, "l": []interface{}{2.0}}
	got := mergeMaps(a, b)
	want := map[string]interface{}{"x": map[string]interface{}{"a": 1.0, "b": nil, "c": 3.0}, "l": []interface{}{2.0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v", got)
	}
	// a is not modified: later files must not leak into earlier ones.
	if _, ok := a["x"].(map[string]interface{})["c"]; ok {
		t.Error("mergeMaps modified its input")
	}
}

func TestCoalesceNullDeletesDefaultsAtEveryLevel(t *testing.T) {
	defaults := map[string]interface{}{
		"top":    "d",
		"gone":   "d",
		"nested": map[string]interface{}{"keep": "d", "gone": "d", "deep": map[string]interface{}{"gone": "d", "k": 1.0}},
		"table":  map[string]interface{}{"a": "d"},
	}
	user := map[string]interface{}{
		"top":    "u",
		"gone":   nil,
		"nested": map[string]interface{}{"gone": nil, "deep": map[string]interface{}{"gone": nil}},
		"table":  "scalar",
		"new":    nil, // not a default: stays null, as in Helm
	}
	var warnings []string
	got := coalesceValues(defaults, user, func(s string) { warnings = append(warnings, s) })
	want := map[string]interface{}{
		"top":    "u",
		"nested": map[string]interface{}{"keep": "d", "deep": map[string]interface{}{"k": 1.0}},
		"table":  "scalar",
		"new":    nil,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	if len(warnings) != 0 {
		t.Errorf("unexpected warnings %v", warnings)
	}
	// The chart's defaults are untouched (the next render must see them again).
	if defaults["gone"] != "d" || defaults["nested"].(map[string]interface{})["gone"] != "d" {
		t.Error("coalesceValues modified the chart defaults")
	}
}

func TestCoalesceWarnsOnTypeClash(t *testing.T) {
	defaults := map[string]interface{}{"m": map[string]interface{}{"sub": map[string]interface{}{"x": 1.0}, "s": "d"}}
	user := map[string]interface{}{"m": map[string]interface{}{"sub": "flat", "s": map[string]interface{}{"y": 2.0}}}
	var warnings []string
	got := coalesceValues(defaults, user, func(s string) { warnings = append(warnings, s) })
	want := map[string]interface{}{"m": map[string]interface{}{"sub": "flat", "s": map[string]interface{}{"y": 2.0}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v", got)
	}
	if len(warnings) != 2 {
		t.Errorf("want 2 warnings, got %v", warnings)
	}
}
