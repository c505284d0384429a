package export

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var copyCases = []string{
	`{"id":"copy-1","ver":{"h":1,"s":"ab"},"fver":{"barcode":{"h":2,"s":"x\"}"}},"barcode":"S1","title_id":"t1","item_type":"book","location":"Main","status":"available","price":3699}`,
	` { "barcode" : "S2" , "note" : "a \"quoted\" note, with \\ and \u4e2d" , "price" : null , "deleted" : true } `,
	`{"barcode":"S3","call_number":"I247.5/12","note":"ends in a backslash \\","subjects":["a","]}"],"price":0}`,
	`{}`,
	// Unusual: the fast path gives up and encoding/json decides.
	`{"barcode":"S4","price":12.5}`,
	`{"barcode":"S5","price":"12"}`,
	`{"barcode":5}`,
	`{"barcode":"S6",}`,
	`{"barcode":"S7"`,
	`["S8"]`,
	`{"barcode":"S9"} trailing`,
	`{"barcode":"S10","deleted":"yes"}`,
	``,
}

// TestDecodeCopyRowMatchesEncodingJSON holds the fast decoder to what
// encoding/json makes of the same bytes, errors included.
func TestDecodeCopyRowMatchesEncodingJSON(t *testing.T) {
	for _, raw := range copyCases {
		checkCopyRow(t, raw)
	}
}

func checkCopyRow(t *testing.T, raw string) {
	t.Helper()
	var want, got copyRow
	wantErr := json.Unmarshal([]byte(raw), &want)
	gotErr := decodeCopyRow([]byte(raw), &got)
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("%s: error %v, encoding/json says %v", raw, gotErr, wantErr)
	}
	if wantErr == nil {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: (-encoding/json +fast):\n%s", raw, diff)
		}
	}
}

func TestDecodeTitleBrief(t *testing.T) {
	raw := `{"id":"t1","isbns":["978"],"title":"西游记 \"Journey\"","source":{"leader":"00000nam","fields":[{"tag":"245","value":"}"}]},"call_number":"I242.4/1"}`
	var got titleBrief
	if err := decodeTitleBrief([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	want := titleBrief{Title: `西游记 "Journey"`, CallNumber: "I242.4/1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzDecodeCopyRow(f *testing.F) {
	for _, c := range copyCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var want, got copyRow
		wantErr := json.Unmarshal([]byte(raw), &want)
		gotErr := decodeCopyRow([]byte(raw), &got)
		if wantErr == nil && gotErr == nil && want != got {
			t.Errorf("%q: fast %+v, encoding/json %+v", raw, got, want)
		}
		if wantErr == nil && gotErr != nil {
			t.Errorf("%q: fast fails with %v where encoding/json reads it", raw, gotErr)
		}
	})
}
