package devices

import (
	"strings"
	"testing"

	"github.com/cockroachdb/errors"
	"github.com/google/go-cmp/cmp"
)

func TestPOSDecode(t *testing.T) {
	d := mustDescriptor(t, HIDPOSDescriptor)
	// report builds one Scanned Data report by hand: ID, count, AIM, data, flag.
	report := func(data, aim string, cont bool) []byte {
		b := make([]byte, 64)
		b[0], b[1] = 2, byte(len(data))
		copy(b[2:5], aim)
		copy(b[5:61], data)
		if cont {
			b[63] = 1
		}
		return b
	}
	long := strings.Repeat("0123456789", 13)
	tests := []struct {
		name    string
		reports [][]byte
		want    []Scan
	}{
		{"ean-13 in one report", [][]byte{report("9780306406157", "]E0", false)},
			[]Scan{{Device: "pos", Text: "9780306406157", Symbology: SymbologyEANUPC, Time: t0}}},
		{"aim without flag character", [][]byte{report("T000123", "C0", false)},
			[]Scan{{Device: "pos", Text: "T000123", Symbology: SymbologyCode128, Time: t0}}},
		{"no symbology", [][]byte{report("R42", "", false)},
			[]Scan{{Device: "pos", Text: "R42", Time: t0}}},
		{"continued over three reports", [][]byte{report(long[:56], "]Q1", true), report(long[56:112], "]Q1", true), report(long[112:], "]Q1", false)},
			[]Scan{{Device: "pos", Text: long, Symbology: SymbologyQR, Time: t0}}},
		{"count larger than the data field is clamped", [][]byte{func() []byte { b := report(strings.Repeat("x", 56), "", false); b[1] = 200; return b }()},
			[]Scan{{Device: "pos", Text: strings.Repeat("x", 56), Time: t0}}},
		{"empty report is no scan", [][]byte{report("", "", false)}, nil},
		{"latin-1 bytes", [][]byte{report("Caf\xe9", "]d1", false)},
			[]Scan{{Device: "pos", Text: "Café", Symbology: SymbologyDataMatrix, Time: t0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPOSDecoder(d, "pos")
			if err != nil {
				t.Fatal(err)
			}
			var got []Scan
			for _, r := range tt.reports {
				if err := p.Decode(r, t0, func(s Scan) { got = append(got, s) }); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scans (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPOSReportsRoundTrip(t *testing.T) {
	d := mustDescriptor(t, HIDPOSDescriptor)
	dec, err := NewDecoder(d, DecoderOptions{Device: "pos"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := dec.(*POSDecoder); !ok {
		t.Fatalf("NewDecoder chose %T, want *POSDecoder", dec)
	}
	for _, text := range []string{"1", "9780306406157", strings.Repeat("ABC", 40)} {
		reports, err := POSReports(d, text, "]C0")
		if err != nil {
			t.Fatal(err)
		}
		if want := (len(text) + 55) / 56; len(reports) != want {
			t.Errorf("%d reports for %d bytes, want %d", len(reports), len(text), want)
		}
		if diff := cmp.Diff([]string{text}, decodeAll(t, dec, reports)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
}

func TestPOSBadReports(t *testing.T) {
	p, _ := NewPOSDecoder(mustDescriptor(t, HIDPOSDescriptor), "")
	for _, raw := range [][]byte{nil, {2, 5, 'x'}, {9, 0, 0}} {
		if err := p.Decode(raw, t0, func(Scan) { t.Error("scan from a bad report") }); !errors.Is(err, ErrBadReport) {
			t.Errorf("Decode(% x) = %v, want ErrBadReport", raw, err)
		}
	}
}

func TestSymbologyFromAIM(t *testing.T) {
	tests := map[string]string{
		"": "", "]E0": SymbologyEANUPC, "]E4": SymbologyEAN8, "]E3": SymbologyEANAddOn,
		"]C1": SymbologyGS1128, "]A0": SymbologyCode39, "]F0": SymbologyCodabar, "]I0": SymbologyITF,
		"]d2": SymbologyDataMatrix, "]Z9": "]Z9", "Z9": "]Z9",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := SymbologyFromAIM(in); got != want {
				t.Errorf("SymbologyFromAIM(%q) = %q, want %q", in, got, want)
			}
		})
	}
}
