package importer_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/app/importer"
	"github.com/circa-library/circa/internal/cputime"
	"github.com/circa-library/circa/storage"
)

// benchStation is a fixed station ID, as the benchmark libraries have.
const benchStation = "be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c"

// benchMARCFile writes n MARC21 records with one copy each: the records
// internal/bench's measureMARCImport imports for issue #7.
func benchMARCFile(b *testing.B, n int) []byte {
	b.Helper()
	var file bytes.Buffer
	if err := demo.WriteMARC(&file, n); err != nil {
		b.Fatal(err)
	}
	return file.Bytes()
}

// BenchmarkImportMARC20k times what issue #7 asks for (≥ 5,000 records/s
// including indexing): 20,000 records with a copy each into a fresh bbolt
// library, in durable batches, as internal/bench measures it. The machine
// may be shared, so the rate per CPU second is reported beside the rate
// per second.
func BenchmarkImportMARC20k(b *testing.B) {
	const n = 20_000
	data := benchMARCFile(b, n)
	imported := 0
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := storage.Open(filepath.Join(b.TempDir(), "import.db"), storage.Options{})
		if err != nil {
			b.Fatal(err)
		}
		lib, err := app.Open(db, app.Options{Station: benchStation})
		if err != nil {
			b.Fatal(err)
		}
		if err := lib.InstallDefaults(admin); err != nil {
			b.Fatal(err)
		}
		cpuBefore := cputime.Process()
		b.StartTimer()
		rep, err := importer.ImportMARC(context.Background(), lib, admin, bytes.NewReader(data), importer.MARCOptions{}, false)
		b.StopTimer()
		cpu += cputime.Process() - cpuBefore
		if err != nil {
			b.Fatal(err)
		}
		if rep.Good != n || rep.NewTitles != n || rep.CopiesAdded != n {
			b.Fatalf("imported %d good, %d new titles, %d copies; want %d each", rep.Good, rep.NewTitles, rep.CopiesAdded, n)
		}
		imported += rep.Good
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(imported)/b.Elapsed().Seconds(), "records/s")
	if cpu > 0 {
		// Includes the reading goroutine and the garbage collector.
		b.ReportMetric(float64(imported)/cpu.Seconds(), "records/cpu-s")
	}
}
