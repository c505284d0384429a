package app

import (
	"strings"
)

// NormalizeISBN checks an ISBN-10 or ISBN-13 as typed or catalogued (with
// hyphens, spaces, a lower-case x, or qualifiers such as "(pbk.)" after it)
// and returns it as ISBN-13 digits. ok is false when no valid ISBN is there.
func NormalizeISBN(s string) (isbn13 string, ok bool) {
	digits := isbnCandidate(s)
	switch len(digits) {
	case 10:
		if !validISBN10(digits) {
			return "", false
		}
		return ISBN10To13(digits), true
	case 13:
		if !validEAN13(digits) || !(strings.HasPrefix(digits, "978") || strings.HasPrefix(digits, "979")) {
			return "", false
		}
		return digits, true
	}
	return "", false
}

// isbnCandidate takes the leading ISBN-like part of s: digits, hyphens and
// spaces, and an X only in the last place of ten.
func isbnCandidate(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "ISBN"), "isbn")
	s = strings.TrimLeft(s, ":： ")
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b = append(b, c)
		case (c == 'X' || c == 'x') && len(b) == 9:
			b = append(b, 'X')
			return string(b)
		case c == '-' || c == ' ':
			if len(b) == 0 {
				return ""
			}
		default:
			return string(b)
		}
		if len(b) > 13 {
			return ""
		}
	}
	return string(b)
}

// ValidISBN10 reports whether s is exactly a valid ISBN-10, hyphens allowed.
func ValidISBN10(s string) bool {
	d := strings.ReplaceAll(s, "-", "")
	return len(d) == 10 && validISBN10(d)
}

func validISBN10(d string) bool {
	if len(d) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := d[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c == 'X' && i == 9:
			v = 10
		default:
			return false
		}
		sum += v * (10 - i)
	}
	return sum%11 == 0
}

func validEAN13(d string) bool {
	if len(d) != 13 {
		return false
	}
	sum := 0
	for i := 0; i < 13; i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return false
		}
		v := int(c - '0')
		if i%2 == 1 {
			v *= 3
		}
		sum += v
	}
	return sum%10 == 0
}

// ISBN10To13 converts valid ISBN-10 digits to ISBN-13.
func ISBN10To13(d string) string {
	body := "978" + d[:9]
	return body + string(rune('0'+ean13Check(body)))
}

// ISBN13To10 converts a 978 ISBN-13 to ISBN-10; ok is false for 979 ones,
// which have no ISBN-10.
func ISBN13To10(d string) (string, bool) {
	if len(d) != 13 || !strings.HasPrefix(d, "978") || !validEAN13(d) {
		return "", false
	}
	body := d[3:12]
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(body[i]-'0') * (10 - i)
	}
	c := (11 - sum%11) % 11
	if c == 10 {
		return body + "X", true
	}
	return body + string(rune('0'+c)), true
}

func ean13Check(body12 string) int {
	sum := 0
	for i := 0; i < 12; i++ {
		v := int(body12[i] - '0')
		if i%2 == 1 {
			v *= 3
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

// NormalizeBarcode trims what scanners and people add around a barcode and
// upper-cases it, so "t000123 " and "T000123" are one key.
func NormalizeBarcode(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}
