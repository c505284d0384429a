package marc

import (
	"bytes"
	"io"
	"testing"

	"github.com/circa-library/circa/internal/cputime"
)

func benchmarkFile(b *testing.B, rel string, mapBib bool) {
	data, err := io.ReadAll(openData(b, rel))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	records := 0
	cpu := cputime.Process()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data), Options{})
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if mapBib {
				_ = ToBib(rec, Mapping{})
			}
			records++
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	if used := cputime.Process() - cpu; used > 0 {
		// Includes the garbage collector's work on other threads.
		b.ReportMetric(float64(records)/used.Seconds(), "records/cpu-s")
	}
}

// BenchmarkParseAndMap reads and maps the 383 UTF-8 records of
// pride-and-prejudice-fixed.mrc: the work an import does per record before
// indexing.
func BenchmarkParseAndMap(b *testing.B) {
	benchmarkFile(b, "marc21/marc4j__pride-and-prejudice-fixed.mrc", true)
}

// BenchmarkParse reads the same file without mapping.
func BenchmarkParse(b *testing.B) {
	benchmarkFile(b, "marc21/marc4j__pride-and-prejudice-fixed.mrc", false)
}

// BenchmarkParseAndMapMARC8 reads and maps MARC-8 records (pymarc marc.dat).
func BenchmarkParseAndMapMARC8(b *testing.B) {
	benchmarkFile(b, "marc21/pymarc__marc.dat", true)
}

// BenchmarkDecodeMARC8CJK converts the EACC lines of the pymarc oracle.
func BenchmarkDecodeMARC8CJK(b *testing.B) {
	line := []byte("\x1b$1!S+!#!'`X!_s\x1b(B.")
	for b.Loop() {
		DecodeMARC8(line)
	}
}
