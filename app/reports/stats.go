package reports

import (
	"encoding/json"
	"iter"
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

	// Titles holds the few fields reports show of the top titles.
	Titles map[string]*TitleInfo
	// LastBorrowed is the day each title borrowed was last borrowed, ever
	// (filled for the weeding lists only).
	LastBorrowed map[string]app.Date
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
// The figures come from the aggregates app keeps: one app.Daily per day of
// the two periods, and one app.LoanDays per title and per reader ever
// borrowed, with the titles' facets index (classification and authors, as
// the titles stand now) beside them. Titles are read only for the top
// titles, holds one by one (there are few).
func ComputeTx(tx app.Tx, loc *time.Location, today app.Date, p Period, g Granularity) (*Stats, error) {
	return computeTx(tx, loc, today, p, g, everything)
}

// needs says which of the costly parts a computation does. Summing the
// per-title and per-reader counts of a year's days, and reading the
// classes and authors of every title borrowed, is most of the cost of a
// year's figures, and most reports need neither.
type needs struct {
	titleCounts  bool // ByTitle
	readers      bool // ActiveReaders
	lastBorrowed bool // LastBorrowed
	topTitles    bool // Titles, for the TopN titles
	facets       bool // ByCLC and ByDewey
	authors      bool // ByAuthor (with facets)
}

var everything = needs{titleCounts: true, readers: true, lastBorrowed: true, topTitles: true, facets: true, authors: true}

// needsOf returns what the reports names need.
func needsOf(names []string) needs {
	var n needs
	for _, name := range names {
		switch name {
		case Summary:
			n.readers = true
		case TopTitles:
			n.titleCounts, n.topTitles = true, true
		case CLC, Dewey:
			n.facets = true
		case TopAuthors:
			n.facets, n.authors = true, true
		case NotBorrowed, NeverBorrowed:
			n.lastBorrowed = true
		}
	}
	return n
}

func computeTx(tx app.Tx, loc *time.Location, today app.Date, p Period, g Granularity, need needs) (*Stats, error) {
	s := newStats(p, g, today)
	cur, prev := bucketStarts(p, g), bucketStarts(s.Prev, g)
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
	}
	if need.titleCounts || need.readers || need.lastBorrowed || need.facets {
		if err := loanDays(tx, s, need); err != nil {
			return nil, err
		}
	}
	// Classification and authors are the titles' as they stand now.
	if need.topTitles {
		for _, id := range top(s.ByTitle, TopN) {
			if _, err := titleInfo(tx, s.Titles, id); err != nil {
				return nil, err
			}
		}
	}
	if err := holdWaits(tx, loc, s); err != nil {
		return nil, err
	}
	return s, nil
}

// dayFigures is app.Daily as reports read it.
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

