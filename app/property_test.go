package app_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/circa-library/circa/app"
)

// TestCirculationProperties runs long random sequences of desk actions and
// checks, after every step, the invariants against a simple model: a copy
// has at most one open loan, counts never go negative, a hold is filled at
// most once, fines never exceed the cap, anonymised loans keep their
// statistics.
func TestCirculationProperties(t *testing.T) {
	seeds, steps := 6, 400
	if testing.Short() {
		seeds, steps = 2, 150
	}
	for seed := 0; seed < seeds; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			f := newFixture(t, storeMakers["memory"](t))
			runProperty(t, f, uint64(seed), steps)
		})
	}
}

func runProperty(t *testing.T, f *fixture, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, 99))
	var barcodes, cards []string
	var titles []*app.Title
	for i := 0; i < 4; i++ {
		ti := f.title(fmt.Sprintf("Title %d", i))
		titles = append(titles, ti)
		for j := 0; j < 2; j++ {
			code := fmt.Sprintf("C%d%d", i, j)
			item := app.ItemBook
			if i == 3 && j == 1 {
				item = app.ItemMagazine
			}
			f.copyOf(ti, code, item)
			barcodes = append(barcodes, code)
		}
	}
	types := []string{"REG", "STU", "VIP"}
	var readers []*app.Reader
	for i := 0; i < 5; i++ {
		card := fmt.Sprintf("R%d", i)
		readers = append(readers, f.reader(card, "Reader "+card, types[i%3]))
		cards = append(cards, card)
	}
	model := map[string]string{} // barcode → card of open loan
	filled := map[string]bool{}
	librarian := app.Actor{Username: "lib", Role: app.RoleLibrarian}

	for step := 0; step < steps; step++ {
		code := barcodes[rng.IntN(len(barcodes))]
		card := cards[rng.IntN(len(cards))]
		rd := readers[rng.IntN(len(readers))]
		var op string
		switch rng.IntN(10) {
		case 0, 1, 2:
			op = "checkout " + card + " " + code
			res, err := f.lib.CheckOut(f.desk, card, code, app.CheckOutOptions{})
			if err == nil {
				if model[code] != "" {
					t.Fatalf("step %d %s: lent a copy already on loan to %s", step, op, model[code])
				}
				model[code] = card
				if res.FilledHold != "" {
					if filled[res.FilledHold] {
						t.Fatalf("hold %s filled twice", res.FilledHold)
					}
					filled[res.FilledHold] = true
				}
			} else if _, ok := app.RefusalOf(err); !ok {
				t.Fatalf("step %d %s: %v", step, op, err)
			}
		case 3, 4:
			op = "checkin " + code
			res, err := f.lib.CheckIn(f.desk, code)
			if err != nil {
				t.Fatalf("step %d %s: %v", step, op, err)
			}
			if res.WasOnLoan != (model[code] != "") {
				t.Fatalf("step %d %s: was on loan %v, model says %q", step, op, res.WasOnLoan, model[code])
			}
			delete(model, code)
		case 5:
			op = "renew all " + rd.Card
			if _, err := f.lib.RenewAll(f.desk, rd.ID, false); err != nil {
				t.Fatalf("step %d %s: %v", step, op, err)
			}
		case 6:
			op = "hold"
			_, err := f.lib.PlaceHold(f.desk, rd.ID, titles[rng.IntN(len(titles))].ID)
			if _, ok := app.RefusalOf(err); err != nil && !ok {
				t.Fatalf("step %d %s: %v", step, op, err)
			}
		case 7:
			op = "advance"
			f.days(1 + rng.IntN(6))
			if _, err := f.lib.ExpirePickups(f.desk); err != nil {
				t.Fatal(err)
			}
		case 8:
			op = "pay"
			owed, _ := f.lib.Outstanding(rd.ID)
			if owed > 0 {
				if _, err := f.lib.Pay(f.desk, rd.ID, 1+app.Money(rng.Int64N(int64(owed))), "cash"); err != nil {
					t.Fatalf("step %d pay: %v", step, err)
				}
			}
			if rng.IntN(3) == 0 {
				must[*app.Reader](t)(f.lib.RenewCard(f.admin, rd.ID))
			}
		case 9:
			op = "override checkout " + card + " " + code
			res, err := f.lib.CheckOut(librarian, card, code, app.CheckOutOptions{Override: true})
			if err == nil {
				model[code] = card
				if res.FilledHold != "" {
					if filled[res.FilledHold] {
						t.Fatalf("hold %s filled twice", res.FilledHold)
					}
					filled[res.FilledHold] = true
				}
			} else if _, ok := app.RefusalOf(err); !ok {
				t.Fatalf("step %d %s: %v", step, op, err)
			}
		}
		checkInvariants(t, f, model, fmt.Sprintf("step %d (%s)", step, op))
	}
	f.days(400)
	if _, err := f.lib.AnonymiseHistory(f.admin); err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, f, model, "after anonymising")
}

func checkInvariants(t *testing.T, f *fixture, model map[string]string, where string) {
	t.Helper()
	err := f.lib.View(func(tx app.Tx) error {
		openByCopy := map[string]int{}
		err := tx.ForEach(app.CollLoans, func(id string, raw []byte) error {
			var l app.Loan
			if err := json.Unmarshal(raw, &l); err != nil {
				return err
			}
			if l.Open() {
				openByCopy[l.CopyID]++
			}
			if l.CardType == "" || l.ItemType == "" {
				t.Errorf("%s: loan %s lost its statistics", where, id)
			}
			if l.Anonymised && l.ReaderID != "" {
				t.Errorf("%s: anonymised loan %s still names its reader", where, id)
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.ForEach(app.CollCopies, func(id string, raw []byte) error {
			var c app.Copy
			if err := json.Unmarshal(raw, &c); err != nil {
				return err
			}
			if openByCopy[c.ID] > 1 {
				t.Errorf("%s: copy %s has %d open loans", where, c.Barcode, openByCopy[c.ID])
			}
			onLoan := c.Status == app.CopyOnLoan
			if onLoan != (openByCopy[c.ID] == 1) {
				t.Errorf("%s: copy %s status %s with %d open loans", where, c.Barcode, c.Status, openByCopy[c.ID])
			}
			if onLoan != (model[c.Barcode] != "") {
				t.Errorf("%s: copy %s on loan %v, model %q", where, c.Barcode, onLoan, model[c.Barcode])
			}
			if c.Status == app.CopyOnHoldShelf {
				var h app.Hold
				if found, _ := tx.Get(app.CollHolds, c.HoldID, &h); !found || h.Status != app.HoldReady || h.CopyID != c.ID {
					t.Errorf("%s: copy %s on the hold shelf for hold %s in state %s", where, c.Barcode, c.HoldID, h.Status)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.ForEach(app.CollFines, func(id string, raw []byte) error {
			var fi app.Fine
			if err := json.Unmarshal(raw, &fi); err != nil {
				return err
			}
			if fi.Outstanding() < 0 {
				t.Errorf("%s: fine %s outstanding %d", where, id, fi.Outstanding())
			}
			if fi.Kind == app.FineOverdue && fi.Amount > 1000 {
				t.Errorf("%s: fine %d over the cap", where, fi.Amount)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	if t.Failed() {
		t.FailNow()
	}
}
