package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/circa-library/circa/app"
)

// ScanTimings are how long the desk takes, in the headless driver, from a
// scan arriving to the screen showing it.
type ScanTimings struct {
	// Open is building the desk and signing in, up to the circulation
	// screen being drawn.
	Open time.Duration
	// Reader holds, per card scan, the time until the reader panel with
	// the reader's loans was rebuilt; Loan, per copy scan, until the loan
	// list showed the new loan.
	Reader, Loan []time.Duration
}

// MeasureScans opens a desk on lib in the headless test driver, signed in as
// actor, and times a scan of each card followed by a scan of the copy at
// the same index (a check-out), ending the reader after each and returning
// the copy, so the library is left as it was. It is what
// circa-bench reports as scan-to-screen.
func MeasureScans(lib *app.Library, actor app.Actor, cards, copies []string) (ScanTimings, error) {
	var t ScanTimings
	a := test.NewApp()
	defer a.Quit()
	start := time.Now()
	d := newDesk(a, Config{Library: lib}, deskOptions{})
	d.win.Resize(fyne.NewSize(1366, 768))
	d.signedInAs(actor)
	d.win.Canvas().Refresh(d.win.Content())
	t.Open = time.Since(start)
	for i, card := range cards {
		if i < len(copies) {
			// Untimed: start from the copy on the shelf, as a returned
			// book would be (a check-in of a copy on the shelf is harmless).
			if _, err := lib.CheckIn(actor, copies[i]); err != nil && app.ReasonOf(err) != app.ReasonUnknownCopy {
				return t, err
			}
		}
		s := time.Now()
		d.handleScan(card)
		if d.circ.reader == nil {
			continue // an unknown card: nothing to time
		}
		t.Reader = append(t.Reader, time.Since(s))
		if i < len(copies) {
			before := len(d.circ.session)
			s = time.Now()
			d.handleScan(copies[i])
			if len(d.circ.session) > before {
				t.Loan = append(t.Loan, time.Since(s))
			}
		}
		d.circ.endReader(false)
		if i < len(copies) {
			// Leave the library as it was.
			if _, err := lib.CheckIn(actor, copies[i]); err != nil && app.ReasonOf(err) != app.ReasonUnknownCopy {
				return t, err
			}
		}
	}
	d.win.Close()
	return t, nil
}
