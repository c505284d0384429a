package app_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/circa-library/circa/app"
)

// dailies returns every daily aggregate as stored.
func dailies(t *testing.T, lib *app.Library) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := lib.View(func(tx app.Tx) error {
		return tx.ForEach(app.CollDaily, func(id string, raw []byte) error {
			out[id] = string(raw)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// randomHistory lends, returns, renews, loses and anonymises at random over
// days, with an imported batch of past loans, through the desk's commands.
func randomHistory(t *testing.T, f *fixture, seed uint64) (quiet *app.Reader) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 5))
	var barcodes []string
	for i := 0; i < 6; i++ {
		ti := f.title(fmt.Sprintf("Title %d", i))
		for j := 0; j < 3; j++ {
			code := fmt.Sprintf("B%d%d", i, j)
			item := app.ItemBook
			if j == 2 {
				item = app.ItemMagazine
			}
			f.copyOf(ti, code, item)
			barcodes = append(barcodes, code)
		}
	}
	cards := []string{"R0", "R1", "R2", "R3"}
	for i, c := range cards {
		f.reader(c, "Reader "+c, []string{"REG", "STU", "VIP"}[i%3])
	}
	quiet = must[*app.Reader](t)(f.lib.RegisterReader(f.admin, app.ReaderInput{Card: "Q", Name: "Quiet",
		CardType: "REG", History: app.HistoryAnonymise}))
	cards = append(cards, "Q")
	// Past loans from another system, returned late and on time.
	var past []app.Loan
	for i := 0; i < 30; i++ {
		out := start.AddDate(0, 0, -60+i).Add(time.Duration(rng.IntN(10)) * time.Hour)
		back := out.Add(time.Duration(1+rng.IntN(30)) * 24 * time.Hour)
		past = append(past, app.Loan{Meta: app.Meta{ID: fmt.Sprintf("past-%02d", i)}, CopyID: "x", TitleID: "old-title",
			ReaderID: fmt.Sprintf("old-reader-%d", i%4), Out: out, Due: app.DateOf(out.AddDate(0, 0, 14), time.UTC),
			Returned: &back, CardType: "REG", Class: "1班", ItemType: app.ItemBook})
	}
	if err := f.lib.ImportLoanHistory(f.admin, past); err != nil {
		t.Fatal(err)
	}
	for step := 0; step < 250; step++ {
		code := barcodes[rng.IntN(len(barcodes))]
		switch rng.IntN(10) {
		case 0, 1, 2, 3:
			f.lib.CheckOut(f.admin, cards[rng.IntN(len(cards))], code, app.CheckOutOptions{Override: true})
		case 4, 5, 6:
			f.lib.CheckIn(f.desk, code)
		case 7:
			if c, err := f.lib.CopyByBarcode(code); err == nil && c.LoanID != "" {
				f.lib.Renew(f.admin, c.LoanID, false)
			}
		case 8:
			if rng.IntN(4) == 0 {
				f.lib.MarkLost(f.admin, code)
			}
		case 9:
			f.clock.Advance(time.Duration(3+rng.IntN(30)) * time.Hour)
		}
	}
	if _, err := f.lib.AnonymiseHistory(f.admin); err != nil {
		t.Fatal(err)
	}
	return quiet
}

// TestDailyIsAFunctionOfTheLoans checks that the aggregates apply keeps are
// exactly what BackfillDaily computes from the loans, and what replaying
// the log gives, and that they add up to the loans.
func TestDailyIsAFunctionOfTheLoans(t *testing.T) {
	for seed := uint64(0); seed < 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				quiet := randomHistory(t, f, seed)
				live := dailies(t, f.lib)
				if len(live) == 0 {
					t.Fatal("no daily figures")
				}
				checkDailyAgainstLoans(t, f.lib)

				err := f.lib.Store().Update(func(tx app.Tx) error {
					for id := range live {
						if err := tx.Delete(app.CollDaily, id); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if err := f.lib.BackfillDaily(); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(live, dailies(t, f.lib)); diff != "" {
					t.Errorf("backfill differs from the running figures (-live +backfill):\n%s", diff)
				}
				if err := f.lib.Rebuild(); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(live, dailies(t, f.lib)); diff != "" {
					t.Errorf("replay differs from the running figures (-live +replay):\n%s", diff)
				}
				// Aggregates of an older layout are recomputed.
				err = f.lib.Store().Update(func(tx app.Tx) error {
					if err := tx.SetMeta(app.MetaDailyFormat, []byte("1")); err != nil {
						return err
					}
					return tx.Put(&app.LoanDays{ID: app.TitleDaysID("stale"), N: app.Counts{"2000-01-01": 1}})
				})
				if err != nil {
					t.Fatal(err)
				}
				if err := f.lib.BackfillDaily(); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(live, dailies(t, f.lib)); diff != "" {
					t.Errorf("aggregates of an old layout were not recomputed (-live +after):\n%s", diff)
				}
				// The reader who asked to be forgotten is named only on days
				// where a loan still names them (one still out, or owing).
				kept, err := f.lib.LoansOf(quiet.ID, true)
				if err != nil {
					t.Fatal(err)
				}
				named := map[string]bool{}
				for _, v := range kept {
					named[string(app.DateOf(v.Loan.Out, f.lib.Location()))] = true
				}
				raw, ok := live[app.ReaderDaysID(app.ReaderHash(quiet.ID))]
				if !ok && len(named) > 0 {
					t.Errorf("the reader's loans still out are not counted")
				}
				var days app.LoanDays
				if ok {
					if err := json.Unmarshal([]byte(raw), &days); err != nil {
						t.Fatal(err)
					}
				}
				for day := range days.N {
					if !named[day] {
						t.Errorf("day %s still names the anonymised reader", day)
					}
				}
			})
		})
	}
}

