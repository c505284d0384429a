package sip2

import (
	"strconv"
	"strings"

	"github.com/cockroachdb/errors"
)

// String renders the amount as SIP2 writes it: a decimal with two places,
// "2.00", "-0.50". The currency goes in its own field.
func (m Money) String() string {
	sign, v := "", m.Minor
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + strconv.FormatInt(v/100, 10) + "." + leftPad2(v%100)
}

func leftPad2(v int64) string {
	if v < 10 {
		return "0" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}

// ParseMoney reads a SIP2 amount ("2.00", "9.99", "3", "-1.5") in the
// given currency. More than two decimal places, or anything but digits, is
// an error: guessing at money is worse than refusing.
func ParseMoney(s, currency string) (Money, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if whole == "" && frac == "" || len(frac) > 2 || len(whole) > 15 || !digits(whole) || !digits(frac) {
		return Money{}, errors.Newf("sip2: amount %q is not a decimal with at most two places", s)
	}
	var minor int64
	if whole != "" {
		w, _ := strconv.ParseInt(whole, 10, 64)
		minor = w * 100
	}
	switch len(frac) {
	case 1:
		f, _ := strconv.ParseInt(frac, 10, 64)
		minor += f * 10
	case 2:
		f, _ := strconv.ParseInt(frac, 10, 64)
		minor += f
	}
	if neg {
		minor = -minor
	}
	return Money{Minor: minor, Currency: currency}, nil
}

func digits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}
