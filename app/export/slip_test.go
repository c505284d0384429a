package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSlipPDF(t *testing.T) {
	text := "阳光小学图书馆 借书单\n张三 R000001\n西游记 — 应还 2026年12月18日\nThe Little Prince — due 18 Dec 2026\n"
	var buf bytes.Buffer
	if err := Slip(&buf, text); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed; the PDF was written")
	}
	path := filepath.Join(t.TempDir(), "slip.pdf")
	os.WriteFile(path, buf.Bytes(), 0o600)
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"借书单", "西游记", "Little Prince"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("slip lacks %q: %q", want, out)
		}
	}
}
