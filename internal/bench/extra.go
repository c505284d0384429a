package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/app/export"
	"github.com/circa-library/circa/app/importer"
	"github.com/circa-library/circa/app/reports"
	"github.com/circa-library/circa/storage"
)

func init() {
	extraSteps = append(extraSteps, measureMARCImport, measureExport, measureDashboard)
}

// measureMARCImport imports a generated MARC21 file of records with a copy
// each into a fresh library: records per second including indexing and the
// durable batches.
func measureMARCImport(o *Options, r *Report, _ *app.Library, _ *storage.DB, sc demo.ScaleOptions) error {
	n := 20_000
	if o.Scale != "full" {
		n = 5_000
	}
	var file bytes.Buffer
	if err := demo.WriteMARC(&file, n); err != nil {
		return err
	}
	dir, err := os.MkdirTemp(o.CacheDir, "marc-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := storage.Open(filepath.Join(dir, "import.db"), storage.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	lib, err := app.Open(db, app.Options{Station: Station})
	if err != nil {
		return err
	}
	admin := app.Actor{Username: "bench", Role: app.RoleAdmin}
	if err := lib.InstallDefaults(admin); err != nil {
		return err
	}
	start := time.Now()
	rep, err := importer.ImportMARC(context.Background(), lib, admin, &file, importer.MARCOptions{}, false)
	if err != nil {
		return err
	}
	el := time.Since(start)
	r.Add("MARC import with indexing", "records/s", "≥ 5000", float64(rep.Good)/el.Seconds(),
		fmt.Sprintf("%d records with a copy each, durable batches of 500", rep.Good))
	return nil
}

// measureExport writes every copy of the scale library as CSV and XLSX.
func measureExport(o *Options, r *Report, lib *app.Library, _ *storage.DB, sc demo.ScaleOptions) error {
	for _, f := range []export.Format{export.CSV, export.XLSX} {
		start := time.Now()
		var n int
		err := lib.View(func(tx app.Tx) error {
			var err error
			n, err = export.Copies(tx, io.Discard, f)
			return err
		})
		if err != nil {
			return err
		}
		el := time.Since(start)
		target := "< 10 s for 1M"
		if f == export.XLSX {
			target = "< 60 s for 1M"
		}
		r.Add(fmt.Sprintf("export of %d copies to %s", n, f), "s", target, el.Seconds(),
			fmt.Sprintf("%.1f s per million", el.Seconds()*1e6/float64(max(n, 1))))
	}
	return nil
}

// measureDashboard builds one figure and the whole dashboard for a year.
func measureDashboard(o *Options, r *Report, lib *app.Library, _ *storage.DB, sc demo.ScaleOptions) error {
	to := lib.Today().AddDays(1)
	from := to.AddDays(-365)
	start := time.Now()
	if _, err := reports.Build(lib, reports.Loans, from, to); err != nil {
		return err
	}
	r.Add("dashboard figure (loans per period) for a year", "s", "< 1", time.Since(start).Seconds(), "")
	// Any figure: each report on its own, the slowest named.
	var slowest time.Duration
	var which string
	for _, name := range reports.Names() {
		start := time.Now()
		if _, err := reports.Build(lib, name, from, to); err != nil {
			return err
		}
		if el := time.Since(start); el > slowest {
			slowest, which = el, name
		}
	}
	r.Add("slowest single dashboard figure for a year", "s", "< 1", slowest.Seconds(), which)
	start = time.Now()
	if _, err := reports.Dashboard(lib, from, to); err != nil {
		return err
	}
	r.Add("whole dashboard for a year", "s", "< 2", time.Since(start).Seconds(), "")
	return nil
}
