package app_test

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/circa-library/circa/app"
)

const sharedData = "../../shared/data/"

func openShared(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(sharedData + path)
	if os.IsNotExist(err) {
		t.Skipf("shared test data %s is not here", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestValidISBN10CanonicalCases(t *testing.T) {
	var data struct {
		Cases []struct {
			Description string `json:"description"`
			Input       struct {
				ISBN string `json:"isbn"`
			} `json:"input"`
			Expected bool `json:"expected"`
		} `json:"cases"`
	}
	if err := json.NewDecoder(openShared(t, "isbn/exercism__isbn-verifier_canonical-data.json")).Decode(&data); err != nil {
		t.Fatal(err)
	}
	if len(data.Cases) < 18 {
		t.Fatalf("only %d cases read", len(data.Cases))
	}
	for _, c := range data.Cases {
		t.Run(c.Description, func(t *testing.T) {
			if got := app.ValidISBN10(c.Input.ISBN); got != c.Expected {
				t.Errorf("ValidISBN10(%q) = %v, want %v", c.Input.ISBN, got, c.Expected)
			}
		})
	}
}

func TestNormalizeISBN(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"978-7-02-000220-7", "9787020002207", true},
		{"7-02-000220-X", "9787020002207", true},
		{"7-02-000220-9", "", false}, // wrong check digit
		{"0-596-00027-8 (pbk.)", "9780596000271", true},
		{"ISBN 3-598-21508-8", "9783598215087", true},
		{"isbn: 3598215088", "9783598215087", true},
		{"059600027x", "", false},
		{"9791032305690", "9791032305690", true},
		{"9771234567003", "", false}, // an ISSN-style EAN, not a book
		{"", "", false},
		{"12345", "", false},
		{"97870200022070000", "", false},
	}
	for _, tt := range tests {
		got, ok := app.NormalizeISBN(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeISBN(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if d, ok := app.ISBN13To10("9787020002207"); !ok || d != "702000220X" {
		t.Errorf("ISBN13To10 = %q %v", d, ok)
	}
	if _, ok := app.ISBN13To10("9791032305690"); ok {
		t.Error("979 ISBNs have no ISBN-10")
	}
}

// TestNormalizeCataloguedISBNs reads every 020 value in the shared MARC
// files: whatever is accepted must be a valid ISBN-13 that normalises to
// itself, and the common catalogued forms must be accepted.
func TestNormalizeCataloguedISBNs(t *testing.T) {
	sc := bufio.NewScanner(openShared(t, "isbn/marc020_values_from_shared_marc21.tsv"))
	rows, accepted := 0, 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 || cols[0] == "file" {
			continue
		}
		rows++
		isbn, ok := app.NormalizeISBN(cols[3])
		if !ok {
			continue
		}
		accepted++
		again, ok2 := app.NormalizeISBN(isbn)
		if !ok2 || again != isbn || len(isbn) != 13 {
			t.Errorf("%s record %s: %q → %q does not normalise to itself", cols[0], cols[1], cols[3], isbn)
		}
		if d10, ok := app.ISBN13To10(isbn); ok && strings.HasPrefix(isbn, "978") {
			if !app.ValidISBN10(d10) {
				t.Errorf("%q → ISBN-10 %q invalid", isbn, d10)
			}
		}
	}
	if rows != 515 {
		t.Errorf("read %d rows, the file has 515", rows)
	}
	// Most catalogued values are valid; the rest are cataloguing errors or
	// cancelled ISBNs. The figure guards against a regression.
	if accepted < 480 {
		t.Errorf("accepted only %d of %d catalogued ISBNs", accepted, rows)
	}
	t.Logf("accepted %d of %d", accepted, rows)
}
