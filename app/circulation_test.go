package app_test

import (
	"testing"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

func TestCheckOutAndIn(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ti := f.title("西游记", "978-7-02-000220-7")
		c := f.copyOf(ti, "T0001", app.ItemBook)
		r := f.reader("R0001", "张三", "REG")

		res, err := f.lib.CheckOut(f.desk, "r0001", " t0001 ", app.CheckOutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// REG → default cell: 21 days from Monday 2 March.
		if res.Loan.Due != "2026-03-23" {
			t.Errorf("due %s, want 2026-03-23", res.Loan.Due)
		}
		if res.Copy.Status != app.CopyOnLoan || res.Copy.LoanID != res.Loan.ID {
			t.Errorf("copy after checkout: %+v", res.Copy)
		}
		loans := must[[]app.LoanView](t)(f.lib.LoansOf(r.ID, false))
		if len(loans) != 1 || loans[0].Title.Title != "西游记" {
			t.Fatalf("open loans: %+v", loans)
		}

		// The same copy again to someone else is refused, naming who has it.
		f.reader("R0002", "李四", "REG")
		_, err = f.lib.CheckOut(f.desk, "R0002", "T0001", app.CheckOutOptions{})
		wantReason(t, err, app.ReasonCopyOnLoan)
		if !errors.Is(err, app.ErrCopyOnLoan) {
			t.Errorf("not marked ErrCopyOnLoan: %v", err)
		}
		if ref, _ := app.RefusalOf(err); ref.Facts["reader"] != "张三" || ref.Facts["due"] != "2026-03-23" {
			t.Errorf("facts %v", ref.Facts)
		}

		f.days(25) // 2 days overdue beyond the 2 grace days → fine for 2 days? no: 2 days late is within grace
		in, err := f.lib.CheckIn(f.desk, "T0001")
		if err != nil {
			t.Fatal(err)
		}
		if !in.WasOnLoan || in.OverdueDays != 4 || in.Fine != 40 || in.Action != app.ActionShelve {
			t.Errorf("check-in: overdue %d fine %d action %s", in.OverdueDays, in.Fine, in.Action)
		}
		if got := must[app.Money](t)(f.lib.Outstanding(r.ID)); got != 40 {
			t.Errorf("owed %d, want 40", got)
		}
		c = must[*app.Copy](t)(f.lib.Copy(c.ID))
		if c.Status != app.CopyAvailable || c.LoanID != "" {
			t.Errorf("copy after check-in: %+v", c)
		}

		// Checking in a copy on the shelf is harmless and says so.
		again, err := f.lib.CheckIn(f.desk, "T0001")
		if err != nil || again.WasOnLoan {
			t.Fatalf("second check-in: %+v %v", again, err)
		}
	})
}

func TestCheckOutRefusals(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ti := f.title("Dictionary")
		f.copyOf(ti, "REF1", app.ItemReference)
		book := f.title("Book")
		for _, b := range []string{"B1", "B2", "B3", "B4"} {
			f.copyOf(book, b, app.ItemBook)
		}
		stu := f.reader("S1", "王小明", "STU") // 3 loans max
		blocked := f.reader("X1", "Blocked", "REG")
		must[*app.Reader](t)(f.lib.BlockReader(f.admin, blocked.ID, "lost card"))
		expired := f.reader("E1", "Expired", "REG")
		must[*app.Reader](t)(f.lib.ExpireCard(f.admin, expired.ID))

		tests := []struct {
			name, card, barcode string
			want                app.Reason
		}{
			{"unknown reader", "NOPE", "B1", app.ReasonUnknownReader},
			{"unknown copy", "S1", "NOPE", app.ReasonUnknownCopy},
			{"reference not loanable", "S1", "REF1", app.ReasonCopyNotLoanable},
			{"blocked", "X1", "B1", app.ReasonReaderBlocked},
			{"expired", "E1", "B1", app.ReasonCardExpired},
			{"empty card", "", "B1", app.ReasonUnknownReader},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.lib.CheckOut(f.desk, tt.card, tt.barcode, app.CheckOutOptions{})
				wantReason(t, err, tt.want)
			})
		}
		if r, _ := app.RefusalOf(func() error {
			_, err := f.lib.CheckOut(f.desk, "X1", "B1", app.CheckOutOptions{})
			return err
		}()); r == nil || r.Facts["reason"] != "lost card" || !r.Overridable {
			t.Errorf("blocked refusal should carry the reason and be overridable: %+v", r)
		}

		for _, b := range []string{"B1", "B2", "B3"} {
			must[*app.CheckOutResult](t)(f.lib.CheckOut(f.desk, "S1", b, app.CheckOutOptions{}))
		}
		_, err := f.lib.CheckOut(f.desk, "S1", "B4", app.CheckOutOptions{})
		wantReason(t, err, app.ReasonLoanLimit)

		// An assistant may not override; a librarian may, and it is recorded.
		_, err = f.lib.CheckOut(f.desk, "S1", "B4", app.CheckOutOptions{Override: true})
		wantReason(t, err, app.ReasonPermissionDenied)
		lib := app.Actor{Username: "li", Role: app.RoleLibrarian}
		res, err := f.lib.CheckOut(lib, "S1", "B4", app.CheckOutOptions{Override: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Loan.Overrides) != 1 || res.Loan.Overrides[0] != app.ReasonLoanLimit || res.Loan.Staff != "li" {
			t.Errorf("override not recorded: %+v", res.Loan)
		}
		if n := len(must[[]app.LoanView](t)(f.lib.LoansOf(stu.ID, false))); n != 4 {
			t.Errorf("%d open loans, want 4", n)
		}
	})
}

