package app

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// changedFieldsByMaps is changedFields as it was written first, decoding
// both encodings into maps: the reference the gjson reading must agree with.
func changedFieldsByMaps(old, updated Record) (map[string]json.RawMessage, map[string]Version) {
	var a, b map[string]json.RawMessage
	ra, _ := json.Marshal(old)
	rb, _ := json.Marshal(updated)
	_ = json.Unmarshal(ra, &a)
	_ = json.Unmarshal(rb, &b)
	m := metaOf(old)
	out, base := map[string]json.RawMessage{}, map[string]Version{}
	for k, v := range b {
		if k == "id" || k == "ver" || k == "fver" {
			continue
		}
		if string(a[k]) != string(v) {
			out[k], base[k] = v, m.FieldVersion(k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok && k != "fver" {
			out[k], base[k] = json.RawMessage("null"), m.FieldVersion(k)
		}
	}
	return out, base
}

func TestChangedFieldsAgreesWithDecodingMaps(t *testing.T) {
	v1, v2 := Version{HLC: 10, Station: "a"}, Version{HLC: 20, Station: "b"}
	cp := &Copy{Meta: Meta{ID: "c1", Ver: v1, Fields: map[string]Version{"status": v2}}, Barcode: "B1", TitleID: "t1",
		ItemType: ItemBook, Status: CopyAvailable, Price: 1200, Note: "a \"quoted\" <note> é"}
	lent := *cp
	lent.Status, lent.LoanID, lent.Note = CopyOnLoan, "l1", ""
	lent.Fields = map[string]Version{"status": v1, "loan_id": v2}
	ti := &Title{Meta: Meta{ID: "t1", Ver: v2}, Title: "西游记", Authors: []string{"吴承恩"}, ISBNs: []string{"9787020002207"}}
	edited := *ti
	edited.Authors, edited.CLC, edited.Summary = []string{"吴承恩", "无名"}, "I242.4", "一部\n小说"
	rd := &Reader{Meta: Meta{ID: "r1"}, Card: "R1", Name: "张三", Class: "三年级2班", Grade: "三年级"}
	moved := *rd
	moved.Class, moved.Grade, moved.Deleted = "四年级2班", "", true
	if out, _, _ := changedFields(cp, &lent); len(out) != 3 || string(out["note"]) != "null" || string(out["loan_id"]) != `"l1"` {
		t.Fatalf("lending a copy changed %s, want status, loan_id and note (cleared)", out)
	}
	for _, c := range []struct{ old, upd Record }{
		{cp, &lent}, {&lent, cp}, {cp, cp}, {ti, &edited}, {&edited, ti}, {rd, &moved}, {&moved, rd},
	} {
		wantOut, wantBase := changedFieldsByMaps(c.old, c.upd)
		out, base, err := changedFields(c.old, c.upd)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(wantOut, out); d != "" {
			t.Errorf("%s %s fields (-maps +gjson):\n%s", c.old.Collection(), c.old.RecordID(), d)
		}
		if d := cmp.Diff(wantBase, base); d != "" {
			t.Errorf("%s %s base versions (-maps +gjson):\n%s", c.old.Collection(), c.old.RecordID(), d)
		}
	}
}

// TestChangedFieldNamesAgreesWithChangedFields changes copies, readers and
// titles at random, field by field, and holds changedFieldNames to the
// names changedFields finds by encoding the whole records.
func TestChangedFieldNamesAgreesWithChangedFields(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	v := func() Version { return Version{HLC: HLC(rng.IntN(5)), Station: []string{"", "a", "b"}[rng.IntN(3)]} }
	// Two strings of invalid UTF-8 that json.Marshal writes alike.
	strs := []string{"", "x", "西游记", "a \"q\" <b>", "\u2028", "\xff", "\xfe"}
	str := func() string { return strs[rng.IntN(len(strs))] }
	fver := func() map[string]Version {
		switch rng.IntN(3) {
		case 0:
			return nil
		case 1:
			return map[string]Version{}
		}
		return map[string]Version{"status": v(), "loan_id": v()}
	}
	copyOf := func() *Copy {
		return &Copy{Meta: Meta{ID: "c", Ver: v(), Fields: fver(), Deleted: rng.IntN(4) == 0}, Barcode: str(), TitleID: str(),
			ItemType: ItemType(str()), Location: str(), CallNumber: str(), Status: CopyStatus(str()), Price: Money(rng.IntN(3)),
			Note: str(), LoanID: str(), HoldID: str()}
	}
	readerOf := func() *Reader {
		return &Reader{Meta: Meta{ID: "r", Ver: v(), Fields: fver()}, Card: str(), Name: str(), Class: str(), Grade: str(),
			Status: ReaderStatus(str()), BlockReason: str(), Expiry: Date(str()), SuspendedUntil: Date(str()), History: HistoryPolicy(str())}
	}
	titleOf := func() *Title {
		var authors []string
		for range rng.IntN(3) {
			authors = append(authors, str())
		}
		if rng.IntN(4) == 0 {
			authors = []string{}
		}
		return &Title{Meta: Meta{ID: "t", Ver: v()}, Title: str(), Authors: authors, CLC: str(), SourceMARC: []byte(str())}
	}
	for i := range 3000 {
		var old, upd Record
		switch i % 3 {
		case 0:
			a, b := copyOf(), copyOf()
			if rng.IntN(2) == 0 {
				*b = *a // mostly the same: a few fields changed
				b.Status, b.LoanID = CopyStatus(str()), str()
			}
			old, upd = a, b
		case 1:
			old, upd = readerOf(), readerOf()
		default:
			old, upd = titleOf(), titleOf()
		}
		want, _, err := changedFields(old, upd)
		if err != nil {
			t.Fatal(err)
		}
		got, err := changedFieldNames(old, upd)
		if err != nil {
			t.Fatal(err)
		}
		var wantNames []string
		for f := range want {
			wantNames = append(wantNames, f)
		}
		slices.Sort(wantNames)
		slices.Sort(got)
		if !slices.Equal(got, wantNames) {
			t.Fatalf("%#v\n→ %#v\nnames %q, changedFields %q", old, upd, got, wantNames)
		}
	}
}
