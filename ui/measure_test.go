package ui

import "testing"

func TestMeasureScans(t *testing.T) {
	f := newFixture(t)
	tm, err := MeasureScans(f.lib, f.admin, []string{"R1001", "NOPE", "R1002"}, []string{"T101", "T102", "T111"})
	if err != nil {
		t.Fatal(err)
	}
	if tm.Open <= 0 || len(tm.Reader) != 2 || len(tm.Loan) != 2 {
		t.Fatalf("timings: open %v, %d reader scans, %d loans", tm.Open, len(tm.Reader), len(tm.Loan))
	}
	c, err := f.lib.CopyByBarcode("T111")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != "available" {
		t.Errorf("the measured copy was not returned: %s", c.Status)
	}
	r, err := f.lib.ReaderByCard("R1002")
	if err != nil {
		t.Fatal(err)
	}
	history, _ := f.lib.LoansOf(r.ID, true)
	lent := false
	for _, v := range history {
		lent = lent || v.Loan.CopyID == c.ID
	}
	if !lent {
		t.Error("the measured check-out did not happen")
	}
}
