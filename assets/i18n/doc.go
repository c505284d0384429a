// Package i18n translates Circa's user-facing text into Simplified Chinese and
// English, for the desktop UI and the command-line tools alike. It is pure Go.
//
// Messages live in locales/<area>.<lang>.json, one flat object of key →
// text per file, split by area so that people adding keys to different screens
// do not edit the same file. A key may appear in one area only, and every key
// must exist in both languages with the same placeholders; the tests enforce
// this, and also that every literal key the code passes to T exists.
//
// Placeholders are named in braces and filled from name/value pairs:
//
//	"refusal.copy_on_loan": "已借给{reader}，应还日期{due}"
//	i18n.T("refusal.copy_on_loan", "reader", name, "due", due)
package i18n
