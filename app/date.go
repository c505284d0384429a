package app

import (
	"time"

	"github.com/cockroachdb/errors"
)

// Date is a calendar day in the library's time zone, "2006-01-02". Due dates,
// card expiry and closed days are dates, not instants: a book is due on a day.
type Date string

const dateLayout = "2006-01-02"

// DateOf returns the day t falls on in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	return Date(t.In(loc).Format(dateLayout))
}

// ParseDate checks and returns s as a Date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return "", errors.Mark(Refuse(ReasonInvalidDate, "value", s), ErrInvalidInput)
	}
	return Date(t.Format(dateLayout)), nil
}

// Time returns midnight at the start of the day in UTC.
func (d Date) Time() time.Time {
	t, err := time.Parse(dateLayout, string(d))
	if err != nil {
		return time.Time{}
	}
	return t
}

// AddDays returns the day n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date {
	return Date(d.Time().AddDate(0, 0, n).Format(dateLayout))
}

// DaysUntil returns how many days lie from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.Time().Sub(d.Time()).Hours() / 24)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d < e }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == "" }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// Money is an amount in the smallest unit of the currency (fen, cents).
type Money int64
