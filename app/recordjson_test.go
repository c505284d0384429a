package app

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// trickyStrings are the strings json.Marshal treats apart: escapes, HTML
// characters, invalid UTF-8, the two line separators, and plain text.
var trickyStrings = []string{
	"", "c0001234", "l-9e00-17", "红楼梦", "<b>&amp;</b>", `"quoted" \back\`, "\x00\x01\x1f\x7f",
	"tab\tnew\nline\r", "\xff\xfe", "bad\xc3(", "\u2028\u2029", "\ufffd", "é", "😀 emoji", "a\bb\fc",
}

func randString(rng *rand.Rand) string {
	if rng.IntN(4) == 0 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	}
	return trickyStrings[rng.IntN(len(trickyStrings))] + trickyStrings[rng.IntN(len(trickyStrings))]
}

func randTime(rng *rand.Rand) time.Time {
	zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+45*60), time.FixedZone("X", -(3*3600 + 30*60)),
		time.FixedZone("", 0), time.Local}
	switch rng.IntN(8) {
	case 0:
		return time.Time{}
	case 1:
		return time.Date(10000+rng.IntN(10), 1, 1, 0, 0, 0, 0, time.UTC) // json.Marshal refuses it
	case 2:
		return time.Date(-1-rng.IntN(10), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Unix(rng.Int64N(1<<36)-1<<35, rng.Int64N(1e9)*int64(rng.IntN(2))).In(zones[rng.IntN(len(zones))])
}

func randMeta(rng *rand.Rand) Meta {
	m := Meta{ID: randString(rng), Ver: Version{HLC: HLC(rng.Uint64()), Station: randString(rng)}, Deleted: rng.IntN(3) == 0}
	switch rng.IntN(3) {
	case 0:
		m.Fields = map[string]Version{}
	case 1:
		m.Fields = map[string]Version{}
		for range rng.IntN(5) + 1 {
			m.Fields[randString(rng)] = Version{HLC: HLC(rng.Uint64()), Station: randString(rng)}
		}
	}
	return m
}

func randLoan(rng *rand.Rand) *Loan {
	l := &Loan{Meta: randMeta(rng), CopyID: randString(rng), TitleID: randString(rng), Out: randTime(rng),
		Due: Date(randString(rng)), Renewals: rng.IntN(5) - 1, CardType: randString(rng), ItemType: ItemType(randString(rng)),
		Lost: rng.IntN(3) == 0, Anonymised: rng.IntN(3) == 0}
	if rng.IntN(2) == 0 {
		l.ReaderID, l.Class, l.Station, l.Staff = randString(rng), randString(rng), randString(rng), randString(rng)
	}
	if rng.IntN(2) == 0 {
		back := randTime(rng)
		l.Returned = &back
	}
	switch rng.IntN(3) {
	case 0:
		l.Overrides = []Reason{}
	case 1:
		for range rng.IntN(3) + 1 {
			l.Overrides = append(l.Overrides, Reason(randString(rng)))
		}
	}
	return l
}

func randCopy(rng *rand.Rand) *Copy {
	c := &Copy{Meta: randMeta(rng), Barcode: randString(rng), TitleID: randString(rng), ItemType: ItemType(randString(rng)),
		Status: CopyStatus(randString(rng))}
	if rng.IntN(2) == 0 {
		c.Location, c.CallNumber, c.Note = randString(rng), randString(rng), randString(rng)
		c.Price = Money(rng.Int64N(1<<40) - 1<<39)
	}
	if rng.IntN(2) == 0 {
		c.LoanID, c.HoldID = randString(rng), randString(rng)
	}
	return c
}

func randLoanDays(rng *rand.Rand) *LoanDays {
	p := &LoanDays{ID: randString(rng)}
	switch rng.IntN(3) {
	case 0:
		p.N = Counts{}
	case 1:
		p.N = Counts{}
		for range rng.IntN(6) + 1 {
			k := randString(rng)
			if rng.IntN(4) == 0 {
				k += []string{",", "=", "a,b=c"}[rng.IntN(3)] // kept as a JSON object
			}
			p.N[k] = rng.IntN(100) - 10
		}
	}
	return p
}

// checkEncodesAsMarshal holds EncodeRecord to json.Marshal: the same bytes,
// or the same refusal.
func checkEncodesAsMarshal(t *testing.T, r Record) {
	t.Helper()
	want, werr := json.Marshal(r)
	got, gerr := EncodeRecord(r)
	if (werr == nil) != (gerr == nil) || !bytes.Equal(want, got) {
		t.Fatalf("%#v:\njson.Marshal %s (%v)\nEncodeRecord %s (%v)", r, want, werr, got, gerr)
	}
}

func TestEncodeRecordIsMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		checkEncodesAsMarshal(t, randLoan(rng))
		checkEncodesAsMarshal(t, randCopy(rng))
		checkEncodesAsMarshal(t, randLoanDays(rng))
	}
	// Every other record goes to json.Marshal itself.
	checkEncodesAsMarshal(t, &Reader{Meta: Meta{ID: "r1"}, Name: "<李>"})
	checkEncodesAsMarshal(t, &Loan{})
	checkEncodesAsMarshal(t, &Copy{})
}

func FuzzEncodeRecordIsMarshal(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s, int64(0), uint64(1))
	}
	f.Fuzz(func(t *testing.T, s string, unix int64, h uint64) {
		at := time.Unix(unix, int64(h%1e9)).UTC()
		m := Meta{ID: s, Ver: Version{HLC: HLC(h), Station: s}, Fields: map[string]Version{s: {HLC: HLC(h), Station: s}, "status": {}}}
		checkEncodesAsMarshal(t, &Loan{Meta: m, CopyID: s, TitleID: s, ReaderID: s, Out: at, Due: Date(s), Returned: &at,
			CardType: s, Class: s, ItemType: ItemType(s), Station: s, Staff: s, Overrides: []Reason{Reason(s)}})
		checkEncodesAsMarshal(t, &Copy{Meta: m, Barcode: s, TitleID: s, ItemType: ItemType(s), Location: s,
			CallNumber: s, Status: CopyStatus(s), Price: Money(unix), Note: s, LoanID: s, HoldID: s})
		checkEncodesAsMarshal(t, &LoanDays{ID: s, N: Counts{s: int(unix), "2026-11-27": int(h % 100)}})
	})
}

func BenchmarkEncodeRecord(b *testing.B) {
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	c := &Copy{Meta: Meta{ID: "c123456", Fields: map[string]Version{"status": {HLC: 12345, Station: "abcdef"},
		"loan_id": {HLC: 12345, Station: "abcdef"}}}, Barcode: "C0001234", TitleID: "t1234", ItemType: ItemBook,
		Status: CopyOnLoan, LoanID: "l12345"}
	l := &Loan{Meta: Meta{ID: "l12345"}, CopyID: "c123456", TitleID: "t1", ReaderID: "r1", Out: at,
		Due: DateOf(at, time.UTC), CardType: "REG", ItemType: ItemBook}
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(c)
			_, _ = json.Marshal(l)
		}
	})
	b.Run("EncodeRecord", func(b *testing.B) {
		for b.Loop() {
			_, _ = EncodeRecord(c)
			_, _ = EncodeRecord(l)
		}
	})
}

// fillAll sets every field of the struct v points to, embedded ones
// included, to a value that is not empty, so that a field added to a record
// and not to its hand encoder makes TestEncodeRecordKnowsEveryField fail.
func fillAll(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fillAll(t, v.Elem())
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 27, 9, 30, 0, 5, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillAll(t, v.Field(i))
			}
		}
	case reflect.String:
		v.SetString("x-" + v.Type().Name())
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(-7)
	case reflect.Uint, reflect.Uint64, reflect.Uint32:
		v.SetUint(7)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillAll(t, v.Index(0))
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fillAll(t, k)
		fillAll(t, e)
		m.SetMapIndex(k, e)
		v.Set(m)
	default:
		t.Fatalf("fillAll does not know %s fields", v.Type())
	}
}

func TestEncodeRecordKnowsEveryField(t *testing.T) {
	for _, r := range []Record{&Loan{}, &Copy{}, &LoanDays{}} {
		fillAll(t, reflect.ValueOf(r))
		if _, ok := r.(jsonAppender).appendJSON(nil); !ok {
			t.Fatalf("%T: the hand encoder left a full record to json.Marshal", r)
		}
		checkEncodesAsMarshal(t, r)
	}
}
