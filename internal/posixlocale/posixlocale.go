// Package posixlocale, imported for its side effect by the programs that
// link Fyne, turns the POSIX "C" locale into plain English before Fyne reads
// it. Fyne cannot parse "C" and logs an error at start-up; a desk started
// from a service, a cron job or CI often has exactly that locale.
//
// It must stay free of imports beyond the standard library: Go initialises
// packages in import-path order among those whose imports are ready, so a
// package with no other dependencies runs before Fyne's locale lookup.
package posixlocale

import (
	"os"
	"strings"
)

func init() {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if isPOSIX(v) {
			_ = os.Setenv(name, "en_US.UTF-8")
		}
		return
	}
}

// isPOSIX reports whether locale names the C/POSIX locale ("C", "POSIX",
// "C.UTF-8" and the like).
func isPOSIX(locale string) bool {
	base, _, _ := strings.Cut(locale, ".")
	return base == "C" || base == "POSIX"
}
