// Package demo fills a library with realistic data: the demo library that a
// volunteer can try Circa on (a few hundred readers, books in Chinese and
// English, a loan history), and the scale library that benchmarks run on.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// Options size the demo library.
type Options struct {
	// Seed makes the library reproducible.
	Seed uint64
	// Readers in school classes, plus a few adult readers and teachers.
	Readers int
	// HistoryDays of loan history are made, ending today.
	HistoryDays int
	// Progress, when set, is told how far the work is (0..1).
	Progress func(done float64)
	// Context, when set, stops the work when it is cancelled; what was
	// made by then stays, each record whole.
	Context context.Context
}

// DefaultOptions make a library big enough to show every screen.
var DefaultOptions = Options{Seed: 1, Readers: 240, HistoryDays: 120}

// Populate fills lib with the demo library. The loan history is made by the
// same commands the desk uses, on a clock that walks through the past, so
// every record has its events and everything syncs like real work.
func Populate(lib *app.Library, actor app.Actor, opts Options) error {
	if opts.Readers <= 0 {
		opts.Readers = DefaultOptions.Readers
	}
	if opts.HistoryDays <= 0 {
		opts.HistoryDays = DefaultOptions.HistoryDays
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(float64) {}
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 2026))
	now := lib.Clock().Now()
	past := app.NewFakeClock(now.AddDate(0, 0, -opts.HistoryDays))
	hist, err := app.Open(lib.Store(), app.Options{Clock: past, Station: lib.Station(), Location: lib.Location()})
	if err != nil {
		return err
	}
	if err := hist.InstallDefaults(actor); err != nil {
		return errors.Wrap(err, "installing card types and rules")
	}
	if v, _ := hist.Setting(app.SettingLibraryName, ""); v == "" {
		if err := hist.SetSetting(actor, app.SettingLibraryName, "阳光小学图书馆 Sunshine School Library"); err != nil {
			return err
		}
	}
	for _, d := range []app.Date{"2026-01-01", "2026-02-17", "2026-02-18", "2026-05-01", "2026-10-01", "2026-10-02", "2027-01-01"} {
		if err := hist.AddClosedDay(actor, d, "holiday"); err != nil {
			return err
		}
	}

	// Catalogue.
	var copies []string
	n := 0
	for i, b := range books {
		if err := ctx.Err(); err != nil {
			return err
		}
		t, err := hist.AddTitle(actor, app.TitleInput{
			ISBNs: []string{fakeISBN(rng, b.lang)}, Title: b.title, Authors: []string{b.author},
			Publisher: b.publisher, Year: b.year, Language: b.lang, Subjects: b.subjects,
			CLC: b.clc, Dewey: b.dewey, CallNumber: b.clc + "/" + fmt.Sprint(i+1),
		})
		if err != nil {
			return errors.Wrapf(err, "adding %s", b.title)
		}
		item := app.ItemBook
		if b.subjects[0] == "字典" || b.subjects[0] == "词典" || b.subjects[0] == "百科全书" || b.subjects[0] == "Dictionaries" {
			item = app.ItemReference
		}
		for c := 0; c < 1+rng.IntN(3); c++ {
			n++
			code := fmt.Sprintf("T%06d", n)
			if _, err := hist.AddCopy(actor, t.ID, app.CopyInput{Barcode: code, ItemType: item,
				Location: "主馆/Main", CallNumber: t.CallNumber, Price: app.Money(1500 + rng.IntN(6000))}); err != nil {
				return err
			}
			if item != app.ItemReference {
				copies = append(copies, code)
			}
		}
	}
	for _, m := range magazines {
		t, err := hist.AddTitle(actor, app.TitleInput{Title: m.title, Publisher: m.publisher, Year: "2026"})
		if err != nil {
			return err
		}
		for c := 0; c < 3; c++ {
			n++
			code := fmt.Sprintf("T%06d", n)
			if _, err := hist.AddCopy(actor, t.ID, app.CopyInput{Barcode: code, ItemType: app.ItemMagazine,
				Location: "期刊/Magazines", Price: 800}); err != nil {
				return err
			}
			copies = append(copies, code)
		}
	}
	progress(0.15)

	// Readers: pupils in classes, teachers, a few adults.
	var cards []string
	for i := 0; i < opts.Readers; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		in := app.ReaderInput{Card: fmt.Sprintf("R%06d", i+1), History: app.HistoryKeep}
		switch {
		case i%20 == 0:
			in.CardType = "TEA"
			in.Name = string(surnames[rng.IntN(len(surnames))]) + givenNames[rng.IntN(len(givenNames))] + "老师"
		case i%31 == 0:
			in.CardType = "REG"
			in.Name = englishNames[rng.IntN(len(englishNames))]
			in.Email = fmt.Sprintf("reader%d@example.org", i+1)
		case i%47 == 0:
			in.CardType = "VIP"
			in.Name = string(surnames[rng.IntN(len(surnames))]) + givenNames[rng.IntN(len(givenNames))]
		default:
			in.CardType = "STU"
			g := grades[rng.IntN(len(grades))]
			in.Grade = g
			in.Class = fmt.Sprintf("%s%d班", g, 1+rng.IntN(3))
			in.Name = string(surnames[rng.IntN(len(surnames))]) + givenNames[rng.IntN(len(givenNames))]
			in.Guardian = string(surnames[rng.IntN(len(surnames))]) + givenNames[rng.IntN(len(givenNames))]
			in.Phone = fmt.Sprintf("138%08d", rng.IntN(100000000))
		}
		if rng.IntN(10) == 0 {
			in.History = app.HistoryAnonymise
		}
		if in.CardType == "STU" && i < 10 {
			// A few pupils with a kiosk PIN (hashing is slow on purpose).
			in.PIN = "1234"
		}
		if _, err := hist.RegisterReader(actor, in); err != nil {
			return errors.Wrapf(err, "registering %s", in.Name)
		}
		cards = append(cards, in.Card)
	}
	progress(0.35)

	// History: each school day some readers return what is due and borrow.
	for day := 0; day < opts.HistoryDays; day++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		wd := past.Now().Weekday()
		if wd != time.Saturday && wd != time.Sunday {
			if err := simulateDay(hist, actor, past, rng, cards, copies); err != nil {
				return err
			}
		}
		past.Advance(24 * time.Hour)
		progress(0.35 + 0.6*float64(day+1)/float64(opts.HistoryDays))
	}
	if _, err := hist.AnonymiseHistory(actor); err != nil {
		return err
	}
	progress(1)
	return nil
}

