package marc

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cockroachdb/errors"
)

// dataDir is the shared test data, relative to this package.
const dataDir = "../../../shared/data"

// openData opens a shared data file or skips the test when it is absent.
func openData(t testing.TB, rel string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(dataDir, rel))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("shared data %s not present", rel)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// readAll drains a RecordReader, separating records from damage reports.
func readAll(t testing.TB, r RecordReader) (recs []*Record, damages []*Damage) {
	t.Helper()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return recs, damages
		}
		if d, ok := AsDamage(err); ok {
			damages = append(damages, d)
			continue
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		recs = append(recs, rec)
	}
}

func readISOFile(t testing.TB, rel string) ([]*Record, []*Damage) {
	t.Helper()
	return readAll(t, NewReader(openData(t, rel), Options{}))
}

func readXMLFile(t testing.TB, rel string) ([]*Record, []*Damage) {
	t.Helper()
	return readAll(t, NewXMLReader(openData(t, rel)))
}
