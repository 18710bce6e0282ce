package main

import (
	"reflect"
	"testing"
)

func TestSortTemplatesParsesDeepFirstThenReverseLexical(t *testing.T) {
	names := []string{"c/templates/_a.tpl", "c/charts/s/templates/x.yaml", "c/templates/_b.tpl", "c/templates/z.yaml"}
	sortTemplates(names)
	want := []string{"c/charts/s/templates/x.yaml", "c/templates/z.yaml", "c/templates/_b.tpl", "c/templates/_a.tpl"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("got %v", names)
	}
}
