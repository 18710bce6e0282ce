package main

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

// This file follows Helm v3's pkg/engine: one template set holding every file of the chart (so a define in
// _helpers.tpl is visible everywhere), missingkey=zero, and "<no value>" erased from the output.

const recursionMaxNums = 1000

// required() wraps its message in these markers so the message can be cut out of text/template's error chain.
const warnStartDelim, warnEndDelim = "HELM_ERR_START", "HELM_ERR_END"

var warnRegex = regexp.MustCompile(warnStartDelim + `(.*)` + warnEndDelim)

// renderChart executes every template (partials included, so their errors surface) and returns the output of the
// ones that are not partials, keyed by "<chart>/templates/<file>".
func renderChart(c *Chart, values, release map[string]interface{}, caps *Capabilities) (map[string]string, error) {
	chartName := c.Metadata.Name
	t := template.New("gotpl")
	t.Option("missingkey=zero")
	includedNames := map[string]int{}
	funcs := funcMap()
	funcs["include"] = includeFun(t, includedNames)
	funcs["tpl"] = tplFun(t, includedNames)
	funcs["required"] = required
	funcs["fail"] = fail
	t.Funcs(funcs)

	names := make([]string, 0, len(c.Templates))
	sources := map[string]string{}
	for rel, src := range c.Templates {
		name := path.Join(chartName, rel)
		names = append(names, name)
		sources[name] = src
	}
	sortTemplates(names)
	for _, name := range names {
		if _, err := t.New(name).Parse(sources[name]); err != nil {
			return nil, cleanupParseError(name, err)
		}
	}

	rendered := map[string]string{}
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		top := map[string]interface{}{
			"Values":       values,
			"Release":      release,
			"Chart":        c.Metadata,
			"Capabilities": caps,
			"Files":        Files(c.Files),
			"Subcharts":    map[string]interface{}{},
			"Template":     map[string]interface{}{"Name": name, "BasePath": path.Join(chartName, "templates")},
		}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, top); err != nil {
			return nil, cleanupExecError(name, err)
		}
		// missingkey=zero prints a missing map key as "<no value>"; Helm erases it so a missing value renders empty.
		rendered[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return rendered, nil
}

// sortTemplates orders names as Helm parses them: more path segments first, then reverse lexical order. It only
// matters when two files define the same template name: the last parsed wins, so templates/_a.tpl beats
// templates/_b.tpl, and a chart's own defines beat deeper ones.
func sortTemplates(names []string) {
	sort.Slice(names, func(i, j int) bool {
		ci, cj := strings.Count(names[i], "/"), strings.Count(names[j], "/")
		if ci != cj {
			return ci > cj
		}
		return names[i] > names[j]
	})
}

// includeFun is Helm's include: execute a named template into a string (so it can be piped to nindent), with a
// bound on recursion.
func includeFun(t *template.Template, includedNames map[string]int) func(string, interface{}) (string, error) {
	return func(name string, data interface{}) (string, error) {
		if includedNames[name] > recursionMaxNums {
			// Worded as Helm's errors.Wrapf(fmt.Errorf("unable to execute template"), ...).
			return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template",
				name)
		}
		includedNames[name]++
		var buf strings.Builder
		err := t.ExecuteTemplate(&buf, name, data)
		includedNames[name]--
		return buf.String(), err
	}
}

// tplFun is Helm's tpl: render a string as a template with the given scope (usually $), in a clone of the set so
// defines made inside the string stay local but the chart's defines are callable.
func tplFun(parent *template.Template, includedNames map[string]int) func(string, interface{}) (string, error) {
	return func(text string, vals interface{}) (string, error) {
		t, err := parent.Clone()
		if err != nil {
			return "", fmt.Errorf("cannot clone template: %s", err)
		}
		t.Option("missingkey=zero")
		t.Funcs(template.FuncMap{"include": includeFun(t, includedNames), "tpl": tplFun(t, includedNames)})
		name := "tpl"
		if top, ok := vals.(map[string]interface{}); ok {
			if tm, ok := top["Template"].(map[string]interface{}); ok {
				if n, ok := tm["Name"].(string); ok {
					name = n
				}
			}
		}
		t, err = t.New(name).Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %s", text, err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, vals); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %s", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
}

// required fails the render with the chart's message when the value is missing or an empty string.
func required(warn string, val interface{}) (interface{}, error) {
	if val == nil {
		return val, fmt.Errorf("%s%s%s", warnStartDelim, warn, warnEndDelim)
	}
	if s, ok := val.(string); ok && s == "" {
		return val, fmt.Errorf("%s%s%s", warnStartDelim, warn, warnEndDelim)
	}
	return val, nil
}

// fail is Sprig's fail with Helm's error format ("execution error at (<file>:<line>:<col>): <message>").
func fail(msg string) (string, error) {
	return "", fmt.Errorf("%s%s%s", warnStartDelim, msg, warnEndDelim)
}

// cleanupExecError turns text/template's error chain for a required() or fail failure into Helm's
// "execution error at (<file>:<line>:<col>): <message>"; other execution errors are passed through as Helm does.
func cleanupExecError(filename string, err error) error {
	if _, ok := err.(template.ExecError); !ok {
		return err
	}
	tokens := strings.SplitN(err.Error(), ": ", 3)
	if len(tokens) != 3 {
		return fmt.Errorf("execution error in (%s): %s", filename, err)
	}
	if parts := warnRegex.FindStringSubmatch(tokens[2]); len(parts) >= 2 {
		return fmt.Errorf("execution error at (%s): %s", tokens[1], parts[1])
	}
	return err
}

// cleanupParseError gives Helm's "parse error at (<file>:<line>): <message>".
func cleanupParseError(filename string, err error) error {
	tokens := strings.Split(err.Error(), ": ")
	if len(tokens) == 1 {
		return fmt.Errorf("parse error in (%s): %s", filename, err)
	}
	return fmt.Errorf("parse error at (%s): %s", tokens[1], tokens[len(tokens)-1])
}
