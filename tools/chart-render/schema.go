package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xeipuuv/gojsonschema"
	"sigs.k8s.io/yaml"
)

// validateAgainstSchema checks the final values against the chart's values.schema.json, as helm install, upgrade,
// template and lint do, and reports violations in Helm's words.
func validateAgainstSchema(c *Chart, values map[string]interface{}) error {
	if len(c.Schema) == 0 {
		return nil
	}
	// Through YAML to JSON, as Helm, so the values the schema sees are exactly the ones templates see.
	valuesYAML, err := yaml.Marshal(values)
	if err != nil {
		return err
	}
	valuesJSON, err := yaml.YAMLToJSON(valuesYAML)
	if err != nil {
		return err
	}
	if bytes.Equal(valuesJSON, []byte("null")) {
		valuesJSON = []byte("{}")
	}
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(c.Schema), gojsonschema.NewBytesLoader(valuesJSON))
	if err != nil {
		return fmt.Errorf("cannot validate values against %s/values.schema.json: %s", c.Metadata.Name, err)
	}
	if result.Valid() {
		return nil
	}
	var sb strings.Builder
	for _, desc := range result.Errors() {
		sb.WriteString(fmt.Sprintf("- %s\n", desc))
	}
	return fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n%s",
		c.Metadata.Name, sb.String())
}
