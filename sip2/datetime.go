package sip2

import (
	"strings"
	"time"

	"github.com/cockroachdb/errors"
)

// SIP2 dates are 18 characters, YYYYMMDDZZZZHHMMSS: ZZZZ is four blanks for
// local time or "   Z" for UTC. A date field of 18 blanks means "none".
const (
	dateLocalLayout = "20060102    150405"
	dateUTCLayout   = "20060102   Z150405"
)

// FormatDate renders t as an 18-character SIP2 date: "   Z" when t is in UTC,
// the local-time form otherwise; the zero time becomes 18 blanks.
func FormatDate(t time.Time) string {
	switch {
	case t.IsZero():
		return strings.Repeat(" ", dateLen)
	case t.Location() == time.UTC:
		return t.Format(dateUTCLayout)
	default:
		return t.Format(dateLocalLayout)
	}
}

// ParseDate reads an 18-character SIP2 date. Blanks give the zero time; a
// "   Z" zone gives UTC; any other zone (blanks, or the offsets some clients
// put there) is taken as local time in loc, as the client meant its clock.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	if len(s) != dateLen {
		return time.Time{}, errors.Newf("sip2: date %q is not 18 characters", s)
	}
	if loc == nil {
		loc = time.Local
	}
	if s[8:12] == "   Z" {
		loc = time.UTC
	}
	t, err := time.ParseInLocation("20060102150405", s[:8]+s[12:], loc)
	if err != nil {
		return time.Time{}, errors.Wrapf(err, "sip2: date %q", s)
	}
	return t, nil
}
