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
	if loan, _ := f.lib.OpenLoanOf(c.ID); loan == nil {
		t.Error("the measured check-out did not happen")
	}
}
