package flatjson

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSettersMatchEncodingJSON holds SetString, SetBool and SetStrings to
// what encoding/json does to a field already set, for the values they take,
// and checks that they refuse the others.
func TestSettersMatchEncodingJSON(t *testing.T) {
	type fields struct {
		S  string   `json:"s"`
		B  bool     `json:"b"`
		SS []string `json:"ss"`
	}
	start := fields{S: "before", B: true, SS: []string{"before"}}
	for _, tc := range []struct {
		key, val string
		ok       bool
	}{
		{"s", `"plain"`, true},
		{"s", `"esc \"q\" \u4e2d \n"`, true},
		{"s", `null`, true},
		{"s", `12`, false},
		{"b", `false`, true},
		{"b", `null`, true},
		{"b", `"true"`, false},
		{"ss", `["a", "b\"" ,"c"]`, true},
		{"ss", `[]`, true},
		{"ss", `null`, true},
		{"ss", `["a",1]`, false},
		{"ss", `"a"`, false},
	} {
		got := start
		got.SS = append([]string(nil), start.SS...)
		var ok bool
		switch tc.key {
		case "s":
			ok = SetString(&got.S, []byte(tc.val))
		case "b":
			ok = SetBool(&got.B, []byte(tc.val))
		case "ss":
			ok = SetStrings(&got.SS, []byte(tc.val))
		}
		want := start
		want.SS = append([]string(nil), start.SS...)
		err := json.Unmarshal([]byte(`{"`+tc.key+`":`+tc.val+`}`), &want)
		if ok != (err == nil) || ok != tc.ok {
			t.Errorf("%s=%s: took it %v, encoding/json error %v", tc.key, tc.val, ok, err)
			continue
		}
		if ok {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s=%s (-encoding/json +flatjson):\n%s", tc.key, tc.val, diff)
			}
		}
	}
}
