package assets

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

func TestIconIs512Square(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon))
	if err != nil {
		t.Fatalf("decode icon: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Errorf("icon is %v, want 512×512", b.Size())
	}
}

func TestFontsAreSingleOpenTypeFonts(t *testing.T) {
	for name, font := range map[string][]byte{"regular": FontRegular, "bold": FontBold} {
		// "OTTO" is a single OpenType font with CFF outlines; a collection
		// ("ttcf") is what Fyne refuses.
		if !bytes.HasPrefix(font, []byte("OTTO")) {
			t.Errorf("%s font starts with %q, want OTTO", name, font[:min(4, len(font))])
		}
	}
	if bytes.Equal(FontRegular, FontBold) {
		t.Error("regular and bold fonts are the same file")
	}
}

func TestFontLicenceIsOFL(t *testing.T) {
	for _, want := range []string{"Adobe", "SIL OPEN FONT LICENSE Version 1.1", "OTHER DEALINGS IN THE FONT SOFTWARE."} {
		if !strings.Contains(FontLicence, want) {
			t.Errorf("OFL.txt lacks %q", want)
		}
	}
}
