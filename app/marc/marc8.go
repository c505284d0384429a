package marc

//go:generate go run ./gen

import (
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// marc8Set is one single-byte MARC-8 graphic set (see marc8_tables.go).
type marc8Set struct {
	final     byte
	combining [2]uint64
	runes     [128]rune
}

func (s *marc8Set) isCombining(c byte) bool {
	return s.combining[c/64]&(1<<(c%64)) != 0
}

// MARC-8 final bytes of the sets the decoder treats specially.
const (
	setASCII = 0x42
	setANSEL = 0x45
	setEACC  = 0x31
)

// charsets is one family of ISO 2022-style sets and its defaults.
type charsets struct {
	byFinal [128]*marc8Set
	g0, g1  byte // sets in force at the start of each value
	eacc    bool // whether ESC $ 1 designates EACC
}

func newCharsets(sets []marc8Set, g0, g1 byte, eacc bool, aliases map[byte]byte) *charsets {
	cs := &charsets{g0: g0, g1: g1, eacc: eacc}
	for i := range sets {
		cs.byFinal[sets[i].final] = &sets[i]
	}
	for alias, final := range aliases {
		cs.byFinal[alias] = cs.byFinal[final]
	}
	return cs
}

var (
	marc8Charsets = newCharsets(marc8Sets[:], setASCII, setANSEL, true, nil)
	// UNIMARC starts with ISO 646 in G0 and ISO 5426 in G1; ESC ( B also
	// selects ASCII there.
	iso5426Charsets = newCharsets(iso5426Sets[:], 0x40, 0x50, false, map[byte]byte{setASCII: 0x40})
)

var eaccRuneTable = sync.OnceValue(func() []rune { return []rune(eaccRunes) })

// lookupEACC returns the character for a 3-byte EACC code.
func lookupEACC(a, b, c byte) (rune, bool) {
	lo, hi := 0, eaccLen
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		k := eaccKeys[3*m : 3*m+3]
		if k[0] < a || k[0] == a && (k[1] < b || k[1] == b && k[2] < c) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < eaccLen && eaccKeys[3*lo] == a && eaccKeys[3*lo+1] == b && eaccKeys[3*lo+2] == c {
		return eaccRuneTable()[lo], true
	}
	return 0, false
}

// DecodeMARC8 converts MARC-8 bytes (one field or subfield: the default sets
// ASCII and ANSEL are in force at its start) to NFC Unicode. Combining marks,
// which MARC-8 puts before their base letter, come after it in the result.
// ok is false when an unknown escape or code had to become U+FFFD.
func DecodeMARC8(b []byte) (s string, ok bool) { return decode2022(b, marc8Charsets) }

// DecodeISO5426 converts UNIMARC text in ISO 646 + ISO 5426 (with ISO 5427
// Cyrillic, ISO 5428 Greek and the African set reachable by escapes) to NFC
// Unicode, as DecodeMARC8 does for MARC-8.
func DecodeISO5426(b []byte) (s string, ok bool) { return decode2022(b, iso5426Charsets) }

// decode2022 decodes b with the sets of cs.
func decode2022(b []byte, cs *charsets) (s string, ok bool) {
	plain := true
	for _, c := range b {
		if c >= utf8.RuneSelf || c == 0x1B {
			plain = false
			break
		}
	}
	if plain {
		return string(b), true
	}
	var (
		out     strings.Builder
		pending []rune // combining marks waiting for their base
		g0      = cs.g0
		g1      = cs.g1
	)
	ok = true
	out.Grow(len(b) + len(b)/2)
	emit := func(r rune) {
		out.WriteRune(r)
		for _, m := range pending {
			out.WriteRune(m)
		}
		pending = pending[:0]
	}
	for i := 0; i < len(b); {
		c := b[i]
		if c == 0x1B {
			n, set0, set1, good := parseEscape(b[i:], cs)
			if !good {
				ok = false
				emit(utf8.RuneError)
			}
			if set0 != 0 {
				g0 = set0
			}
			if set1 != 0 {
				g1 = set1
			}
			i += n
			continue
		}
		if c >= 0x80 && c < 0xA0 {
			if r, found := marc8C1[c]; found {
				emit(r)
			} else {
				ok = false
				emit(utf8.RuneError)
			}
			i++
			continue
		}
		if c < 0x21 || c == 0x7F {
			emit(rune(c)) // space and C0 controls read the same in every set
			i++
			continue
		}
		g := g0
		if c >= 0x80 {
			g = g1
		}
		if g == setEACC && cs.eacc {
			if i+3 > len(b) {
				ok = false
				emit(utf8.RuneError)
				break
			}
			r, found := lookupEACC(b[i]&0x7F, b[i+1]&0x7F, b[i+2]&0x7F)
			if !found {
				ok = false
				r = utf8.RuneError
			}
			emit(r)
			i += 3
			continue
		}
		set := cs.byFinal[g&0x7F]
		code := c & 0x7F
		if set == nil || set.runes[code] == 0 {
			// G0 sets other than ASCII still leave ASCII reachable when
			// the set has no character at a code (digits, punctuation).
			if ascii := cs.byFinal[cs.g0]; c < 0x80 && set != nil && ascii.runes[code] != 0 {
				emit(ascii.runes[code])
			} else {
				ok = false
				emit(utf8.RuneError)
			}
			i++
			continue
		}
		r := set.runes[code]
		if set.isCombining(code) {
			pending = append(pending, r)
		} else {
			emit(r)
		}
		i++
	}
	for _, m := range pending {
		out.WriteRune(m)
	}
	return norm.NFC.String(out.String()), ok
}

// parseEscape reads one MARC-8 escape sequence at the start of b and
// returns its length and the set it designates into G0 or G1 (0 if none).
func parseEscape(b []byte, cs *charsets) (n int, g0, g1 byte, ok bool) {
	if len(b) < 2 {
		return len(b), 0, 0, false
	}
	switch b[1] {
	case 'g', 'b', 'p': // technique 2: Greek symbols, subscripts, superscripts
		return 2, b[1], 0, true
	case 's':
		return 2, cs.g0, 0, true
	case '(', ',', ')', '-':
		if len(b) < 3 {
			return len(b), 0, 0, false
		}
		f, n := b[2], 3
		if f == '!' && len(b) > 3 { // ESC ( ! E: ANSEL as G0
			f, n = b[3], 4
		}
		if cs.byFinal[f&0x7F] == nil {
			return n, 0, 0, false
		}
		if b[1] == '(' || b[1] == ',' {
			return n, f, 0, true
		}
		return n, 0, f, true
	case '$':
		if len(b) < 3 {
			return len(b), 0, 0, false
		}
		if !cs.eacc {
			return min(len(b), 3), 0, 0, false
		}
		switch b[2] {
		case setEACC:
			return 3, setEACC, 0, true
		case '(', ',':
			if len(b) > 3 && b[3] == setEACC {
				return 4, setEACC, 0, true
			}
		case ')', '-':
			if len(b) > 3 && b[3] == setEACC {
				return 4, 0, setEACC, true
			}
		}
		return min(len(b), 4), 0, 0, false
	}
	return 1, 0, 0, false
}
