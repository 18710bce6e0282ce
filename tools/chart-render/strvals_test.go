package main

import (
	"reflect"
	"testing"
)

// Cases from Helm's strvals behaviour for the syntax users write on the command line.
func TestParseSet(t *testing.T) {
	cases := []struct {
		in       string
		asString bool
		want     map[string]interface{}
	}{
		{"name=value", false, map[string]interface{}{"name": "value"}},
		{"a=1,b=true,c=FALSE,d=null,e=0,f=007,g=1.5,h=-3", false, map[string]interface{}{
			"a": int64(1), "b": true, "c": false, "d": nil, "e": int64(0), "f": "007", "g": "1.5", "h": int64(-3)}},
		{"a=1,b=true,d=null", true, map[string]interface{}{"a": "1", "b": "true", "d": "null"}},
		{"outer.inner.leaf=x", false, map[string]interface{}{
			"outer": map[string]interface{}{"inner": map[string]interface{}{"leaf": "x"}}}},
		{"list[0]=a,list[2]=c", false, map[string]interface{}{"list": []interface{}{"a", nil, "c"}}},
		{"list[1].name=n,list[1].port=80", false, map[string]interface{}{
			"list": []interface{}{nil, map[string]interface{}{"name": "n", "port": int64(80)}}}},
		{"m[0][1]=x", false, map[string]interface{}{"m": []interface{}{[]interface{}{nil, "x"}}}},
		{"lit={a,2,true},after=1", false, map[string]interface{}{"lit": []interface{}{"a", int64(2), true},
			"after": int64(1)}},
		{"empty={}", false, map[string]interface{}{"empty": []interface{}{}}},
		{`a\.b=c\,d,e=f\=g`, false, map[string]interface{}{"a.b": "c,d", "e": "f=g"}},
		{"blank=", false, map[string]interface{}{"blank": ""}},
		{"url=http://x/?a=b", false, map[string]interface{}{"url": "http://x/?a=b"}},
	}
	for _, c := range cases {
		got := map[string]interface{}{}
		if err := parseSet(c.in, got, c.asString); err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q:\n got %#v\nwant %#v", c.in, got, c.want)
		}
	}
}

func TestParseSetMergesIntoExisting(t *testing.T) {
	base := map[string]interface{}{"image": map[string]interface{}{"repository": "r", "tag": "1"}, "keep": "k"}
	if err := parseSet("image.tag=2", base, false); err != nil {
		t.Fatal(err)
	}
	want := map[string]interface{}{"image": map[string]interface{}{"repository": "r", "tag": int64(2)}, "keep": "k"}
	if !reflect.DeepEqual(base, want) {
		t.Errorf("got %#v", base)
	}
}

func TestParseSetErrors(t *testing.T) {
	for in, msg := range map[string]string{
		"novalue":    `key "novalue" has no value`,
		"a=b,c":      `key "c" has no value`,
		"a,b=c":      `key "a" has no value (cannot end with ,)`,
		"l[-1]=x":    `error parsing index: negative -1 index not allowed`,
		"l[x]=y":     `error parsing index: strconv.Atoi: parsing "x": invalid syntax`,
		"l[0]junk=y": `unexpected data at end of array index: "junk"`,
		"lit={a,b":   `list must terminate with '}'`,
	} {
		err := parseSet(in, map[string]interface{}{}, false)
		if err == nil || err.Error() != msg {
			t.Errorf("%q: got error %v, want %q", in, err, msg)
		}
	}
}
