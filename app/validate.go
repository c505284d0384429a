package app

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Field length limits, in characters. Past them input is refused rather than
// cut, so nobody loses text without knowing.
const (
	maxShortField = 200
	maxLongField  = 10000
)

// checkText trims s and refuses it when it is required and empty, too long,
// or not valid text.
func checkText(field, s string, required bool, max int) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", Refuse(ReasonInvalidInput, "field", field)
	}
	if required && s == "" {
		return "", Refuse(ReasonFieldRequired, "field", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", Refuse(ReasonFieldTooLong, "field", field, "max", strconv.Itoa(max))
	}
	return s, nil
}

// checkCode checks a barcode or card number: printable, no spaces inside.
func checkCode(field, s string) (string, error) {
	s = NormalizeBarcode(s)
	if s == "" {
		return "", Refuse(ReasonFieldRequired, "field", field)
	}
	if len(s) > 64 {
		return "", Refuse(ReasonFieldTooLong, "field", field, "max", "64")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || !utf8.ValidRune(r) {
			return "", Refuse(ReasonInvalidInput, "field", field)
		}
	}
	return s, nil
}
