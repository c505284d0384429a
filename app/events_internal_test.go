package app

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRecordCreatedEncodesAsJSONMarshalDoes checks that the payload
// createRecord writes by hand is the one json.Marshal would write, so events
// from before and after are alike byte for byte.
func TestRecordCreatedEncodesAsJSONMarshalDoes(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  Record
	}{
		{"title", &Title{Meta: Meta{ID: "t1"}, Title: `Tom & Jerry <"cats">`, Authors: []string{"吴承恩"},
			SourceMARC: []byte("00042nam a2200037 a 4500\x1e\x1d"), SourceID: "bench\u2028001"}},
		{"copy", &Copy{Meta: Meta{ID: "c1"}, Barcode: "M0000001", TitleID: "t1", ItemType: ItemBook, Price: 2500}},
		{"empty", &Title{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := json.Marshal(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			p := RecordCreated{Collection: tc.rec.Collection(), Record: raw}
			want, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendRecordCreated(nil, p)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("payload differs from json.Marshal (-want +got):\n%s", diff)
			}
		})
	}
}
