package assets

import (
	"encoding/binary"
	"errors"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestFontsCoverGBK checks the subset promise of fonts/make-font.sh against
// the fonts' own character maps: every GBK character, and the sample text the
// UI tests render, has a glyph in both weights. Fyne takes each character from
// the first font that has it, so full coverage means no system font is needed.
func TestFontsCoverGBK(t *testing.T) {
	gbk := gbkCharacters(t)
	if len(gbk) < 21000 {
		t.Fatalf("decoded only %d GBK characters", len(gbk))
	}
	extra := []rune("西游记 借阅 还书 喆堃昇䶮 ¥€…—“”《》，。、ＡＢＣ")
	for name, font := range map[string][]byte{"regular": FontRegular, "bold": FontBold} {
		covered, err := cmapRunes(font)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var missing []rune
		for _, r := range append(gbk, extra...) {
			if !covered[r] && !notInNoto[r] && !(r >= 0xE000 && r <= 0xF8FF) { // private use: no glyph expected
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s font lacks %d characters, e.g. %q", name, len(missing), string(missing[:min(20, len(missing))]))
		}
	}
}

// notInNoto holds the GBK characters that Noto Sans CJK SC 2.004 itself lacks;
// Fyne takes them from a system font if there is one.
var notInNoto = map[rune]bool{'≒': true}

// gbkCharacters decodes every GBK double-byte code.
func gbkCharacters(t *testing.T) []rune {
	t.Helper()
	dec := simplifiedchinese.GBK.NewDecoder()
	var out []rune
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			if trail == 0x7F {
				continue
			}
			b, err := dec.Bytes([]byte{byte(lead), byte(trail)})
			if err != nil {
				continue
			}
			if r, n := utf8.DecodeRune(b); n == len(b) && r != utf8.RuneError {
				out = append(out, r)
			}
		}
	}
	return out
}

// cmapRunes reads the characters a single OpenType font maps to glyphs, from
// the Unicode cmap subtable of format 12 (full range) or 4 (BMP only).
func cmapRunes(font []byte) (map[rune]bool, error) {
	be := binary.BigEndian
	var cmap []byte
	for i := 0; i < int(be.Uint16(font[4:])); i++ {
		rec := font[12+16*i:]
		if string(rec[:4]) == "cmap" {
			off, n := be.Uint32(rec[8:]), be.Uint32(rec[12:])
			cmap = font[off : off+n]
		}
	}
	if cmap == nil {
		return nil, errors.New("no cmap table")
	}
	var format4 []byte
	for i := 0; i < int(be.Uint16(cmap[2:])); i++ {
		sub := cmap[be.Uint32(cmap[4+8*i+4:]):]
		switch be.Uint16(sub) {
		case 12:
			runes := map[rune]bool{}
			groups := sub[16 : 16+12*be.Uint32(sub[12:])]
			for g := 0; g < len(groups); g += 12 {
				for r := be.Uint32(groups[g:]); r <= be.Uint32(groups[g+4:]); r++ {
					runes[rune(r)] = true
				}
			}
			return runes, nil
		case 4:
			format4 = sub
		}
	}
	if format4 == nil {
		return nil, errors.New("no Unicode cmap subtable")
	}
	sub := format4
	segs := int(be.Uint16(sub[6:])) / 2
	ends, starts := sub[14:], sub[16+2*segs:]
	deltas, rangeOffsets := sub[16+4*segs:], sub[16+6*segs:]
	runes := map[rune]bool{}
	for s := 0; s < segs; s++ {
		start, end := int(be.Uint16(starts[2*s:])), int(be.Uint16(ends[2*s:]))
		delta, ro := int(be.Uint16(deltas[2*s:])), int(be.Uint16(rangeOffsets[2*s:]))
		for c := start; c <= end && c != 0xFFFF; c++ {
			glyph := (c + delta) & 0xFFFF
			if ro != 0 {
				// The offset counts from the idRangeOffset entry itself.
				at := 16 + 6*segs + 2*s + ro + 2*(c-start)
				if glyph = int(be.Uint16(sub[at:])); glyph != 0 {
					glyph = (glyph + delta) & 0xFFFF
				}
			}
			if glyph != 0 {
				runes[rune(c)] = true
			}
		}
	}
	return runes, nil
}
