package bench

import (
	"fmt"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/ui"
)

func init() { extraSteps = append(extraSteps, measureDesk) }

// measureDesk opens the desk on the scale library in the headless driver and
// times scans to screen.
func measureDesk(o *Options, r *Report, lib *app.Library, _ *storage.DB, sc demo.ScaleOptions) error {
	var cards, copies []string
	for i := 0; i < 200; i++ {
		cards = append(cards, demo.ReaderCard((i*7919+13)%sc.Readers))
		copies = append(copies, demo.CopyBarcode((i*104729+31)%sc.Copies))
	}
	t, err := ui.MeasureScans(lib, app.Actor{Username: "bench", Role: app.RoleLibrarian}, cards, copies)
	if err != nil {
		return err
	}
	r.Add("open the desk on the library (headless)", "ms", "< 1500", ms(t.Open), "")
	r.Add("scan of a card to the reader panel, p95", "ms", "< 50", ms(durations(t.Reader).pct(95)),
		fmt.Sprintf("%d scans in the headless driver", len(t.Reader)))
	r.Add("scan of a copy to the loan list, p95", "ms", "< 50", ms(durations(t.Loan).pct(95)),
		fmt.Sprintf("%d check-outs, each a durable transaction", len(t.Loan)))
	return nil
}
