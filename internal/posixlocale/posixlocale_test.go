package posixlocale

import "testing"

func TestIsPOSIX(t *testing.T) {
	for locale, want := range map[string]bool{
		"C": true, "POSIX": true, "C.UTF-8": true, "C.utf8": true,
		"en_US.UTF-8": false, "zh_CN.UTF-8": false, "zh_CN": false, "": false, "Ca_ES": false,
	} {
		if got := isPOSIX(locale); got != want {
			t.Errorf("isPOSIX(%q) = %v, want %v", locale, got, want)
		}
	}
}
