package reports

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/circa-library/circa/app"
)

// titleInfoCases are titles as app writes them and shapes only
// encoding/json reads; decodeTitleInfo must read each as it does.
var titleInfoCases = []string{
	`{"id":"t1","title":"西游记","authors":["吴承恩","A \"quoted\" \\ name"],"clc":"I242.4","dewey":"895.1","call_number":"I242/12","year":"1592","deleted":true}`,
	`{"id":"t2","title":"x\u0026y\n","authors":null,"clc":null}`,
	`{"id":"t3","title":"Only a title","subjects":["a",{"b":[1,2]}],"marc":"AAEC"}`,
	`{"id":"t4","authors":[],"deleted":false}`,
	`{"id":"t5","title":"dup","title":"second"}`,
	`{"id":"t6","year":1999}`,
	`{"id":"t7","authors":["a",2]}`,
	`{"id":"t8","deleted":"yes"}`,
	`{"id":"t10","title":"kept","title":null,"deleted":true,"deleted":null,"authors":["a"],"authors":null}`,
	`{"id":"t11","title":"bad \u00e9 \ud800 \n","authors":[ "x" , "y\"" ],"marc":{"nested":[1,{"x":"]"}]}}`,
	`{"id":"t12","subjects":[1 2]}`,
	`[1,2]`,
	`{"id":"t9",`,
	`not json`,
}

func TestDecodeTitleInfoAgreesWithEncodingJSON(t *testing.T) {
	written, err := json.Marshal(&app.Title{Meta: app.Meta{ID: "w"}, Title: "<b>&</b>", Authors: []string{"é", "\u2028"},
		CLC: "K", SourceMARC: []byte{0, 1, 2}, Subjects: []string{"s"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range append(titleInfoCases, string(written)) {
		checkTitleInfo(t, []byte(raw))
	}
}

func checkTitleInfo(t *testing.T, raw []byte) {
	t.Helper()
	var want, got TitleInfo
	wantErr := json.Unmarshal(raw, &want)
	gotErr := decodeTitleInfo(raw, &got)
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("%s: encoding/json says %v, decodeTitleInfo %v", raw, wantErr, gotErr)
	}
	if wantErr != nil {
		return
	}
	if len(want.Authors) == 0 && len(got.Authors) == 0 {
		want.Authors, got.Authors = nil, nil
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: (-encoding/json +decodeTitleInfo):\n%s", raw, diff)
	}
}

func FuzzDecodeTitleInfo(f *testing.F) {
	for _, c := range titleInfoCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var probe map[string]json.RawMessage
		if json.Unmarshal(raw, &probe) != nil {
			return // encoding/json's own errors need not match gjson's wording
		}
		for k := range probe {
			if !isLowerASCII(k) {
				return // encoding/json also matches keys that differ in case; app never writes those
			}
		}
		checkTitleInfo(t, raw)
	})
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c >= 'A' && c <= 'Z' || c == '\\' {
			return false
		}
	}
	return true
}