// loanDays reads the per-title and per-reader loan days (app.LoanDays)
// into s.ByTitle and s.ActiveReaders, as need asks: one record per title
// and per reader ever borrowed, whatever the length of the periods. With
// need.lastBorrowed it also keeps the day each title was last borrowed, for
// the weeding lists, and with need.facets it sums the titles' counts by
// classification and author (as the titles stand now), from the titles'
// facets index read alongside: both are in title ID order, so each title's
// facets come with its loan days, without a lookup. A title borrowed and
// since removed has no facets and counts as unclassified.
func loanDays(tx app.Tx, s *Stats, need needs) error {
	// Sized up front: growing maps of a couple of hundred thousand titles
	// costs as much as filling them.
	titles, err := tx.Count(app.CollTitles)
	if err != nil {
		return err
	}
	if need.lastBorrowed {
		s.LastBorrowed = make(map[string]app.Date, titles)
	}
	if need.titleCounts && len(s.ByTitle) == 0 {
		s.ByTitle = make(map[string]*Pair, titles)
	}
	var facets *facetCursor
	if need.facets {
		facets = newFacetCursor(tx)
		defer facets.close()
	}
	// days is what one record adds up to, and the facets of a title.
	type days struct {
		cur, prev  int
		last       app.Date
		clc, dewey string
		authors    []string
	}
	pick := func(id string) (string, bool, error) {
		if titleID, ok := strings.CutPrefix(id, app.TitleDaysPrefix); ok {
			if facets != nil {
				key, err := facets.of(titleID)
				return key, true, err
			}
			return "", need.titleCounts || need.lastBorrowed, nil
		}
		return "", need.readers && strings.HasPrefix(id, app.ReaderDaysPrefix), nil
	}
	parse := func(id string, raw []byte, facetsKey string) (days, error) {
		var d days
		var last []byte
		n, err := countsOf(raw)
		if err != nil {
			return d, errors.Wrapf(err, "decoding %s", id)
		}
		err = app.EachCountBytes(n, func(day []byte, n int) {
			// string(day) in a comparison makes no copy.
			switch {
			case string(day) < string(s.Prev.From) || string(day) >= string(s.Period.To):
			case string(day) >= string(s.Period.From):
				d.cur += n
			default:
				d.prev += n
			}
			last = day
		})
		titleID, title := strings.CutPrefix(id, app.TitleDaysPrefix)
		if need.lastBorrowed && last != nil && title {
			d.last = app.Date(last)
		}
		if facetsKey != "" && (d.cur > 0 || d.prev > 0) {
			var each func(string)
			if need.authors {
				each = func(a string) { d.authors = append(d.authors, a) }
			}
			clc, dewey, _ := app.TitleFacets(titleID, facetsKey, each)
			d.clc, d.dewey = CLCClass(clc), DeweyHundreds(dewey)
		}
		return d, errors.Wrapf(err, "reading %s", id)
	}
	apply := func(id string, d days) {
		titleID, title := strings.CutPrefix(id, app.TitleDaysPrefix)
		switch {
		case !title:
			s.ActiveReaders.Cur += btoi(d.cur > 0)
			s.ActiveReaders.Prev += btoi(d.prev > 0)
			return
		case d.last != "":
			s.LastBorrowed[titleID] = d.last
		}
		if d.cur == 0 && d.prev == 0 {
			return
		}
		n := &Pair{Cur: d.cur, Prev: d.prev}
		if need.titleCounts {
			s.ByTitle[titleID] = n
		}
		if need.facets {
			addPair(s.ByCLC, d.clc, n)
			addPair(s.ByDewey, d.dewey, n)
			for _, a := range d.authors {
				addPair(s.ByAuthor, a, n)
			}
		}
	}
	return errors.Wrap(walk(tx, app.CollDaily, pick, parse, apply), "reading the loans per title and reader")
}

// facetCursor reads the titles' facets index (app.IdxTitleFacets) in step
// with a walk over titles in ID order.
type facetCursor struct {
	next    func() (key, id string, ok bool)
	stop    func()
	key, id string // the entry read last
	ok      bool   // whether there is one
	err     error
}

func newFacetCursor(tx app.Tx) *facetCursor {
	c := &facetCursor{}
	c.next, c.stop = iter.Pull2(func(yield func(key, id string) bool) {
		c.err = tx.Scan(app.IdxTitleFacets, "", "", func(key, id string) error {
			if !yield(key, id) {
				return app.ErrStop
			}
			return nil
		})
	})
	c.key, c.id, c.ok = c.next()
	return c
}

// of returns the facets key of title id, "" if it has none. Successive
// calls must ask for IDs in increasing order.
func (c *facetCursor) of(id string) (string, error) {
	for c.ok && c.id < id {
		c.key, c.id, c.ok = c.next()
	}
	if !c.ok {
		return "", errors.Wrap(c.err, "reading the titles' classes and authors")
	}
	if c.id != id {
		return "", nil
	}
	return c.key, nil
}

func (c *facetCursor) close() { c.stop() }

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

// holdWaits counts the holds whose copy reached the hold shelf in either
// period and their average wait from placing.
func holdWaits(tx app.Tx, loc *time.Location, s *Stats) error {
	var hs holdStat
	var wait [2]float64
	err := tx.ForEach(app.CollHolds, func(id string, raw []byte) error {
		hs = holdStat{}
		if err := json.Unmarshal(raw, &hs); err != nil {
			return errors.Wrapf(err, "decoding hold %s", id)
		}
		if hs.Deleted || hs.ReadySince == nil {
			return nil
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

// addPair adds n to m[k].
func addPair(m map[string]*Pair, k string, n *Pair) {
	if p := m[k]; p != nil {
		p.Cur += n.Cur
		p.Prev += n.Prev
		return
	}
	m[k] = &Pair{Cur: n.Cur, Prev: n.Prev}
}

// titleInfo reads title id into cache, once; a title gone reads as its ID
// alone.
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
