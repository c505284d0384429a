package ui

import (
	"strconv"
	"strings"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/explain"
	"github.com/circa-library/circa/assets/i18n"
)

// tr translates a key with name/value pairs; the i18n tests check every
// literal key passed to it.
func tr(key string, args ...any) string { return i18n.T(key, args...) }

// has reports whether the current catalogue knows key.
func has(key string) bool { return i18n.Current().Has(key) }

// trOr translates key when the catalogue has it, otherwise returns fallback
// (a library's own item type, say, that no translation knows).
func trOr(key, fallback string) string {
	if has(key) {
		return tr(key)
	}
	return fallback
}

// errorText is what a person reads for err: a refusal in words, or a general
// message with no stack trace.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	text, ok := explain.Error(i18n.Current(), err)
	if ok {
		return text
	}
	return tr("common.error") + ": " + text
}

func firstLine(s string) string { return explain.FirstLine(s) }

// refusalText translates a refusal, formatting its facts for people: dates
// in the language's form, money as yuan, field and status names translated.
func refusalText(r *app.Refusal) string { return explain.Refusal(i18n.Current(), r) }

// dateText formats a library date for people; empty stays empty.
func dateText(d app.Date) string { return explain.Date(i18n.Current(), d) }

// moneyText formats an amount in fen.
func moneyText(m app.Money) string { return i18n.Money(int64(m)) }

// parseMoney reads "12.5", "12.50" or "¥12" as fen.
func parseMoney(s string) (app.Money, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "¥"))
	if s == "" {
		return 0, true
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, false
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return app.Money(w*100 + f), true
}

// moneyInput formats fen for an entry: "12.50".
func moneyInput(m app.Money) string {
	return strconv.FormatInt(int64(m)/100, 10) + "." + twoDigits(int64(m)%100)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

func roleText(r app.Role) string { return explain.Role(i18n.Current(), r) }

func statusText(s app.CopyStatus) string { return explain.Status(i18n.Current(), s) }

func itemTypeText(t app.ItemType) string { return explain.ItemType(i18n.Current(), t) }

// cardTypeText names a card type in the current language.
func cardTypeText(ct *app.CardType) string {
	if ct == nil {
		return ""
	}
	if i18n.Current().Lang() == i18n.English && ct.NameEN != "" {
		return ct.NameEN
	}
	return ct.Name
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) (int, error) { return strconv.Atoi(strings.TrimSpace(s)) }

// trimCode drops what scanners and fingers add around a code.
func trimCode(s string) string { return strings.TrimSpace(strings.Trim(s, "\r\n\t")) }

// splitList reads a comma-separated field ("author one, author two").
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ';' || r == '；' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
