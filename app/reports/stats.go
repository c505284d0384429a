package reports

import (
	"encoding/json"
	"sort"
	"strconv"
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

// Stats are every figure of the two periods, from the daily aggregates of
// their days.
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
	// DaysRead is how many daily aggregates were read.
	DaysRead int
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
// time zone (the one its daily figures are kept in) and today the day
// overdue is judged against.
//
// The figures come from the daily aggregates app keeps (app.Daily), one
// record per day of the two periods; titles are read only for the titles
// borrowed (for classification and authors, as they stand now), holds one
// by one (there are few).
func ComputeTx(tx app.Tx, loc *time.Location, today app.Date, p Period, g Granularity) (*Stats, error) {
	return computeTx(tx, loc, today, p, g, everything)
}

// needs says which of the costly parts a computation does. Summing the
// per-title and per-reader counts of a year's days, and reading every title
// borrowed, is most of the cost of a year's figures, and most reports need
// neither.
type needs struct {
	titleCounts bool // ByTitle
	readers     bool // ActiveReaders
	titles      join
}

// join says which titles a computation reads.
type join int

const (
	joinNone join = iota // no titles: ByCLC, ByDewey, ByAuthor and Titles stay empty
	joinTop              // Titles holds the TopN titles only
	joinAll
)

var everything = needs{titleCounts: true, readers: true, titles: joinAll}

// needsOf returns what the reports names need.
func needsOf(names []string) needs {
	var n needs
	for _, name := range names {
		switch name {
		case Summary:
			n.readers = true
		case TopTitles:
			n.titleCounts, n.titles = true, max(n.titles, joinTop)
		case CLC, Dewey, TopAuthors:
			n.titleCounts, n.titles = true, joinAll
		}
	}
	return n
}

func computeTx(tx app.Tx, loc *time.Location, today app.Date, p Period, g Granularity, need needs) (*Stats, error) {
	s := newStats(p, g, today)
	cur, prev := bucketStarts(p, g), bucketStarts(s.Prev, g)
	readers := [2]map[uint64]struct{}{{}, {}} // reader hashes
	var badHash error
	addAll := func(m map[string]*Pair, from map[string]int, isPrev bool) {
		for k, n := range from {
			c := m[k]
			if c == nil {
				c = &Pair{}
				m[k] = c
			}
			*c.at(isPrev) += n
		}
	}
	readerSet := func(isPrev bool) func(string, int) {
		set := readers[btoi(isPrev)]
		return func(k string, _ int) {
			h, err := strconv.ParseUint(k, 16, 64)
			if err != nil {
				badHash = errors.Wrapf(err, "reader hash %q", k)
			}
			set[h] = struct{}{}
		}
	}
	titleCount := func(isPrev bool) func(string, int) {
		return func(k string, n int) {
			c := s.ByTitle[k]
			if c == nil {
				c = &Pair{}
				s.ByTitle[k] = c
			}
			*c.at(isPrev) += n
		}
	}
	var d dayFigures
	for day := s.Prev.From; day.Before(p.To); day = day.AddDays(1) {
		d = dayFigures{}
		found, err := tx.Get(app.CollDaily, string(day), &d)
		if err != nil {
			return nil, errors.Wrapf(err, "reading the figures of %s", day)
		}
		if !found {
			continue
		}
		s.DaysRead++
		isPrev := day.Before(p.From)
		i := bucketOf(cur, day)
		if isPrev {
			if i = bucketOf(prev, day); i >= len(s.Buckets) {
				i = -1 // the previous period can have one bucket more
			}
		}
		if i >= 0 {
			b := &s.Buckets[i]
			if isPrev {
				b.PrevLoans += d.Loans
				b.PrevRetns += d.Returns
			} else {
				b.Loans += d.Loans
				b.Returns += d.Returns
			}
		}
		*s.Loans.at(isPrev) += d.Loans
		*s.Returns.at(isPrev) += d.Returns
		*s.Renewals.at(isPrev) += d.Renewals
		*s.Anonymised.at(isPrev) += d.Anonymised
		late := d.Late
		for due, n := range d.OpenDue {
			if due.Before(today) {
				late += n
			}
		}
		*s.Late.at(isPrev) += late
		if !isPrev {
			for h := range 24 {
				s.LoanHours[h] += d.LoanHours[h]
				s.ReturnHours[h] += d.ReturnHours[h]
			}
		}
		addAll(s.ByCardType, d.CardTypes, isPrev)
		addAll(s.ByClass, d.Classes, isPrev)
		addAll(s.ByItemType, d.ItemTypes, isPrev)
		if need.titleCounts {
			for _, id := range app.TitlesOf(day) {
				if err := eachCount(tx, id, titleCount(isPrev)); err != nil {
					return nil, err
				}
			}
		}
		if need.readers {
			for _, id := range app.ReadersOf(day) {
				if err := eachCount(tx, id, readerSet(isPrev)); err != nil {
					return nil, err
				}
			}
			if badHash != nil {
				return nil, badHash
			}
		}
	}
	s.ActiveReaders = Pair{Cur: len(readers[0]), Prev: len(readers[1])}
	// Classification and authors are the titles' as they stand now.
	var ids []string
	switch need.titles {
	case joinTop:
		for _, id := range top(s.ByTitle, TopN) {
			if _, err := titleInfo(tx, s.Titles, id); err != nil {
				return nil, err
			}
		}
	case joinAll:
		ids = make([]string, 0, len(s.ByTitle))
		for id := range s.ByTitle {
			ids = append(ids, id)
		}
		sort.Strings(ids)
	}
	for _, id := range ids {
		n := s.ByTitle[id]
		t, err := titleInfo(tx, s.Titles, id)
		if err != nil {
			return nil, err
		}
		s.ByCLC[CLCClass(t.CLC)] = n.plus(s.ByCLC[CLCClass(t.CLC)])
		s.ByDewey[DeweyHundreds(t.Dewey)] = n.plus(s.ByDewey[DeweyHundreds(t.Dewey)])
		for _, a := range t.Authors {
			s.ByAuthor[a] = n.plus(s.ByAuthor[a])
		}
	}
	if err := holdWaits(tx, loc, s); err != nil {
		return nil, err
	}
	return s, nil
}

// dayFigures is app.Daily as reports read it, without its per-title and
// per-reader parts (app.DayCounts), which are read only when needed and
// summed straight from their encoding (app.EachCount).
type dayFigures struct {
	Loans       int              `json:"loans"`
	Renewals    int              `json:"renewals"`
	Anonymised  int              `json:"anonymised"`
	Late        int              `json:"late"`
	OpenDue     map[app.Date]int `json:"open_due"`
	LoanHours   [24]int          `json:"loan_hours"`
	CardTypes   map[string]int   `json:"card_types"`
	Classes     map[string]int   `json:"classes"`
	ItemTypes   map[string]int   `json:"item_types"`
	Returns     int              `json:"returns"`
	ReturnHours [24]int          `json:"return_hours"`
}

// eachCount calls fn for every count of the app.DayCounts id, if there is one.
func eachCount(tx app.Tx, id string, fn func(string, int)) error {
	var c struct {
		N json.RawMessage `json:"n"`
	}
	if found, err := tx.Get(app.CollDaily, id, &c); err != nil || !found || len(c.N) == 0 {
		return errors.Wrapf(err, "reading %s", id)
	}
	return errors.Wrapf(app.EachCount(c.N, fn), "reading %s", id)
}

func newStats(p Period, g Granularity, today app.Date) *Stats {
	s := &Stats{
		Period: p, Prev: p.Previous(), Granularity: g, Today: today,
		ByCardType: map[string]*Pair{}, ByClass: map[string]*Pair{}, ByItemType: map[string]*Pair{},
		ByCLC: map[string]*Pair{}, ByDewey: map[string]*Pair{}, ByTitle: map[string]*Pair{},
		ByAuthor: map[string]*Pair{}, Titles: map[string]*TitleInfo{},
	}
	cur := bucketStarts(p, g)
	s.Buckets = make([]Bucket, len(cur))
	for i := range cur {
		s.Buckets[i].From = cur[i]
		s.Buckets[i].To = p.To
		if i+1 < len(cur) {
			s.Buckets[i].To = cur[i+1]
		}
	}
	return s
}

func (p *Pair) at(prev bool) *int {
	if prev {
		return &p.Prev
	}
	return &p.Cur
}

// plus returns a new pair, p added to q (nil: none).
func (p *Pair) plus(q *Pair) *Pair {
	out := *p
	if q != nil {
		out.Cur += q.Cur
		out.Prev += q.Prev
	}
	return &out
}

// holdWaits counts the holds whose copy reached the hold shelf in either
// period and their average wait from placing.
func holdWaits(tx app.Tx, loc *time.Location, s *Stats) error {
	var hs holdStat
	var wait [2]float64
	err := tx.ForEach(app.CollHolds, func(id string, raw []byte) error {
		hs = holdStat{}
		if found, err := tx.Get(app.CollHolds, id, &hs); err != nil || !found || hs.Deleted || hs.ReadySince == nil {
			return err
		}
		rd := app.DateOf(*hs.ReadySince, loc)
		days := hs.ReadySince.Sub(hs.Placed).Hours() / 24
		switch {
		case inPeriod(rd, s.Period):
			s.HoldsReady.Cur++
			wait[0] += days
		case inPeriod(rd, s.Prev):
			s.HoldsReady.Prev++
			wait[1] += days
		}
		return nil
	})
	if err != nil {
		return errors.Wrap(err, "reading holds")
	}
	if s.HoldsReady.Cur > 0 {
		s.HoldWaitDays[0] = wait[0] / float64(s.HoldsReady.Cur)
	}
	if s.HoldsReady.Prev > 0 {
		s.HoldWaitDays[1] = wait[1] / float64(s.HoldsReady.Prev)
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
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
