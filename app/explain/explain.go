// Package explain puts the library's refusals into words for people, in a
// catalogue's language: dates as the language writes them, money as yuan,
// field, status, item type and role names translated; and a file that could
// not be used, with what to do. The desk, the self-service kiosk, SIP2
// terminals and the command line all say these the same way through it.
package explain

import (
	"errors"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

// Refusal is r in words. A reason the catalogue does not know is named as
// it is, inside a general sentence.
func Refusal(cat *i18n.Catalogue, r *app.Refusal) string {
	key := "refusal." + string(r.Reason)
	if !cat.Has(key) {
		return cat.T("refusal.unknown", "reason", string(r.Reason))
	}
	if r.Reason == app.ReasonInvalidInput && r.Facts["value"] != "" {
		key = "refusal.invalid_value" // say what was given, not only where
	}
	names := make([]string, 0, len(r.Facts))
	for k := range r.Facts {
		names = append(names, k)
	}
	sort.Strings(names)
	args := make([]any, 0, 2*len(names)+2)
	for _, k := range names {
		args = append(args, k, Fact(cat, k, r.Facts[k]))
	}
	// copy_not_loanable names either a status or an item type: one {detail}.
	if r.Reason == app.ReasonCopyNotLoanable {
		detail := r.Facts["status"]
		if detail != "" {
			detail = Status(cat, app.CopyStatus(detail))
		} else {
			detail = ItemType(cat, app.ItemType(r.Facts["item_type"]))
		}
		args = append(args, "detail", detail)
	}
	return cat.T(key, args...)
}

// Error is err for a person: a refusal or a file problem in words, with ok
// set, or else the first line of its message, never a stack trace, which
// the caller heads as a general error.
func Error(cat *i18n.Catalogue, err error) (text string, ok bool) {
	if r, ok := app.RefusalOf(err); ok {
		return Refusal(cat, r), true
	}
	if text, ok := File(cat, err); ok {
		return text, true
	}
	explainersMu.RLock()
	defer explainersMu.RUnlock()
	for _, fn := range explainers {
		if text, ok := fn(cat, err); ok {
			return text, true
		}
	}
	return FirstLine(err.Error()), false
}

var (
	explainersMu sync.RWMutex
	explainers   []func(*i18n.Catalogue, error) (string, bool)
)

// Register adds fn to what Error consults after refusals and files: a
// package whose errors people meet (sync's pairing and network errors)
// puts them into words there, so every caller of Error says them alike.
// fn returns ok false for an error it does not know.
func Register(fn func(cat *i18n.Catalogue, err error) (text string, ok bool)) {
	explainersMu.Lock()
	defer explainersMu.Unlock()
	explainers = append(explainers, fn)
}

// FirstLine is s up to its first line break: an error's message without
// the detail (a stack, a wrapped cause's dump) that follows.
func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// File is a file that could not be read or written, in words with what to
// do, when err says why in a way people can act on (no such file or folder,
// no permission, a folder where a file was meant, a full disk); ok is false
// for anything else.
func File(cat *i18n.Catalogue, err error) (text string, ok bool) {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return "", false
	}
	var key string
	switch {
	case errors.Is(pe.Err, fs.ErrNotExist):
		key = "file.not_found"
	case errors.Is(pe.Err, fs.ErrPermission):
		key = "file.no_permission"
	case errors.Is(pe.Err, syscall.EISDIR):
		key = "file.is_folder"
	case errors.Is(pe.Err, syscall.ENOSPC):
		key = "file.disk_full"
	default:
		return "", false
	}
	return cat.T("file.problem", "path", pe.Path, "reason", cat.T(key)), true
}

// Fact formats one fact of a refusal, by its name.
func Fact(cat *i18n.Catalogue, name, value string) string {
	switch name {
	case "due", "expiry", "until":
		if d, err := app.ParseDate(value); err == nil {
			return Date(cat, d)
		}
	case "owed", "limit":
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			return i18n.Money(n)
		}
	case "field":
		return or(cat, "field."+value, value)
	case "permission":
		return or(cat, "perm."+value, value)
	case "role":
		return Role(cat, app.Role(value))
	case "status":
		return Status(cat, app.CopyStatus(value))
	case "item_type":
		return ItemType(cat, app.ItemType(value))
	case "reader", "reason", "name", "title":
		if value == "" {
			return cat.T("common.none")
		}
	}
	return value
}

// Date writes a library day as the language does; the zero day stays empty.
func Date(cat *i18n.Catalogue, d app.Date) string {
	if d.IsZero() {
		return ""
	}
	return cat.Date(d.Time())
}

// Role names a staff role.
func Role(cat *i18n.Catalogue, r app.Role) string { return or(cat, "role."+string(r), string(r)) }

// Status names a copy's status.
func Status(cat *i18n.Catalogue, s app.CopyStatus) string {
	return or(cat, "copy_status."+string(s), string(s))
}

// ItemType names an item type; a library's own type that no translation
// knows keeps its code.
func ItemType(cat *i18n.Catalogue, t app.ItemType) string {
	return or(cat, "item_type."+string(t), string(t))
}

// or translates key when the catalogue has it, otherwise returns fallback.
func or(cat *i18n.Catalogue, key, fallback string) string {
	if cat.Has(key) {
		return cat.T(key)
	}
	return fallback
}
