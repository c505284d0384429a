package reports

import (
	"encoding/json"
	"testing"

	"github.com/circa-library/circa/app"
)

// TestCountsOf holds the cut-out counts to what encoding/json decodes, for
// records as app writes them and for shapes only encoding/json reads.
func TestCountsOf(t *testing.T) {
	written, err := json.Marshal(&app.LoanDays{ID: app.TitleDaysID("t1"), N: app.Counts{"2026-01-05": 2, "2026-01-07": 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{
		string(written),
		`{"id":"t/t1","n":""}`,
		`{"n":"t1=2,t2=1","id":"x"}`,
		`{"id":"x", "n":"t1=2"}`,
		`{"id":"x","n":{"a,b":1}}`,
		`{"id":"x","n":"a\\u003d=1"}`,
		`{"id":"x\"y","n":"t=1"}`,
	} {
		var want struct {
			N json.RawMessage `json:"n"`
		}
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatal(err)
		}
		got, err := countsOf([]byte(raw))
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		wm, gm := map[string]int{}, map[string]int{}
		if err := app.EachCount(want.N, func(k string, n int) { wm[k] = n }); err != nil {
			t.Fatal(err)
		}
		if err := app.EachCount(got, func(k string, n int) { gm[k] = n }); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if len(wm) != len(gm) {
			t.Errorf("%s: counts %v, want %v", raw, gm, wm)
		}
		for k, n := range wm {
			if gm[k] != n {
				t.Errorf("%s: counts %v, want %v", raw, gm, wm)
			}
		}
	}
	if _, err := countsOf([]byte(`{"id":"x","n":"t=1"`)); err == nil {
		t.Error("a truncated record was read")
	}
}
