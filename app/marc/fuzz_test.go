package marc

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// maxSeed bounds seed size: the fuzzer minimises interesting inputs, which
// takes ages on the 350 KB files. Longer files are cut after a record.
const maxSeed = 16 << 10

// addSeeds adds every shared data file in dirs whose name matches one of
// the suffixes as a fuzz seed.
func addSeeds(f *testing.F, dirs []string, suffixes ...string) {
	for _, dir := range dirs {
		entries, err := os.ReadDir(filepath.Join(dataDir, dir))
		if err != nil {
			continue
		}
		for _, e := range entries {
			for _, s := range suffixes {
				if strings.HasSuffix(e.Name(), s) {
					if b, err := os.ReadFile(filepath.Join(dataDir, dir, e.Name())); err == nil {
						if len(b) > maxSeed {
							b = b[:maxSeed]
							if i := bytes.LastIndexByte(b, recordTerminator); i > 0 {
								b = b[:i+1]
							}
						}
						f.Add(b)
					}
				}
			}
		}
	}
}

// drain reads r to the end, failing on anything but records, damage and
// io.EOF, and on more reads than the input could hold records.
func drain(t *testing.T, r RecordReader, limit int) []*Record {
	t.Helper()
	var recs []*Record
	for n := 0; ; n++ {
		if n > limit {
			t.Fatalf("more than %d results from %d bytes", limit, limit)
		}
		rec, err := r.Read()
		if err == io.EOF {
			return recs
		}
		if _, ok := AsDamage(err); ok {
			continue
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		recs = append(recs, rec)
	}
}

// watchdog turns a hang into a crash the fuzzer records: the Go fuzzer
// has no per-input time limit of its own.
func watchdog(data []byte) (stop func()) {
	t := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("no result after 10s on %q", data)) })
	return func() { t.Stop() }
}

func FuzzISO2709Reader(f *testing.F) {
	addSeeds(f, []string{"marc21", "unimarc"}, ".mrc", ".dat", ".marc", ".usmarc", ".marc21")
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		recs := drain(t, NewReader(bytes.NewReader(data), Options{}), len(data)+1)
		for _, rec := range recs {
			b := ToBib(rec, Mapping{})
			_ = BibToRecord(&b)
			out, err := AppendISO2709(nil, rec)
			if err != nil {
				continue // too long for ISO 2709 after conversion to UTF-8
			}
			back := drain(t, NewReader(bytes.NewReader(out), Options{}), 2)
			if len(back) != 1 {
				t.Fatalf("written record did not read back: %q", out)
			}
		}
	})
}

func FuzzMARCXMLReader(f *testing.F) {
	addSeeds(f, []string{"marcxml", "unimarc"}, ".xml")
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		recs := drain(t, NewXMLReader(bytes.NewReader(data)), len(data)+1)
		var buf bytes.Buffer
		w := NewXMLWriter(&buf)
		for _, rec := range recs {
			b := ToBib(rec, Mapping{})
			_ = BibToRecord(&b)
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r := NewXMLReader(&buf)
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if d, ok := AsDamage(err); ok && d.Reason == ReasonXML {
				t.Fatalf("written MARCXML is malformed: %v\n%s", err, buf.Bytes())
			}
		}
	})
}
