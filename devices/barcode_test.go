package devices

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/cockroachdb/errors"
	"github.com/google/go-cmp/cmp"
)

// exampleRules is a small library's set-up: ISBNs, new copy labels T + 6
// digits, old labels printed without the T, reader cards R + number.
var exampleRules = Rules{Version: RulesVersion, Rules: []Rule{
	{Name: "isbn", Kind: KindISBN, Check: CheckISBN},
	{Name: "copy", Kind: KindCopy, Prefixes: []string{"T"}, MinLength: 7, MaxLength: 7, Digits: true},
	{Name: "old copy", Kind: KindCopy, MinLength: 6, MaxLength: 6, Digits: true, Rewrite: Rewrite{Prefix: "T"}},
	{Name: "card", Kind: KindReader, Prefixes: []string{"R", "r"}, Digits: true, Range: &NumRange{Min: 1, Max: 99999},
		Rewrite: Rewrite{StripPrefix: true, PadTo: 5, Prefix: "R"}},
	{Name: "staff card", Kind: KindReader, Prefixes: []string{"29"}, MinLength: 14, MaxLength: 14, Digits: true, Check: CheckLuhn},
}}

func TestClassify(t *testing.T) {
	tests := []struct {
		in   string
		want Result
	}{
		{"9780306406157", Result{Kind: KindISBN, Code: "9780306406157", Rule: "isbn"}},
		{"978-0-306-40615-7", Result{Kind: KindISBN, Code: "9780306406157", Rule: "isbn"}},
		{"978030640615751299", Result{Kind: KindISBN, Code: "9780306406157", Rule: "isbn"}}, // with a 5-digit price add-on
		{"0306406152", Result{Kind: KindISBN, Code: "9780306406157", Rule: "isbn"}},
		{"080442957X", Result{Kind: KindISBN, Code: "9780804429573", Rule: "isbn"}},
		{"9790260000438", Result{Kind: KindISBN, Code: "9790260000438", Rule: "isbn"}},
		{"9780306406158", Result{Kind: KindUnknown, Code: "9780306406158", Near: KindISBN, Problem: ProblemChecksum}},
		{"4006381333931", Result{Kind: KindUnknown, Code: "4006381333931"}}, // an EAN-13, but not a book
		{"T000123", Result{Kind: KindCopy, Code: "T000123", Rule: "copy"}},
		{"000123", Result{Kind: KindCopy, Code: "T000123", Rule: "old copy"}},
		{" 000123\r\n", Result{Kind: KindCopy, Code: "T000123", Rule: "old copy"}},
		{"T00012", Result{Kind: KindUnknown, Code: "T00012"}},
		{"T00012A", Result{Kind: KindUnknown, Code: "T00012A"}},
		{"R42", Result{Kind: KindReader, Code: "R00042", Rule: "card"}},
		{"r00042", Result{Kind: KindReader, Code: "R00042", Rule: "card"}},
		{"R0", Result{Kind: KindUnknown, Code: "R0"}},
		{"R100000", Result{Kind: KindUnknown, Code: "R100000"}},
		{"R99999999999999999999999", Result{Kind: KindUnknown, Code: "R99999999999999999999999"}},
		{"29000000000007", Result{Kind: KindReader, Code: "29000000000007", Rule: "staff card"}},
		{"29000000000006", Result{Kind: KindUnknown, Code: "29000000000006", Near: KindReader, Problem: ProblemChecksum}},
		{"", Result{Kind: KindUnknown}},
		{"hello", Result{Kind: KindUnknown, Code: "hello"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			tt.want.Raw = tt.in
			if diff := cmp.Diff(tt.want, exampleRules.Classify(tt.in)); diff != "" {
				t.Errorf("Classify(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestRulesJSON(t *testing.T) {
	data, err := json.Marshal(exampleRules)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseRules(data)
	if err != nil {
		t.Fatalf("ParseRules: %v", err)
	}
	if diff := cmp.Diff(exampleRules, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// The stored form is readable and uses the documented names.
	const stored = `{"version":1,"rules":[{"name":"old copy","kind":"copy","min_length":6,"max_length":6,"digits":true,"rewrite":{"prefix":"T"}}]}`
	rs, err := ParseRules([]byte(stored))
	if err != nil {
		t.Fatal(err)
	}
	if r := rs.Classify("000123"); r.Kind != KindCopy || r.Code != "T000123" {
		t.Errorf("stored rules: %+v", r)
	}
	if def := DefaultRules().Classify("9780306406157"); def.Kind != KindISBN {
		t.Errorf("DefaultRules: %+v", def)
	}
}

func TestRulesInvalid(t *testing.T) {
	tests := []struct {
		name  string
		json  string
		field string
	}{
		{"unknown kind", `{"version":1,"rules":[{"kind":"patron"}]}`, "kind"},
		{"lengths reversed", `{"version":1,"rules":[{"kind":"copy","min_length":8,"max_length":6}]}`, "max_length"},
		{"range without digits", `{"version":1,"rules":[{"kind":"copy","range":{"min":1,"max":2}}]}`, "range"},
		{"range reversed", `{"version":1,"rules":[{"kind":"copy","digits":true,"range":{"min":5,"max":2}}]}`, "range"},
		{"unknown check", `{"version":1,"rules":[{"kind":"copy","check":"crc"}]}`, "check"},
		{"bad pad", `{"version":1,"rules":[{"kind":"copy","rewrite":{"pad_to":-1}}]}`, "pad_to"},
		{"newer version", `{"version":99,"rules":[]}`, "version"},
		{"unknown field", `{"version":1,"rules":[{"kind":"copy","prefix":"T"}]}`, ""},
		{"not json", `rules`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRules([]byte(tt.json))
			if !errors.Is(err, ErrBadRule) {
				t.Fatalf("error = %v, want ErrBadRule", err)
			}
			var re *RuleError
			if tt.field != "" && (!errors.As(err, &re) || re.Field != tt.field) {
				t.Errorf("error = %v, want a RuleError on %q", err, tt.field)
			}
		})
	}
}

func TestISBN10Exercism(t *testing.T) {
	path := "../../shared/data/isbn/exercism__isbn-verifier_canonical-data.json"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("shared ISBN data not found at %s: %v", path, err)
	}
	var data struct {
		Cases []struct {
			Description string
			Input       struct{ ISBN string }
			Expected    bool
		}
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Cases) != 18 {
		t.Fatalf("%d cases, want 18", len(data.Cases))
	}
	for _, c := range data.Cases {
		t.Run(c.Description, func(t *testing.T) {
			isbn, _ := ISBN13(strings.ReplaceAll(c.Input.ISBN, "-", ""))
			if got := isbn != ""; got != c.Expected {
				t.Errorf("ISBN13(%q) = %q; valid=%v, want %v", c.Input.ISBN, isbn, got, c.Expected)
			}
		})
	}
}

func TestISBNFromMARC020(t *testing.T) {
	// Real catalogued 020 values: whatever ISBN13 accepts must be a valid
	// EAN-13 of the Bookland prefixes, and a converted ISBN-10 must keep its
	// nine digits.
	path := "../../shared/data/isbn/marc020_values_from_shared_marc21.tsv"
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("shared ISBN data not found at %s: %v", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	valid, total := 0, 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 || cols[0] == "file" {
			continue
		}
		total++
		token := strings.Fields(cols[3] + " ")[0]
		isbn, _ := ISBN13(token)
		if isbn == "" {
			continue
		}
		valid++
		if !validEAN13(isbn) || !(strings.HasPrefix(isbn, "978") || strings.HasPrefix(isbn, "979")) {
			t.Errorf("%q gave %q", token, isbn)
		}
		if t10 := strings.ReplaceAll(token, "-", ""); len(t10) == 10 && isbn[3:12] != t10[:9] {
			t.Errorf("%q gave %q", token, isbn)
		}
	}
	if total < 500 || valid == 0 {
		t.Errorf("read %d values, %d valid ISBNs", total, valid)
	}
	t.Logf("%d of %d catalogued 020 values start with a valid ISBN", valid, total)
}

func TestValidLuhn(t *testing.T) {
	for in, want := range map[string]bool{"79927398713": true, "79927398710": false, "0": false, "18": true} {
		if got := validLuhn(in); got != want {
			t.Errorf("validLuhn(%q) = %v, want %v", in, got, want)
		}
	}
}
