package sip2

import (
	"bytes"
	"testing"
)

// FuzzParse checks that Parse never panics and that whatever it accepts
// formats into a message that parses back to the same bytes.
func FuzzParse(f *testing.F) {
	for _, file := range []string{"jsip2__request_messages.txt", "tzeumer__gossip_tuhh_messages.txt", "evergreen__test.txt"} {
		for _, l := range dataLines(f, file) {
			f.Add(l)
		}
	}
	f.Add([]byte("941AY1AZFDFC"))
	f.Add([]byte("97AZFEF5"))
	f.Add([]byte("9300CNuser|X|\r\n"))
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := Parse(line, UTF8)
		if m == nil {
			if err == nil {
				t.Fatal("nil message without an error")
			}
			return
		}
		first, err := m.Format(UTF8)
		if err != nil {
			t.Fatalf("Format(Parse(%q)): %v", line, err)
		}
		again, err := Parse(first, UTF8)
		if err != nil {
			t.Fatalf("Parse(%q) (formatted from %q): %v", first, line, err)
		}
		second, err := again.Format(UTF8)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("format not stable: %q → %q → %q", line, first, second)
		}
		// The other charsets must not fail on anything either.
		for _, cs := range []Charset{GB18030, CP850} {
			if b, err := m.Format(cs); err != nil {
				t.Fatalf("Format(%s): %v", cs, err)
			} else {
				Parse(b, cs)
			}
		}
	})
}
