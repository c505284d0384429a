package marc

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseHoldings(t *testing.T) {
	got, err := ParseHoldings(" 949:barcode=i, call=a ,location=l,type=t,price=9;\n995:BARCODE=f")
	if err != nil {
		t.Fatal(err)
	}
	want := []HoldingSource{
		{Tag: "949", Barcode: "i", CallNumber: "a", Location: "l", ItemType: "t", Price: "9"},
		{Tag: "995", Barcode: "f"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseHoldings (-want +got):\n%s", d)
	}
	for _, defaults := range [][]HoldingSource{DefaultMARC21Holdings, DefaultUNIMARCHoldings} {
		back, err := ParseHoldings(FormatHoldings(defaults))
		if err != nil {
			t.Fatalf("%q: %v", FormatHoldings(defaults), err)
		}
		if d := cmp.Diff(defaults, back); d != "" {
			t.Errorf("defaults do not survive FormatHoldings and ParseHoldings (-want +got):\n%s", d)
		}
	}
}

func TestParseHoldingsRefuses(t *testing.T) {
	for spec, problem := range map[string]HoldingsProblem{
		"":                               HoldingsEmpty,
		" ; ":                            HoldingsEmpty,
		"952 barcode=p":                  HoldingsSyntax,
		"952:barcode":                    HoldingsSyntax,
		"952:barcode=p,,location=a":      HoldingsSyntax,
		"95:barcode=p":                   HoldingsTag,
		"001:barcode=p":                  HoldingsTag,
		"9a2:barcode=p":                  HoldingsTag,
		"952:barcode=p,shelf=a":          HoldingsProperty,
		"952:barcode=$p":                 HoldingsSubfields,
		"952:barcode=P":                  HoldingsSubfields,
		"952:barcode=":                   HoldingsSubfields,
		"952:barcode=p,barcode=q":        HoldingsRepeated,
		"952:barcode=p; 952:barcode=q":   HoldingsRepeated,
		"952:location=a,call=o":          HoldingsNoBarcode,
		"852:barcode=p;952:location=abc": HoldingsNoBarcode,
	} {
		_, err := ParseHoldings(spec)
		var he *HoldingsError
		if !errors.As(err, &he) || he.Problem != problem {
			t.Errorf("ParseHoldings(%q) = %v, want the problem %q", spec, err, problem)
		}
	}
}

func TestMappingWithHoldings(t *testing.T) {
	hs := []HoldingSource{{Tag: "949", Barcode: "i"}}
	for _, tt := range []struct {
		format          Format
		marc21, unimarc []HoldingSource
	}{
		{FormatAuto, hs, hs},
		{FormatMARC21, hs, nil},
		{FormatUNIMARC, nil, hs},
	} {
		m := Mapping{Format: tt.format}.WithHoldings(hs)
		if d := cmp.Diff(Mapping{Format: tt.format, MARC21Holdings: tt.marc21, UNIMARCHoldings: tt.unimarc}, m); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.format, d)
		}
	}
	for _, s := range []string{"auto", "MARC21", " unimarc "} {
		if f, ok := ParseFormat(s); !ok || !strings.EqualFold(f.String(), strings.TrimSpace(s)) {
			t.Errorf("ParseFormat(%q) = %v, %v", s, f, ok)
		}
	}
	if _, ok := ParseFormat("cnmarc"); ok {
		t.Error("ParseFormat took an unknown dialect")
	}
}