func simulateDay(lib *app.Library, actor app.Actor, clock *app.FakeClock, rng *rand.Rand, cards, copies []string) error {
	day := clock.Now().Truncate(24 * time.Hour)
	clock.Set(day.Add(8 * time.Hour))
	for i := 0; i < 6+rng.IntN(10); i++ {
		clock.Advance(time.Duration(10+rng.IntN(50)) * time.Minute)
		code := copies[rng.IntN(len(copies))]
		c, err := lib.CopyByBarcode(code)
		if err != nil {
			return err
		}
		if c.Status == app.CopyOnLoan || c.Status == app.CopyOnHoldShelf {
			if rng.IntN(3) > 0 {
				if _, err := lib.CheckIn(actor, code); err != nil {
					return err
				}
			}
			continue
		}
		card := cards[rng.IntN(len(cards))]
		_, err = lib.CheckOut(actor, card, code, app.CheckOutOptions{})
		if _, refused := app.RefusalOf(err); err != nil && !refused {
			return err
		}
	}
	// Some readers reserve a title that is out.
	if rng.IntN(4) == 0 {
		card := cards[rng.IntN(len(cards))]
		r, err := lib.ReaderByCard(card)
		if err != nil {
			return err
		}
		c, err := lib.CopyByBarcode(copies[rng.IntN(len(copies))])
		if err != nil {
			return err
		}
		if c.Status == app.CopyOnLoan {
			_, err := lib.PlaceHold(actor, r.ID, c.TitleID)
			if _, refused := app.RefusalOf(err); err != nil && !refused {
				return err
			}
		}
	}
	if rng.IntN(5) == 0 {
		if _, err := lib.ExpirePickups(actor); err != nil {
			return err
		}
	}
	if rng.IntN(6) == 0 {
		card := cards[rng.IntN(len(cards))]
		if r, err := lib.ReaderByCard(card); err == nil {
			if owed, _ := lib.Outstanding(r.ID); owed > 0 {
				if _, err := lib.Pay(actor, r.ID, owed, "cash"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// fakeISBN makes a valid ISBN-13 under a prefix no real publisher holds.
func fakeISBN(rng *rand.Rand, lang string) string {
	prefix := "9787900"
	if lang == "eng" {
		prefix = "9780900"
	}
	body := prefix + fmt.Sprintf("%05d", rng.IntN(100000))
	sum := 0
	for i, c := range body {
		v := int(c - '0')
		if i%2 == 1 {
			v *= 3
		}
		sum += v
	}
	return body + fmt.Sprint((10-sum%10)%10)
}
