package reports

import (
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// ScanTx exports scanTx to the tests.
var ScanTx = scanTx

// loanStat is the part of a loan statistics read; decoding only these fields
// is what keeps a year's scan fast.
type loanStat struct {
	TitleID    string       `json:"title_id"`
	ReaderID   string       `json:"reader_id"`
	Out        time.Time    `json:"out"`
	Due        app.Date     `json:"due"`
	Returned   *time.Time   `json:"returned"`
	Renewals   int          `json:"renewals"`
	CardType   string       `json:"card_type"`
	Class      string       `json:"class"`
	ItemType   app.ItemType `json:"item_type"`
	Anonymised bool         `json:"anonymised"`
	Deleted    bool         `json:"deleted"`
}

// scanTx is how ComputeTx worked before the daily aggregates: one pass
// that decodes every loan. Tests keep it as the brute-force count the
// aggregates must agree with; it reads every loan, not only a look-back.
func scanTx(tx app.Tx, loc *time.Location, today app.Date, p Period, g Granularity) (*Stats, error) {
	s := &Stats{
		Period: p, Prev: p.Previous(), Granularity: g, Today: today,
		ByCardType: map[string]*Pair{}, ByClass: map[string]*Pair{}, ByItemType: map[string]*Pair{},
		ByCLC: map[string]*Pair{}, ByDewey: map[string]*Pair{}, ByTitle: map[string]*Pair{},
		ByAuthor: map[string]*Pair{}, Titles: map[string]*TitleInfo{},
	}
	cur, prev := bucketStarts(p, g), bucketStarts(s.Prev, g)
	s.Buckets = make([]Bucket, len(cur))
	for i := range cur {
		s.Buckets[i].From = cur[i]
		s.Buckets[i].To = p.To
		if i+1 < len(cur) {
			s.Buckets[i].To = cur[i+1]
		}
	}
	readers := [2]map[string]bool{{}, {}}
	titles := map[string]*TitleInfo{} // every title borrowed, as it stands now

	inc := func(m map[string]*Pair, k string, prev bool) {
		c := m[k]
		if c == nil {
			c = &Pair{}
			m[k] = c
		}
		if prev {
			c.Prev++
		} else {
			c.Cur++
		}
	}
	add := func(pr *Pair, prev bool) {
		if prev {
			pr.Prev++
		} else {
			pr.Cur++
		}
	}

	scanFrom := ""
	prevFrom, curFrom, curTo := instant(s.Prev.From, loc), instant(p.From, loc), instant(p.To, loc)
	var ls loanStat
	err := tx.Scan(app.IdxLoanOut, scanFrom, curTo, func(_, id string) error {
		ls = loanStat{}
		found, err := tx.Get(app.CollLoans, id, &ls)
		if err != nil || !found || ls.Deleted {
			return err
		}
		// Returns in either period, whenever the loan began.
		if ls.Returned != nil {
			rd := app.DateOf(*ls.Returned, loc)
			switch {
			case inPeriod(rd, p):
				s.Returns.Cur++
				s.Buckets[bucketOf(cur, rd)].Returns++
				s.ReturnHours[ls.Returned.In(loc).Hour()]++
			case inPeriod(rd, s.Prev):
				s.Returns.Prev++
				if i := bucketOf(prev, rd); i < len(s.Buckets) {
					s.Buckets[i].PrevRetns++
				}
			}
		}
		outKey := ls.Out.UTC().Format(time.RFC3339)
		if outKey < prevFrom {
			return nil
		}
		isPrev := outKey < curFrom
		od := app.DateOf(ls.Out, loc)
		add(&s.Loans, isPrev)
		if isPrev {
			if i := bucketOf(prev, od); i < len(s.Buckets) {
				s.Buckets[i].PrevLoans++
			}
		} else {
			s.Buckets[bucketOf(cur, od)].Loans++
			s.LoanHours[ls.Out.In(loc).Hour()]++
		}
		s.Renewals.Cur, s.Renewals.Prev = s.Renewals.Cur+btoi(!isPrev)*ls.Renewals, s.Renewals.Prev+btoi(isPrev)*ls.Renewals
		if ls.ReaderID == "" || ls.Anonymised {
			add(&s.Anonymised, isPrev)
		} else {
			readers[btoi(isPrev)][ls.ReaderID] = true
		}
		late := (ls.Returned != nil && ls.Due.Before(app.DateOf(*ls.Returned, loc))) ||
			(ls.Returned == nil && ls.Due.Before(today))
		if late {
			add(&s.Late, isPrev)
		}
		inc(s.ByCardType, ls.CardType, isPrev)
		inc(s.ByClass, ls.Class, isPrev)
		inc(s.ByItemType, string(ls.ItemType), isPrev)
		inc(s.ByTitle, ls.TitleID, isPrev)
		t, err := titleInfo(tx, titles, ls.TitleID)
		if err != nil {
			return err
		}
		inc(s.ByCLC, CLCClass(t.CLC), isPrev)
		inc(s.ByDewey, DeweyHundreds(t.Dewey), isPrev)
		for _, a := range t.Authors {
			inc(s.ByAuthor, a, isPrev)
		}
		return nil
	})
	if err != nil {
		return nil, errors.Wrap(err, "reading loans")
	}
	s.ActiveReaders = Pair{Cur: len(readers[0]), Prev: len(readers[1])}

	// The day each title was last borrowed, ever: loans after the period too.
	s.LastBorrowed = map[string]app.Date{}
	err = tx.Scan(app.IdxLoanOut, "", "", func(_, id string) error {
		ls = loanStat{}
		if found, err := tx.Get(app.CollLoans, id, &ls); err != nil || !found || ls.Deleted {
			return err
		}
		if d := app.DateOf(ls.Out, loc); s.LastBorrowed[ls.TitleID] < d {
			s.LastBorrowed[ls.TitleID] = d
		}
		return nil
	})
	if err != nil {
		return nil, errors.Wrap(err, "reading loans")
	}
	// Reports show the fields of the top titles only.
	for _, id := range top(s.ByTitle, TopN) {
		s.Titles[id] = titles[id]
	}

	var hs holdStat
	var wait [2]float64
	err = tx.ForEach(app.CollHolds, func(id string, raw []byte) error {
		hs = holdStat{}
		if found, err := tx.Get(app.CollHolds, id, &hs); err != nil || !found || hs.Deleted || hs.ReadySince == nil {
			return err
		}
		rd := app.DateOf(*hs.ReadySince, loc)
		days := hs.ReadySince.Sub(hs.Placed).Hours() / 24
		switch {
		case inPeriod(rd, p):
			s.HoldsReady.Cur++
			wait[0] += days
		case inPeriod(rd, s.Prev):
			s.HoldsReady.Prev++
			wait[1] += days
		}
		return nil
	})
	if err != nil {
		return nil, errors.Wrap(err, "reading holds")
	}
	if s.HoldsReady.Cur > 0 {
		s.HoldWaitDays[0] = wait[0] / float64(s.HoldsReady.Cur)
	}
	if s.HoldsReady.Prev > 0 {
		s.HoldWaitDays[1] = wait[1] / float64(s.HoldsReady.Prev)
	}
	return s, nil
}

// instant is the RFC 3339 UTC key of midnight starting day d in loc.
func instant(d app.Date, loc *time.Location) string {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).UTC().Format(time.RFC3339)
}
