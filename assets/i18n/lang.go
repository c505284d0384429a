package i18n

import (
	"os"
	"strings"
)

// Lang is a language tag as Circa stores it in settings.
type Lang string

// The languages Circa speaks.
const (
	Chinese Lang = "zh-Hans"
	English Lang = "en"
)

// Langs lists the supported languages in the order a language menu shows them.
func Langs() []Lang { return []Lang{Chinese, English} }

// Parse reads a language from a tag or a POSIX locale ("zh_CN.UTF-8",
// "zh-Hans", "en-GB", "en"). Any Chinese variant means Chinese. It reports
// false, with English, for anything else.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i] // drop the encoding and modifier: zh_CN.UTF-8@pinyin
	}
	primary, _, _ := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	switch primary {
	case "zh":
		return Chinese, true
	case "en":
		return English, true
	}
	return English, false
}

// Detect returns the language of the user's POSIX locale, from LC_ALL,
// LC_MESSAGES or LANG (the first one set wins, as in setlocale): zh* is
// Chinese, anything else English. Windows and macOS rarely set these; the UI
// should ask the operating system there and call Parse.
func Detect() Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			l, _ := Parse(v)
			return l
		}
	}
	return English
}
