package marc

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestEveryDataFileIsRead fails when a shared MARC data file is added that
// no test reads.
func TestEveryDataFileIsRead(t *testing.T) {
	covered := map[string]bool{
		"marc21/marc4j__brkrtest.mrk":                  true, // TestBrkrtestMatchesMnemonicText
		"marc21/pymarc__test_marc8.txt":                true, // TestDecodeMARC8Oracle
		"marc21/pymarc__test_utf8.txt":                 true, // TestDecodeMARC8Oracle
		"marc21/reference/marcperl__codetables.xml.gz": true, // TestGeneratedTablesAreFresh
	}
	for _, c := range iso2709Cases {
		covered[c.file] = true
	}
	for _, c := range marcxmlCases {
		covered[c.file] = true
	}
	found := 0
	for _, dir := range []string{"marc21", "marc21/reference", "marcxml", "unimarc"} {
		entries, err := os.ReadDir(filepath.Join(dataDir, dir))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			found++
			if rel := dir + "/" + e.Name(); !covered[rel] {
				t.Errorf("%s is read by no test", rel)
			}
		}
	}
	if found == 0 {
		t.Skip("shared data not present")
	}
}

// TestGeneratedTablesAreFresh reruns the generator on the LC code tables
// and marc4j's UNIMARC tables, and compares its output with the committed marc8_tables.go.
func TestGeneratedTablesAreFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	in := filepath.Join(dataDir, "marc21/reference/marcperl__codetables.xml.gz")
	if _, err := os.Stat(in); err != nil {
		t.Skip("code tables not present")
	}
	uni := filepath.Join(dataDir, "unimarc/marc4j__unimarc.xml")
	out := filepath.Join(t.TempDir(), "tables.go")
	cmd := exec.Command("go", "run", "./gen", "-in", in, "-unimarc", uni, "-out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("marc8_tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("marc8_tables.go is stale: run go generate ./app/marc")
	}
	if eaccLen != 15739 || len(eaccKeys) != 3*eaccLen || len([]rune(eaccRunes)) != eaccLen {
		t.Errorf("EACC table: %d entries, %d key bytes, %d runes", eaccLen, len(eaccKeys), len([]rune(eaccRunes)))
	}
}
