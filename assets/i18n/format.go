package i18n

import (
	"fmt"
	"time"
)

// Date formats the calendar day of t: "2026年11月27日" or "27 Nov 2026".
func (c *Catalogue) Date(t time.Time) string {
	if c.lang == Chinese {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	return t.Format("2 Jan 2006")
}

// DateTime formats t to the minute: "2026年11月27日 14:05" or "27 Nov 2026 14:05".
func (c *Catalogue) DateTime(t time.Time) string {
	return c.Date(t) + " " + t.Format("15:04")
}

// Date formats t's day with the current catalogue.
func Date(t time.Time) string { return Current().Date(t) }

// DateTime formats t with the current catalogue.
func DateTime(t time.Time) string { return Current().DateTime(t) }

// Money formats an amount in fen as yuan, the same in both languages:
// 1250 → "¥12.50", -300 → "-¥3.00".
func Money(fen int64) string {
	sign := ""
	u := uint64(fen)
	if fen < 0 {
		sign, u = "-", uint64(-fen) // also right for math.MinInt64
	}
	return fmt.Sprintf("%s¥%d.%02d", sign, u/100, u%100)
}
