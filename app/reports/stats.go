package reports

import (
	"sort"
	"strings"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// Period is the days [From, To) in the library's time zone.
type Period struct {
	From, To app.Date
}

// Days is the number of days in the period.
func (p Period) Days() int { return p.From.DaysUntil(p.To) }

// Previous is the period of equal length that ends where p starts.
func (p Period) Previous() Period { return Period{From: p.From.AddDays(-p.Days()), To: p.From} }

// Check refuses an empty or reversed period.
func (p Period) Check() error {
	for _, d := range []app.Date{p.From, p.To} {
		if _, err := app.ParseDate(string(d)); err != nil {
			return err
		}
	}
	if p.Days() <= 0 {
		return app.Refuse(app.ReasonInvalidInput, "field", "period")
	}
	return nil
}

// Granularity is the width of the time buckets of the loans report.
type Granularity string

// Granularities.
const (
	Daily   Granularity = "day"
	Weekly  Granularity = "week"
	Monthly Granularity = "month"
)

// AutoGranularity picks days for a month or less, weeks up to half a year,
// months beyond.
func AutoGranularity(p Period) Granularity {
	switch d := p.Days(); {
	case d <= 31:
		return Daily
	case d <= 186:
		return Weekly
	}
	return Monthly
}

// ReturnLookbackDays is how far before the previous period the scan starts, so
// that returns in the periods of loans borrowed earlier are counted. Loans
// kept out longer than this are missed by the returns figures (a loan_returned
// index would remove the limit; see the package's report).
const ReturnLookbackDays = 120

// Pair is a count in the period and in the previous one.
type Pair struct {
	Cur, Prev int
}

// Bucket is one time bucket of the period, with the bucket at the same
// offset of the previous period.
type Bucket struct {
	From, To             app.Date
	Loans, Returns       int
	PrevLoans, PrevRetns int
}

// Stats are every figure of the two periods, from one pass over their loans.
type Stats struct {
	Period, Prev Period
	Granularity  Granularity
	Today        app.Date

	Loans, Returns, Renewals Pair
	ActiveReaders            Pair
	// Anonymised counts loans no longer linked to a reader: they count in
	// every figure but active readers.
	Anonymised Pair
	// Late counts loans of the period returned after their due date or
	// still out past it; OverdueRate is Late / Loans.
	Late Pair
	// HoldsReady counts holds whose copy reached the hold shelf in the
	// period; HoldWaitDays is their average wait from placing.
	HoldsReady   Pair
	HoldWaitDays [2]float64

	Buckets    []Bucket
	ByCardType map[string]*Pair
	ByClass    map[string]*Pair
	ByItemType map[string]*Pair
	ByCLC      map[string]*Pair // "A".."Z", "" unclassified
	ByDewey    map[string]*Pair // "000".."900", "" unclassified
	ByTitle    map[string]*Pair // title ID
	ByAuthor   map[string]*Pair
	// LoanHours and ReturnHours count check-outs and returns in the period
	// by hour of day.
	LoanHours, ReturnHours [24]int

	// Titles holds the few fields reports need of each title met.
	Titles map[string]*TitleInfo
	// Scanned is how many loans were decoded.
	Scanned int
}

// OverdueRate is Late/Loans of the period (cur) or the previous one.
func (s *Stats) OverdueRate(prev bool) float64 {
	if prev {
		return ratio(s.Late.Prev, s.Loans.Prev)
	}
	return ratio(s.Late.Cur, s.Loans.Cur)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// TitleInfo is what reports show of a title.
type TitleInfo struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Authors    []string `json:"authors,omitempty"`
	CLC        string   `json:"clc,omitempty"`
	Dewey      string   `json:"dewey,omitempty"`
	CallNumber string   `json:"call_number,omitempty"`
	Year       string   `json:"year,omitempty"`
	Deleted    bool     `json:"deleted,omitempty"`
}

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

type holdStat struct {
	Placed     time.Time  `json:"placed"`
	ReadySince *time.Time `json:"ready_since"`
	Deleted    bool       `json:"deleted"`
}

// Compute gathers the statistics of p and the period before it, reading in
// one transaction of lib. g "" picks AutoGranularity.
func Compute(lib *app.Library, p Period, g Granularity) (*Stats, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if g == "" {
		g = AutoGranularity(p)
	}
	var s *Stats
	err := lib.View(func(tx app.Tx) error {
		var err error
		s, err = ComputeTx(tx, lib.Location(), lib.Today(), p, g)
		return err
	})
	return s, err
}

// ComputeTx is Compute in the caller's transaction tx; loc is the library's
// time zone and today the day overdue is judged against.
func ComputeTx(tx app.Tx, loc *time.Location, today app.Date, p Period, g Granularity) (*Stats, error) {
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

	scanFrom := instant(s.Prev.From.AddDays(-ReturnLookbackDays), loc)
	prevFrom, curFrom, curTo := instant(s.Prev.From, loc), instant(p.From, loc), instant(p.To, loc)
	var ls loanStat
	err := tx.Scan(app.IdxLoanOut, scanFrom, curTo, func(_, id string) error {
		ls = loanStat{}
		found, err := tx.Get(app.CollLoans, id, &ls)
		if err != nil || !found || ls.Deleted {
			return err
		}
		s.Scanned++
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
		t, err := titleInfo(tx, s.Titles, ls.TitleID)
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

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// instant is the RFC 3339 UTC key of midnight starting day d in loc.
func instant(d app.Date, loc *time.Location) string {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).UTC().Format(time.RFC3339)
}

func inPeriod(d app.Date, p Period) bool { return !d.Before(p.From) && d.Before(p.To) }

// bucketStarts returns the first day of each bucket of p.
func bucketStarts(p Period, g Granularity) []app.Date {
	var out []app.Date
	for d := p.From; d.Before(p.To); {
		out = append(out, d)
		switch g {
		case Weekly:
			d = d.AddDays(7)
		case Monthly:
			t := d.Time()
			d = app.Date(time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))
		default:
			d = d.AddDays(1)
		}
	}
	return out
}

// bucketOf returns the index of the bucket holding d (starts sorted).
func bucketOf(starts []app.Date, d app.Date) int {
	i := sort.Search(len(starts), func(i int) bool { return d.Before(starts[i]) })
	return max(i-1, 0)
}

func titleInfo(tx app.Tx, cache map[string]*TitleInfo, id string) (*TitleInfo, error) {
	if t, ok := cache[id]; ok {
		return t, nil
	}
	t := &TitleInfo{}
	if _, err := tx.Get(app.CollTitles, id, t); err != nil {
		return nil, errors.Wrapf(err, "reading title %s", id)
	}
	t.ID = id
	cache[id] = t
	return t, nil
}

// CLCClass returns the main class of a 中图法 (Chinese Library
// Classification) number: its first letter, "" when there is none.
func CLCClass(clc string) string {
	clc = strings.TrimSpace(clc)
	if clc == "" {
		return ""
	}
	c := clc[0]
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	if c < 'A' || c > 'Z' {
		return ""
	}
	return string(c)
}

// DeweyHundreds returns the Dewey main class ("000" … "900") of a Dewey
// number, "" when it does not start with a digit.
func DeweyHundreds(dewey string) string {
	dewey = strings.TrimSpace(dewey)
	if dewey == "" || dewey[0] < '0' || dewey[0] > '9' {
		return ""
	}
	return dewey[:1] + "00"
}
