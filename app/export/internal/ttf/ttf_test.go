package ttf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circa-library/circa/assets"
	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
)

func TestFromOpenTypeRoundTrip(t *testing.T) {
	c, err := NewConverter(assets.FontRegular)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Font([]rune("Circa 图书馆 借阅统计喆"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := sfnt.Parse(out)
	if err != nil {
		t.Fatalf("result does not parse: %v", err)
	}
	var b sfnt.Buffer
	for _, r := range "A图书馆喆" {
		gi, err := f.GlyphIndex(&b, r)
		if err != nil || gi == 0 {
			t.Errorf("%q: glyph %d, %v", r, gi, err)
		}
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("noto", "", out)
	if pdf.Err() {
		t.Fatal(pdf.Error())
	}
	pdf.AddPage()
	pdf.SetFont("noto", "", 14)
	pdf.Text(20, 20, "Circa 图书馆 借阅统计")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "a.pdf")
	os.WriteFile(p, buf.Bytes(), 0o644)
	txt, err := exec.Command("pdftotext", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(txt), "图书馆 借阅统计") {
		t.Errorf("pdftotext gave %q", txt)
	}
}

// BenchmarkFromOpenType converts the whole font: about 4 s, which is why
// documents convert only the characters they use.
func BenchmarkFromOpenType(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := FromOpenType(assets.FontRegular); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConverterDocument(b *testing.B) {
	c, err := NewConverter(assets.FontRegular)
	if err != nil {
		b.Fatal(err)
	}
	runes := []rune("逾期通知 尊敬的读者 您借阅的图书已经到期 请尽快归还 三年级二班 中华人民共和国")
	for i := 0; i < b.N; i++ {
		if _, err := c.Font(runes); err != nil {
			b.Fatal(err)
		}
	}
}