func TestSuspensionInsteadOfFines(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ti := f.title("Book")
		f.copyOf(ti, "B1", app.ItemBook)
		f.copyOf(ti, "B2", app.ItemBook)
		s := f.reader("S1", "Pupil", "STU")
		must[*app.CheckOutResult](t)(f.lib.CheckOut(f.desk, "S1", "B1", app.CheckOutOptions{}))
		f.days(14 + 5) // due day 14, five days late, one grace day
		in := must[*app.CheckInResult](t)(f.lib.CheckIn(f.desk, "B1"))
		if in.Fine != 0 || in.SuspendedTo == "" {
			t.Fatalf("student loan: fine %d suspended to %q", in.Fine, in.SuspendedTo)
		}
		_, err := f.lib.CheckOut(f.desk, "S1", "B2", app.CheckOutOptions{})
		wantReason(t, err, app.ReasonSuspended)
		f.days(6)
		if _, err := f.lib.CheckOut(f.desk, "S1", "B2", app.CheckOutOptions{}); err != nil {
			t.Fatalf("after the suspension: %v", err)
		}
		_ = s
	})
}

func TestDueDateSkipsClosedDays(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		for _, d := range []app.Date{"2026-03-23", "2026-03-24"} {
			if err := f.lib.AddClosedDay(f.admin, d, "holiday"); err != nil {
				t.Fatal(err)
			}
		}
		ti := f.title("Book")
		f.copyOf(ti, "B1", app.ItemBook)
		f.reader("R1", "Reader", "REG")
		res := must[*app.CheckOutResult](t)(f.lib.CheckOut(f.desk, "R1", "B1", app.CheckOutOptions{}))
		if res.Loan.Due != "2026-03-25" {
			t.Errorf("due %s, want 2026-03-25 after two closed days", res.Loan.Due)
		}
	})
}

func TestRenewals(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ti := f.title("Book")
		f.copyOf(ti, "B1", app.ItemBook)
		other := f.title("Other")
		f.copyOf(other, "O1", app.ItemBook)
		r := f.reader("R1", "Reader", "REG")
		r2 := f.reader("R2", "Waiting", "REG")
		co := must[*app.CheckOutResult](t)(f.lib.CheckOut(f.desk, "R1", "B1", app.CheckOutOptions{}))
		must[*app.CheckOutResult](t)(f.lib.CheckOut(f.desk, "R1", "O1", app.CheckOutOptions{}))

		f.days(10)
		rn := must[*app.RenewResult](t)(f.lib.Renew(f.desk, co.Loan.ID, false))
		if rn.Loan.Due != "2026-03-26" || rn.Loan.Renewals != 1 {
			t.Errorf("renewed: due %s renewals %d", rn.Loan.Due, rn.Loan.Renewals)
		}
		must[*app.RenewResult](t)(f.lib.Renew(f.desk, co.Loan.ID, false))
		_, err := f.lib.Renew(f.desk, co.Loan.ID, false)
		wantReason(t, err, app.ReasonRenewalLimit)

		// Someone waiting for the other title stops its renewal.
		must[*app.Hold](t)(f.lib.PlaceHold(f.desk, r2.ID, other.ID))
		all := must[[]app.RenewResult](t)(f.lib.RenewAll(f.desk, r.ID, false))
		if len(all) != 2 {
			t.Fatalf("renew all: %d results", len(all))
		}
		reasons := map[app.Reason]int{}
		for _, res := range all {
			reasons[app.ReasonOf(res.Err)]++
		}
		if reasons[app.ReasonRenewalLimit] != 1 || reasons[app.ReasonRenewHoldWaiting] != 1 {
			t.Errorf("renew all reasons: %v", reasons)
		}

		// Too far overdue.
		f.days(60)
		_, err = f.lib.Renew(f.desk, co.Loan.ID, false)
		if err == nil {
			t.Fatal("renewal far overdue allowed")
		}
	})
}

