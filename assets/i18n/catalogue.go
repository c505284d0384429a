package i18n

import (
	"fmt"
	"regexp"
	"strings"
)

// Catalogue translates keys into one language.
type Catalogue struct {
	lang Lang
	msgs messages
}

// New returns the catalogue for lang; an unsupported lang gives English.
func New(lang Lang) *Catalogue {
	if _, ok := embedded[lang]; !ok {
		lang = English
	}
	return &Catalogue{lang: lang, msgs: embedded}
}

// Lang returns the catalogue's language.
func (c *Catalogue) Lang() Lang { return c.lang }

// T returns the text for key with its {placeholders} filled from args, which
// are name/value pairs; values are formatted with fmt.Sprint. A key missing
// in the catalogue's language falls back to English, then to the key itself,
// so a gap shows up on screen rather than as a blank.
func (c *Catalogue) T(key string, args ...any) string {
	text, ok := c.msgs[c.lang][key]
	if !ok {
		if text, ok = c.msgs[English][key]; !ok {
			return key
		}
	}
	if len(args) < 2 || !strings.Contains(text, "{") {
		return text
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// Has reports whether key has a text in the catalogue's language.
func (c *Catalogue) Has(key string) bool {
	_, ok := c.msgs[c.lang][key]
	return ok
}

var placeholderRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// placeholders returns the names of the {placeholders} in text, in order.
func placeholders(text string) []string {
	var names []string
	for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
		names = append(names, m[1])
	}
	return names
}
