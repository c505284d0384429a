package marc

// Format names a MARC dialect.
type Format uint8

// Formats the package maps.
const (
	// FormatAuto detects the dialect per record (see DetectFormat).
	FormatAuto Format = iota
	// FormatMARC21 is MARC 21 (Library of Congress).
	FormatMARC21
	// FormatUNIMARC is UNIMARC, including China's CNMARC.
	FormatUNIMARC
)

// String returns a stable identifier for f.
func (f Format) String() string {
	switch f {
	case FormatMARC21:
		return "marc21"
	case FormatUNIMARC:
		return "unimarc"
	}
	return "auto"
}

// Tags that only make sense in one dialect, with how strongly they point
// there. 245 and 200 (title) decide almost alone; the rest break ties.
var (
	marc21Tags  = map[string]int{"245": 10, "020": 2, "260": 3, "264": 3, "650": 2, "050": 2, "082": 2, "084": 1, "852": 1, "952": 1, "040": 2, "300": 1, "490": 1, "520": 1}
	unimarcTags = map[string]int{"200": 10, "010": 2, "210": 3, "214": 3, "101": 2, "215": 2, "606": 2, "690": 2, "676": 2, "995": 1, "905": 1, "225": 1, "330": 1, "801": 2}
)

// DetectFormat tells MARC21 from UNIMARC by the fields a record holds.
// MARC21 wins ties: it is the commoner dialect.
func DetectFormat(rec *Record) Format {
	m, u := 0, 0
	for i := range rec.Fields {
		m += marc21Tags[rec.Fields[i].Tag]
		u += unimarcTags[rec.Fields[i].Tag]
	}
	// UNIMARC 100 $a is 36 characters of coded data starting with a date.
	if f := rec.Field("100"); f != nil {
		if a := f.First('a'); len(a) >= 26 && isDigits(a[:8]) {
			u += 3
		} else if a != "" {
			m += 1
		}
	}
	if u > m {
		return FormatUNIMARC
	}
	return FormatMARC21
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