func TestHoldQueue(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ti := f.title("Popular")
		f.copyOf(ti, "P1", app.ItemBook)
		a := f.reader("A", "Alice", "REG")
		b := f.reader("B", "Bob", "REG")
		c := f.reader("C", "Carol", "REG")
		must[*app.CheckOutResult](t)(f.lib.CheckOut(f.desk, "A", "P1", app.CheckOutOptions{}))
		hb := must[*app.Hold](t)(f.lib.PlaceHold(f.desk, b.ID, ti.ID))
		f.clock.Advance(1000)
		hc := must[*app.Hold](t)(f.lib.PlaceHold(f.desk, c.ID, ti.ID))
		_, err := f.lib.PlaceHold(f.desk, c.ID, ti.ID)
		wantReason(t, err, app.ReasonAlreadyHeld)
		_, err = f.lib.PlaceHold(f.desk, a.ID, ti.ID)
		wantReason(t, err, app.ReasonAlreadyHasCopy)

		in := must[*app.CheckInResult](t)(f.lib.CheckIn(f.desk, "P1"))
		if in.Action != app.ActionHoldShelf || in.HoldFor.ID != b.ID {
			t.Fatalf("returned copy should wait for Bob: %+v", in)
		}
		// Carol cannot take Bob's copy without an override.
		_, err = f.lib.CheckOut(f.desk, "C", "P1", app.CheckOutOptions{})
		wantReason(t, err, app.ReasonCopyOnHoldShelf)

		// Bob does not come: the pickup expires and the copy goes to Carol.
		f.days(8)
		if n := must[int](t)(f.lib.ExpirePickups(f.desk)); n != 1 {
			t.Fatalf("expired %d pickups", n)
		}
		shelf := must[[]app.HoldView](t)(f.lib.PickupShelf())
		if len(shelf) != 1 || shelf[0].Hold.ID != hc.ID {
			t.Fatalf("pickup shelf: %+v", shelf)
		}
		res := must[*app.CheckOutResult](t)(f.lib.CheckOut(f.desk, "C", "P1", app.CheckOutOptions{}))
		if res.FilledHold != hc.ID {
			t.Errorf("hold not filled: %q", res.FilledHold)
		}
		holds := must[[]app.HoldView](t)(f.lib.HoldsOf(c.ID))
		if len(holds) != 0 {
			t.Errorf("carol still has holds: %+v", holds)
		}
		_ = hb
		if err := f.lib.CancelHold(f.desk, hb.ID); app.ReasonOf(err) != app.ReasonHoldNotActive {
			t.Errorf("cancelling an expired hold: %v", err)
		}
	})
}

func TestFinesPaymentsAndLost(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ti := f.title("Book")
		f.copyOf(ti, "B1", app.ItemBook)
		f.copyOf(ti, "B2", app.ItemBook)
		r := f.reader("R1", "Reader", "REG")
		must[*app.CheckOutResult](t)(f.lib.CheckOut(f.desk, "R1", "B1", app.CheckOutOptions{}))
		fine := must[*app.Fine](t)(f.lib.MarkLost(f.admin, "B1"))
		if fine.Amount != 3500 || fine.Kind != app.FineLost {
			t.Fatalf("lost fine: %+v", fine)
		}
		if n := len(must[[]app.LoanView](t)(f.lib.LoansOf(r.ID, false))); n != 0 {
			t.Errorf("lost loan still open")
		}
		_, err := f.lib.Pay(f.desk, r.ID, 5000, "")
		wantReason(t, err, app.ReasonOverpayment)
		must[[]app.Payment](t)(f.lib.Pay(f.desk, r.ID, 1500, "cash"))
		if got := must[app.Money](t)(f.lib.Outstanding(r.ID)); got != 2000 {
			t.Errorf("owed %d", got)
		}
		_, err = f.lib.Waive(f.desk, fine.ID, 2000, "found it")
		wantReason(t, err, app.ReasonPermissionDenied)
		must[[]app.Payment](t)(f.lib.Waive(f.admin, fine.ID, 2000, "found it"))
		if got := must[app.Money](t)(f.lib.Outstanding(r.ID)); got != 0 {
			t.Errorf("owed %d after waiver", got)
		}
		_, err = f.lib.Pay(f.desk, r.ID, 1, "")
		wantReason(t, err, app.ReasonNothingOwed)
		if err := f.lib.MarkFound(f.desk, "B1"); err != nil {
			t.Fatal(err)
		}
		if c := must[*app.Copy](t)(f.lib.CopyByBarcode("B1")); c.Status != app.CopyAvailable {
			t.Errorf("found copy: %s", c.Status)
		}
		if err := f.lib.Withdraw(f.admin, "B2", "worn"); err != nil {
			t.Fatal(err)
		}
		_, err = f.lib.CheckOut(f.desk, "R1", "B2", app.CheckOutOptions{})
		wantReason(t, err, app.ReasonCopyNotLoanable)
	})
}

