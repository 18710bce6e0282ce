package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// This file is Helm's strvals parser (--set, --set-string, --set-file) for the syntax charts' users write:
//   a=b,c.d=e      nested keys; commas separate assignments
//   a[0]=x         list elements (a[1].b=y: maps inside lists; a[0][1]=z: nested lists)
//   a={x,y}        a list literal
//   a\.b=c, a=b\,c backslash escapes a separator
// Values are typed as Helm types them: true/false, null (removes a chart default), integers without a leading
// zero become int64, everything else stays a string. --set-string keeps every value a string.

const maxListIndex = 65536

var errNotList = errors.New("not a list")

type setParser struct {
	sc       *strings.Reader
	asString bool
	// fileValue, when set, turns each value into the contents of the file it names (--set-file).
	fileValue func(path string) (interface{}, error)
}

func parseSet(s string, dest map[string]interface{}, asString bool) error {
	p := &setParser{sc: strings.NewReader(s), asString: asString}
	return p.parse(dest)
}

func parseSetFile(s string, dest map[string]interface{}) error {
	p := &setParser{sc: strings.NewReader(s), fileValue: func(path string) (interface{}, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return string(data), nil
	}}
	return p.parse(dest)
}

func (p *setParser) parse(dest map[string]interface{}) error {
	for {
		err := p.key(dest)
		if err == nil {
			continue
		}
		if err == io.EOF {
			return nil
		}
		return err
	}
}

// runesUntil reads up to (and consumes) the first unescaped stop rune.
func (p *setParser) runesUntil(stop string) ([]rune, rune, error) {
	var v []rune
	for {
		r, _, err := p.sc.ReadRune()
		if err != nil {
			return v, r, err
		}
		if r == '\\' {
			next, _, err := p.sc.ReadRune()
			if err != nil {
				return v, next, err
			}
			v = append(v, next)
			continue
		}
		if strings.ContainsRune(stop, r) {
			return v, r, nil
		}
		v = append(v, r)
	}
}

func (p *setParser) key(data map[string]interface{}) error {
	k, last, err := p.runesUntil("=[,.")
	key := string(k)
	switch {
	case err != nil:
		if len(k) == 0 {
			return err
		}
		return fmt.Errorf("key %q has no value", key)
	case last == '[':
		i, err := p.keyIndex()
		if err != nil {
			return fmt.Errorf("error parsing index: %s", err)
		}
		list, _ := data[key].([]interface{})
		list, err = p.listItem(list, i)
		data[key] = list
		return err
	case last == '=':
		vl, err := p.valList()
		switch err {
		case nil:
			data[key] = vl
			return nil
		case io.EOF:
			data[key] = ""
			return err
		case errNotList:
			v, err := p.scalar()
			if err != nil && err != io.EOF {
				return err
			}
			data[key] = v
			return err
		default:
			return err
		}
	case last == ',':
		data[key] = ""
		return fmt.Errorf("key %q has no value (cannot end with ,)", key)
	default: // '.'
		inner, ok := data[key].(map[string]interface{})
		if !ok {
			inner = map[string]interface{}{}
		}
		err := p.key(inner)
		if err == nil && len(inner) == 0 {
			return fmt.Errorf("key map %q has no value", key)
		}
		if len(inner) != 0 {
			data[key] = inner
		}
		return err
	}
}

func (p *setParser) keyIndex() (int, error) {
	v, _, err := p.runesUntil("]")
	if err != nil {
		return 0, err
	}
	i, err := strconv.Atoi(strings.TrimSpace(string(v)))
	if err != nil {
		return 0, err
	}
	if i < 0 {
		return 0, fmt.Errorf("negative %d index not allowed", i)
	}
	if i > maxListIndex {
		return 0, fmt.Errorf("index of %d is greater than maximum supported index %d", i, maxListIndex)
	}
	return i, nil
}

func setIndex(list []interface{}, i int, v interface{}) []interface{} {
	for len(list) <= i {
		list = append(list, nil)
	}
	list[i] = v
	return list
}

// listItem parses what follows "key[i]": "=value", ".key..." or "[j]...".
func (p *setParser) listItem(list []interface{}, i int) ([]interface{}, error) {
	k, last, err := p.runesUntil("[.=")
	switch {
	case len(k) > 0:
		return list, fmt.Errorf("unexpected data at end of array index: %q", string(k))
	case err != nil:
		return list, err
	case last == '=':
		vl, err := p.valList()
		switch err {
		case nil:
			return setIndex(list, i, vl), nil
		case io.EOF:
			return setIndex(list, i, ""), err
		case errNotList:
			v, err := p.scalar()
			if err != nil && err != io.EOF {
				return list, err
			}
			return setIndex(list, i, v), err
		default:
			return list, err
		}
	case last == '[':
		j, err := p.keyIndex()
		if err != nil {
			return list, fmt.Errorf("error parsing index: %s", err)
		}
		var inner []interface{}
		if i < len(list) {
			inner, _ = list[i].([]interface{})
		}
		inner, err = p.listItem(inner, j)
		return setIndex(list, i, inner), err
	default: // '.'
		var inner map[string]interface{}
		if i < len(list) {
			inner, _ = list[i].(map[string]interface{})
		}
		if inner == nil {
			inner = map[string]interface{}{}
		}
		err := p.key(inner)
		return setIndex(list, i, inner), err
	}
}

// valList parses "{a,b}" if the value starts with '{'; otherwise it reports errNotList without consuming input.
func (p *setParser) valList() ([]interface{}, error) {
	r, _, err := p.sc.ReadRune()
	if err != nil {
		return nil, err
	}
	if r != '{' {
		if err := p.sc.UnreadRune(); err != nil {
			return nil, err
		}
		return nil, errNotList
	}
	list := []interface{}{}
	for {
		v, last, err := p.runesUntil(",}")
		if err != nil {
			if err == io.EOF {
				err = errors.New("list must terminate with '}'")
			}
			return list, err
		}
		if last == '}' {
			// The list ends the assignment: either the input ends or a ',' follows.
			next, _, err := p.sc.ReadRune()
			if err != nil && err != io.EOF {
				return list, err
			}
			if err == nil && next != ',' {
				if err := p.sc.UnreadRune(); err != nil {
					return list, err
				}
			}
			if len(v) > 0 || len(list) > 0 {
				tv, err := p.typed(string(v))
				if err != nil {
					return list, err
				}
				list = append(list, tv)
			}
			return list, nil
		}
		tv, err := p.typed(string(v))
		if err != nil {
			return list, err
		}
		list = append(list, tv)
	}
}

func (p *setParser) scalar() (interface{}, error) {
	v, _, err := p.runesUntil(",")
	tv, terr := p.typed(string(v))
	if terr != nil {
		return nil, terr
	}
	return tv, err
}

func (p *setParser) typed(val string) (interface{}, error) {
	if p.fileValue != nil {
		return p.fileValue(val)
	}
	if p.asString {
		return val, nil
	}
	switch {
	case strings.EqualFold(val, "true"):
		return true, nil
	case strings.EqualFold(val, "false"):
		return false, nil
	case strings.EqualFold(val, "null"):
		return nil, nil
	case strings.EqualFold(val, "0"):
		return int64(0), nil
	}
	if len(val) != 0 && val[0] != '0' {
		if iv, err := strconv.ParseInt(val, 10, 64); err == nil {
			return iv, nil
		}
	}
	return val, nil
}
