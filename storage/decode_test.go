package storage_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/storage/storetest"
)

// recordTypes are the record types of the collections, for decoding.
var recordTypes = map[app.Collection]reflect.Type{
	app.CollTitles: reflect.TypeFor[app.Title](), app.CollCopies: reflect.TypeFor[app.Copy](),
	app.CollReaders: reflect.TypeFor[app.Reader](), app.CollCardTypes: reflect.TypeFor[app.CardType](),
	app.CollRules: reflect.TypeFor[app.Rule](), app.CollClosedDays: reflect.TypeFor[app.ClosedDay](),
	app.CollLoans: reflect.TypeFor[app.Loan](), app.CollHolds: reflect.TypeFor[app.Hold](),
	app.CollFines: reflect.TypeFor[app.Fine](), app.CollStaff: reflect.TypeFor[app.Staff](),
	app.CollSettings: reflect.TypeFor[app.Setting](), app.CollFeedback: reflect.TypeFor[app.Feedback](),
	app.CollExceptions: reflect.TypeFor[app.Exception](), app.CollConflicts: reflect.TypeFor[app.Conflict](),
}

// TestGetDecodesAsEncodingJSON reads every record of a demo library
// through Get and compares it with what encoding/json makes of the same
// bytes: as its record type, as a map and as raw JSON.
func TestGetDecodesAsEncodingJSON(t *testing.T) {
	db := storetest.TempDB(t)
	clock := app.NewFakeClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	lib, err := app.Open(db, app.Options{Clock: clock, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := lib.Setup(app.SetupInput{LibraryName: "Demo", AdminUsername: "admin", AdminPassword: "admin123"})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Populate(lib, admin, demo.Options{Seed: 3, Readers: 40, HistoryDays: 40}); err != nil {
		t.Fatal(err)
	}
	seen := map[app.Collection]int{}
	err = db.View(func(tx app.Tx) error {
		for _, c := range app.AllCollections {
			err := tx.ForEach(c, func(id string, raw []byte) error {
				seen[c]++
				targets := []reflect.Type{reflect.TypeFor[map[string]any](), reflect.TypeFor[json.RawMessage]()}
				if rt, ok := recordTypes[c]; ok {
					targets = append(targets, rt)
				}
				for _, rt := range targets {
					want, got := reflect.New(rt), reflect.New(rt)
					if err := json.Unmarshal(raw, want.Interface()); err != nil {
						t.Fatalf("%s %s: encoding/json: %v", c, id, err)
					}
					if _, err := tx.Get(c, id, got.Interface()); err != nil {
						t.Fatalf("%s %s: Get: %v", c, id, err)
					}
					if d := cmp.Diff(want.Interface(), got.Interface()); d != "" {
						t.Fatalf("%s %s as %s (-encoding/json +Get):\n%s", c, id, rt, d)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []app.Collection{app.CollTitles, app.CollCopies, app.CollReaders, app.CollLoans, app.CollDaily, app.CollRules} {
		if seen[c] == 0 {
			t.Errorf("no %s in the demo library: the test proves less than it says", c)
		}
	}
}

// TestGetRefusesWhatEncodingJSONRefuses: a damaged record is an error, not
// a half-read record.
func TestGetRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for _, raw := range []string{`{"id":"c1","barcode":`, `{"id":"c1","price":"ten"}`, `[1,2]`, `{"id":"c1"}x`, "{\"id\":\"c\xff\"}"} {
		var want app.Copy
		wantErr := json.Unmarshal([]byte(raw), &want)
		var got app.Copy
		gotErr := storage.DecodeRecordForTest([]byte(raw), &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Errorf("%q: encoding/json says %v, Get's decoder %v", raw, wantErr, gotErr)
			continue
		}
		if wantErr == nil {
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%q (-encoding/json +Get):\n%s", raw, d)
			}
		}
	}
}