// checkDailyAgainstLoans counts the loans by brute force and compares.
func checkDailyAgainstLoans(t *testing.T, lib *app.Library) {
	t.Helper()
	want := map[app.Date]*app.Daily{}
	wantDays := map[string]app.Counts{}
	loanDay := func(id string, d app.Date) {
		if wantDays[id] == nil {
			wantDays[id] = app.Counts{}
		}
		wantDays[id][string(d)]++
	}
	day := func(d app.Date) *app.Daily {
		if want[d] == nil {
			want[d] = &app.Daily{Day: d}
		}
		return want[d]
	}
	inc := func(m *map[string]int, k string) {
		if *m == nil {
			*m = map[string]int{}
		}
		(*m)[k]++
	}
	loc := lib.Location()
	err := lib.View(func(tx app.Tx) error {
		return tx.ForEach(app.CollLoans, func(id string, raw []byte) error {
			var l app.Loan
			if err := json.Unmarshal(raw, &l); err != nil {
				return err
			}
			d := day(app.DateOf(l.Out, loc))
			d.Loans++
			d.Renewals += l.Renewals
			d.LoanHours[l.Out.In(loc).Hour()]++
			inc(&d.CardTypes, l.CardType)
			inc(&d.Classes, l.Class)
			inc(&d.ItemTypes, string(l.ItemType))
			loanDay(app.TitleDaysID(l.TitleID), d.Day)
			if l.ReaderID == "" {
				d.Anonymised++
			} else {
				loanDay(app.ReaderDaysID(app.ReaderHash(l.ReaderID)), d.Day)
			}
			if l.Returned == nil {
				if d.OpenDue == nil {
					d.OpenDue = map[app.Date]int{}
				}
				d.OpenDue[l.Due]++
				return nil
			}
			back := app.DateOf(*l.Returned, loc)
			if l.Due < back {
				d.Late++
			}
			r := day(back)
			r.Returns++
			r.ReturnHours[l.Returned.In(loc).Hour()]++
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[app.Date]*app.Daily{}
	gotDays := map[string]app.Counts{}
	err = lib.View(func(tx app.Tx) error {
		for id, raw := range dailies(t, lib) {
			if strings.Contains(id, "/") {
				var c app.LoanDays
				if err := json.Unmarshal([]byte(raw), &c); err != nil {
					return err
				}
				if c.ID != id {
					return fmt.Errorf("loan days %s hold the ID %s", id, c.ID)
				}
				gotDays[id] = c.N
				continue
			}
			d, _, err := app.ReadDaily(tx, app.Date(id))
			if err != nil {
				return err
			}
			got[app.Date(id)] = d
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("daily figures differ from a count of the loans (-count +daily):\n%s", diff)
	}
	if diff := cmp.Diff(wantDays, gotDays); diff != "" {
		t.Errorf("loan days differ from a count of the loans (-count +stored):\n%s", diff)
	}
}

// BenchmarkLoanDaysDecode decodes the loan days of a title borrowed on 400
// days, as a busy school's favourite is after a few years; a check-out of
// it reads and writes them once.
func BenchmarkLoanDaysDecode(b *testing.B) {
	c := &app.LoanDays{ID: app.TitleDaysID("01JCX0000000000000000000000"), N: app.Counts{}}
	for i := 0; i < 400; i++ {
		c.N[string(app.Date("2024-01-01").AddDays(i*2))] = 1 + i%3
	}
	raw, err := json.Marshal(c)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var back app.LoanDays
		if err := json.Unmarshal(raw, &back); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEachCountBytesIsEachCount holds the two readers of encoded Counts to
// the same entries, and the same refusals, in every encoding.
func TestEachCountBytesIsEachCount(t *testing.T) {
	for _, raw := range []string{
		`"2026-01-05=1,2026-01-07=12"`,
		`""`,
		`"a=1,"`,
		`"k=-3,j=+4,big=12345678901"`,
		`"esc\u003d=2,x\"y=1"`,
		`{"a,b":1,"c=d":2}`,
		`"a=1,b"`,
		`"a="`,
		`"a=x"`,
		`12`,
	} {
		type entry struct {
			k string
			n int
		}
		var viaString, viaBytes []entry
		errS := app.EachCount([]byte(raw), func(k string, n int) { viaString = append(viaString, entry{k, n}) })
		errB := app.EachCountBytes([]byte(raw), func(k []byte, n int) { viaBytes = append(viaBytes, entry{string(k), n}) })
		if (errS != nil) != (errB != nil) {
			t.Errorf("%s: EachCount says %v, EachCountBytes %v", raw, errS, errB)
			continue
		}
		sortEntries := func(es []entry) {
			sort.Slice(es, func(i, j int) bool { return es[i].k < es[j].k })
		}
		sortEntries(viaString)
		sortEntries(viaBytes)
		if errS == nil && fmt.Sprint(viaString) != fmt.Sprint(viaBytes) {
			t.Errorf("%s: EachCount gives %v, EachCountBytes %v", raw, viaString, viaBytes)
		}
	}
}
