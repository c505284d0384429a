package ui

import (
	"sort"
	"strconv"
	"strings"

	"github.com/circa-library/circa/app"
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
	if r, ok := app.RefusalOf(err); ok {
		return refusalText(r)
	}
	return tr("common.error") + ": " + firstLine(err.Error())
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// refusalText translates a refusal, formatting its facts for people: dates
// in the language's form, money as yuan, field and status names translated.
func refusalText(r *app.Refusal) string {
	keys := make([]string, 0, len(r.Facts))
	for k := range r.Facts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	args := make([]any, 0, 2*len(keys)+2)
	for _, k := range keys {
		args = append(args, k, factText(r.Reason, k, r.Facts[k]))
	}
	// copy_not_loanable names either a status or an item type: one {detail}.
	if r.Reason == app.ReasonCopyNotLoanable {
		detail := r.Facts["status"]
		if detail != "" {
			detail = statusText(app.CopyStatus(detail))
		} else {
			detail = itemTypeText(app.ItemType(r.Facts["item_type"]))
		}
		args = append(args, "detail", detail)
	}
	key := "refusal." + string(r.Reason)
	if !has(key) {
		return tr("refusal.unknown", "reason", string(r.Reason))
	}
	return tr(key, args...)
}

// factText formats one fact of a refusal.
func factText(reason app.Reason, name, value string) string {
	switch name {
	case "due", "expiry", "until", "value":
		if d, err := app.ParseDate(value); err == nil && name != "value" {
			return dateText(d)
		}
	case "owed", "limit":
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			return i18n.Money(n)
		}
	case "field":
		return trOr("field."+value, value)
	case "permission":
		return trOr("perm."+value, value)
	case "role":
		return roleText(app.Role(value))
	case "status":
		return statusText(app.CopyStatus(value))
	case "item_type":
		return itemTypeText(app.ItemType(value))
	case "reader", "reason", "name", "title":
		if value == "" {
			return tr("common.none")
		}
	}
	return value
}

// dateText formats a library date for people; empty stays empty.
func dateText(d app.Date) string {
	if d.IsZero() {
		return ""
	}
	return i18n.Date(d.Time())
}

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

func roleText(r app.Role) string { return trOr("role."+string(r), string(r)) }

func statusText(s app.CopyStatus) string { return trOr("copy_status."+string(s), string(s)) }

func itemTypeText(t app.ItemType) string { return trOr("item_type."+string(t), string(t)) }

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
