package marc

import (
	"strconv"
	"strings"
)

// A holdings mapping is written as one or more fields separated by ";" or
// line ends, each a tag and its item properties with the subfield codes
// that hold them, tried in order:
//
//	952:barcode=p,location=abc,call=o,price=gv,type=y; 852:barcode=p,location=bac,call=hi
//
// The properties are barcode (required: a copy is found by it), location,
// call (call number; its subfields are joined), price and type (item type).
var holdingProperties = []string{"barcode", "location", "call", "price", "type"}

// HoldingsProblem names what is wrong with a holdings mapping; the
// catalogue explains each under "marc.holdings.<problem>".
type HoldingsProblem string

// Holdings mapping problems.
const (
	HoldingsEmpty     HoldingsProblem = "empty"      // no field at all
	HoldingsSyntax    HoldingsProblem = "syntax"     // not TAG:property=codes,…
	HoldingsTag       HoldingsProblem = "tag"        // not a data field tag (010–999)
	HoldingsProperty  HoldingsProblem = "property"   // no such property
	HoldingsSubfields HoldingsProblem = "subfields"  // codes not letters or digits
	HoldingsRepeated  HoldingsProblem = "repeated"   // a tag or a property given twice
	HoldingsNoBarcode HoldingsProblem = "no_barcode" // a field without barcode
)

// HoldingsError is a holdings mapping that cannot be used: the problem and
// the part of the mapping it is in.
type HoldingsError struct {
	Problem HoldingsProblem
	Part    string
}

func (e *HoldingsError) Error() string {
	return "holdings mapping: " + string(e.Problem) + " in " + strconv.Quote(e.Part)
}

// ParseHoldings reads a holdings mapping (see holdingProperties).
func ParseHoldings(spec string) ([]HoldingSource, error) {
	var out []HoldingSource
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(spec, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		tag, props, ok := strings.Cut(part, ":")
		if !ok {
			return nil, &HoldingsError{HoldingsSyntax, part}
		}
		src := HoldingSource{Tag: strings.TrimSpace(tag)}
		if !isDataTag(src.Tag) {
			return nil, &HoldingsError{HoldingsTag, part}
		}
		if seen[src.Tag] {
			return nil, &HoldingsError{HoldingsRepeated, part}
		}
		seen[src.Tag] = true
		given := map[string]bool{}
		for _, prop := range strings.Split(props, ",") {
			name, codes, ok := strings.Cut(prop, "=")
			name, codes = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(codes)
			if !ok || name == "" {
				return nil, &HoldingsError{HoldingsSyntax, part}
			}
			if given[name] {
				return nil, &HoldingsError{HoldingsRepeated, part}
			}
			given[name] = true
			if !isSubfieldCodes(codes) {
				return nil, &HoldingsError{HoldingsSubfields, part}
			}
			field := src.property(name)
			if field == nil {
				return nil, &HoldingsError{HoldingsProperty, part}
			}
			*field = codes
		}
		if src.Barcode == "" {
			return nil, &HoldingsError{HoldingsNoBarcode, part}
		}
		out = append(out, src)
	}
	if len(out) == 0 {
		return nil, &HoldingsError{HoldingsEmpty, spec}
	}
	return out, nil
}

// FormatHoldings writes sources the way ParseHoldings reads them.
func FormatHoldings(sources []HoldingSource) string {
	parts := make([]string, 0, len(sources))
	for _, src := range sources {
		var props []string
		for _, name := range holdingProperties {
			if codes := *src.property(name); codes != "" {
				props = append(props, name+"="+codes)
			}
		}
		parts = append(parts, src.Tag+":"+strings.Join(props, ","))
	}
	return strings.Join(parts, "; ")
}

// property returns the field of src that holds the named property, or nil.
func (src *HoldingSource) property(name string) *string {
	switch name {
	case "barcode":
		return &src.Barcode
	case "location":
		return &src.Location
	case "call":
		return &src.CallNumber
	case "price":
		return &src.Price
	case "type":
		return &src.ItemType
	}
	return nil
}

func isDataTag(tag string) bool {
	return len(tag) == 3 && tag >= "010" && tag <= "999" && strings.Trim(tag, "0123456789") == ""
}

func isSubfieldCodes(codes string) bool {
	if codes == "" {
		return false
	}
	for i := 0; i < len(codes); i++ {
		if c := codes[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// DefaultHoldings returns the holdings fields read by default for a
// dialect: MARC 21's 952 and 852, UNIMARC's 995 and 905. FormatAuto has no
// single default: each record gets its own dialect's.
func DefaultHoldings(f Format) []HoldingSource {
	switch f {
	case FormatMARC21:
		return DefaultMARC21Holdings
	case FormatUNIMARC:
		return DefaultUNIMARCHoldings
	}
	return nil
}

// WithHoldings returns m reading copies from sources: in m's dialect, or
// in both when m detects the dialect per record.
func (m Mapping) WithHoldings(sources []HoldingSource) Mapping {
	if m.Format != FormatUNIMARC {
		m.MARC21Holdings = sources
	}
	if m.Format != FormatMARC21 {
		m.UNIMARCHoldings = sources
	}
	return m
}

// ParseFormat reads a dialect as Format.String writes it.
func ParseFormat(s string) (Format, bool) {
	for _, f := range []Format{FormatAuto, FormatMARC21, FormatUNIMARC} {
		if strings.EqualFold(strings.TrimSpace(s), f.String()) {
			return f, true
		}
	}
	return FormatAuto, false
}