func TestFineCapAndBlockThreshold(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ti := f.title("Book")
		f.copyOf(ti, "B1", app.ItemBook)
		f.copyOf(ti, "B2", app.ItemBook)
		r := f.reader("R1", "Reader", "REG")
		must[*app.CheckOutResult](t)(f.lib.CheckOut(f.desk, "R1", "B1", app.CheckOutOptions{}))
		f.days(21 + 500)
		in := must[*app.CheckInResult](t)(f.lib.CheckIn(f.desk, "B1"))
		if in.Fine != 1000 {
			t.Errorf("fine %d, want the cap 1000", in.Fine)
		}
		if err := f.lib.SetSetting(f.admin, app.SettingBlockThreshold, "500"); err != nil {
			t.Fatal(err)
		}
		must[*app.Reader](t)(f.lib.RenewCard(f.admin, r.ID))
		_, err := f.lib.CheckOut(f.desk, "R1", "B2", app.CheckOutOptions{})
		wantReason(t, err, app.ReasonFinesOverLimit)
	})
}

func TestBatchCheckIn(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ti := f.title("Book")
		var codes []string
		for i := 0; i < 5; i++ {
			code := "B" + string(rune('0'+i))
			f.copyOf(ti, code, app.ItemBook)
			codes = append(codes, code)
		}
		f.reader("R1", "Reader", "VIP")
		lines := must[[]app.BatchLine](t)(f.lib.BatchCheckOut(f.desk, "R1", append(codes, "NOPE", "")))
		if len(lines) != 6 || lines[5].Err == nil || app.ReasonOf(lines[5].Err) != app.ReasonUnknownCopy {
			t.Fatalf("batch checkout lines: %+v", lines)
		}
		back := must[[]app.BatchLine](t)(f.lib.BatchCheckIn(f.desk, codes))
		for _, l := range back {
			if l.Err != nil || !l.CheckIn.WasOnLoan {
				t.Errorf("line %d: %+v", l.Line, l)
			}
		}
	})
}

func TestAnonymiseKeepsStatistics(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ti := f.title("Book")
		f.copyOf(ti, "B1", app.ItemBook)
		r, err := f.lib.RegisterReader(f.admin, app.ReaderInput{Card: "R1", Name: "Private", CardType: "REG",
			Class: "一班", History: app.HistoryAnonymise})
		if err != nil {
			t.Fatal(err)
		}
		must[*app.CheckOutResult](t)(f.lib.CheckOut(f.desk, "R1", "B1", app.CheckOutOptions{}))
		if n := must[int](t)(f.lib.AnonymiseHistory(f.admin)); n != 0 {
			t.Errorf("anonymised an open loan")
		}
		f.days(3)
		must[*app.CheckInResult](t)(f.lib.CheckIn(f.desk, "B1"))
		if n := must[int](t)(f.lib.AnonymiseHistory(f.admin)); n != 1 {
			t.Fatalf("anonymised %d loans", n)
		}
		if h := must[[]app.LoanView](t)(f.lib.LoansOf(r.ID, true)); len(h) != 0 {
			t.Errorf("history still linked: %+v", h)
		}
		var loans []app.Loan
		f.lib.View(func(tx app.Tx) error {
			return tx.ForEach(app.CollLoans, func(id string, raw []byte) error {
				var l app.Loan
				if _, err := tx.Get(app.CollLoans, id, &l); err != nil {
					return err
				}
				loans = append(loans, l)
				return nil
			})
		})
		if len(loans) != 1 || loans[0].ReaderID != "" || loans[0].Class != "一班" || loans[0].CardType != "REG" {
			t.Errorf("anonymised loan lost its statistics or kept the reader: %+v", loans)
		}
	})
}
