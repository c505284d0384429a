package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/errors"
)

// CollDaily holds one Daily per day and one LoanDays per title and per
// reader borrowed: the running aggregates that statistics read instead of
// decoding every loan of a period.
const CollDaily Collection = "daily"

// Daily is what the loans of one day (in the library's time zone) add up to.
// Its ID is the day. Days are cut in the library's time zone
// (SettingTimeZone), the same on every station.
//
// A Daily is a pure function of the loans: the "out" figures sum the loans
// borrowed that day as they stand now, the "return" figures the loans
// returned that day. apply keeps it so by taking each changed loan's old
// contribution away and adding its new one (countLoan), in the same
// transaction as the loan; BackfillDaily computes it from the loans alone.
// So replay, backfill and a station that saw every event live all hold the
// same records, and the state hash covers them. Nothing here depends on the
// title a loan is of (its classification, its authors): a title can be
// edited after its loans, and reports join titles at report time.
//
// Which titles and which readers borrowed on a day is kept the other way
// round, per title and per reader, as LoanDays: a year's figures then read
// one record per title borrowed instead of one count per title per day.
type Daily struct {
	Day Date `json:"id"`

	// Loans borrowed this day.
	Loans int `json:"loans,omitempty"`
	// Renewals sums the renewals of those loans.
	Renewals int `json:"renewals,omitempty"`
	// Anonymised counts those loans no longer linked to a reader.
	Anonymised int `json:"anonymised,omitempty"`
	// Late counts those loans returned after their due day.
	Late int `json:"late,omitempty"`
	// OpenDue counts those loans still out, by due day, so that loans
	// overdue today can be counted without reading them.
	OpenDue   map[Date]int   `json:"open_due,omitempty"`
	LoanHours [24]int        `json:"loan_hours"`
	CardTypes map[string]int `json:"card_types,omitempty"`
	Classes   map[string]int `json:"classes,omitempty"`
	ItemTypes map[string]int `json:"item_types,omitempty"`

	// Returns counts loans returned (or closed as lost) this day, whenever
	// they were borrowed; ReturnHours spreads them over the hours.
	Returns     int     `json:"returns,omitempty"`
	ReturnHours [24]int `json:"return_hours"`
}

// Collection implements Record.
func (*Daily) Collection() Collection { return CollDaily }

// RecordID implements Record.
func (d *Daily) RecordID() string { return string(d.Day) }

// Indexes implements Record: days are found by ID, which sorts by date.
func (*Daily) Indexes() []IndexEntry { return nil }

// LoanDays counts, for one title or one reader, its loans by the day they
// went out: N maps a Date to a count, and encodes in date order, so the
// last entry is the day it was last borrowed. It lives in CollDaily beside
// the days, with ID TitleDaysID or ReaderDaysID, which sort after every
// day.
//
// The reader's record is keyed by ReaderHash and holds only the loans still
// linked to the reader: when a loan is anonymised its day is taken away like
// any other change to the loan, so an anonymised loan leaves nothing here
// that leads back to its reader, and distinct readers over a period are the
// reader records with a day in it. It is encoded by hand (recordjson.go),
// and a transaction's new days are appended to its text (series.go).
type LoanDays struct {
	ID string `json:"id"`
	N  Counts `json:"n,omitempty"`
}

// Collection implements Record.
func (*LoanDays) Collection() Collection { return CollDaily }

// RecordID implements Record.
func (c *LoanDays) RecordID() string { return c.ID }

// Indexes implements Record.
func (*LoanDays) Indexes() []IndexEntry { return nil }

// Prefixes of the LoanDays IDs. Both sort after the digits days start with.
const (
	ReaderDaysPrefix = "r/"
	TitleDaysPrefix  = "t/"
)

// TitleDaysID is the ID of the LoanDays of title id.
func TitleDaysID(titleID string) string { return TitleDaysPrefix + titleID }

// ReaderDaysID is the ID of the LoanDays of the reader with ReaderHash hash.
func ReaderDaysID(hash string) string { return ReaderDaysPrefix + hash }

// ReadDaily returns day d's aggregates in the caller's transaction tx;
// found is false when nothing counts on d.
func ReadDaily(tx Tx, d Date) (day *Daily, found bool, err error) {
	day = &Daily{}
	if found, err = tx.Get(CollDaily, string(d), day); err != nil || !found {
		return &Daily{Day: d}, false, errors.Wrapf(err, "reading the figures of %s", d)
	}
	day.Day = d
	return day, true, nil
}

// ReaderHash is the key of a reader in ReaderDaysID: the first 8 bytes of
// the SHA-256 of the reader ID, in hex. Collisions among a library's
// readers are negligible (about n²/2⁶⁵).
func ReaderHash(readerID string) string {
	sum := sha256.Sum256([]byte(readerID))
	return hex.EncodeToString(sum[:8])
}

// Counts are counts by key that encode compactly, because a busy day has
// thousands: a JSON string "key=n,key=n" in key order, which decodes several
// times faster than a JSON object. Counts whose keys hold ',' or '=' (no
// record ID or reader hash does) encode as an ordinary object.
type Counts map[string]int

// MarshalJSON implements json.Marshaler.
func (c Counts) MarshalJSON() ([]byte, error) {
	s, ok := c.plain()
	if !ok {
		return json.Marshal(map[string]int(c))
	}
	return json.Marshal(s)
}

// plain returns c as the string "key=n,key=n" in key order; ok is false
// when a key holds ',' or '='.
func (c Counts) plain() (s string, ok bool) {
	keys := make([]string, 0, len(c))
	size := 0
	for k := range c {
		if strings.ContainsAny(k, ",=") {
			return "", false
		}
		keys = append(keys, k)
		size += len(k) + 8
	}
	sort.Strings(keys)
	b := make([]byte, 0, size)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, k...)
		b = append(b, '=')
		b = strconv.AppendInt(b, int64(c[k]), 10)
	}
	return string(b), true
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *Counts) UnmarshalJSON(raw []byte) error {
	m := map[string]int{}
	err := EachCount(raw, func(k string, n int) { m[k] = n })
	*c = m
	return err
}

// EachCount calls fn for every entry of encoded Counts, without building
// the map: reports sum thousands a day.
func EachCount(raw []byte, fn func(key string, n int)) error {
	if len(raw) > 0 && raw[0] == '{' {
		var m map[string]int
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		for k, n := range m {
			fn(k, n)
		}
		return nil
	}
	var s string
	if plain, ok := plainCounts(raw); ok {
		s = string(plain)
	} else if err := json.Unmarshal(raw, &s); err != nil {
		return errors.Wrap(err, "decoding counts")
	}
	return eachEntry(s, fn)
}

// EachCountBytes is EachCount handing each key over as bytes of raw, so a
// reader of millions of counts (a year's loan days) makes no string of
// them; fn must not keep key. Counts in any encoding but the plain one go
// through EachCount.
func EachCountBytes(raw []byte, fn func(key []byte, n int)) error {
	plain, ok := plainCounts(raw)
	if !ok {
		return EachCount(raw, func(key string, n int) { fn([]byte(key), n) })
	}
	return eachEntry(plain, fn)
}

// plainCounts returns the inside of encoded Counts that are a JSON string
// with nothing to unquote, the form MarshalJSON writes for plain keys.
func plainCounts(raw []byte) ([]byte, bool) {
	n := len(raw)
	if n < 2 || raw[0] != '"' || raw[n-1] != '"' {
		return nil, false
	}
	in := raw[1 : n-1]
	// Nothing to unquote: the caller's decoder checked the rest.
	return in, bytes.IndexByte(in, '\\') < 0 && bytes.IndexByte(in, '"') < 0
}

// eachEntry calls fn for each "key=n" of s, entries separated by commas.
func eachEntry[S string | []byte](s S, fn func(key S, n int)) error {
	for len(s) > 0 {
		entry := s
		if i := indexByte(s, ','); i >= 0 {
			entry, s = s[:i], s[i+1:]
		} else {
			s = s[len(s):]
		}
		eq := len(entry) - 1
		for eq >= 0 && entry[eq] != '=' {
			eq--
		}
		if eq < 0 {
			return errors.Newf("malformed count %q", entry)
		}
		n, err := atoi(entry[eq+1:])
		if err != nil {
			return errors.Wrapf(err, "malformed count %q", entry)
		}
		fn(entry[:eq], n)
	}
	return nil
}

func indexByte[S string | []byte](s S, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// atoi is strconv.Atoi, without making a string of the few digits a count
// has.
func atoi[S string | []byte](s S) (int, error) {
	if len(s) == 0 || len(s) > 9 {
		return strconv.Atoi(string(s)) // its error, or a large number
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return strconv.Atoi(string(s)) // a sign, or its error
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

func (d *Daily) empty() bool {
	return d.Loans == 0 && d.Returns == 0 && d.Renewals == 0 && d.Anonymised == 0 && d.Late == 0 &&
		len(d.OpenDue) == 0 && len(d.CardTypes) == 0 && len(d.Classes) == 0 && len(d.ItemTypes) == 0 &&
		d.LoanHours == [24]int{} && d.ReturnHours == [24]int{}
}

func bump[K comparable](m *map[K]int, k K, n int) {
	if *m == nil {
		*m = map[K]int{}
	}
	if v := (*m)[k] + n; v != 0 {
		(*m)[k] = v
	} else {
		delete(*m, k)
	}
}

// dailyTally gathers the changes of one apply to the days' aggregates, so a
// batch of loans reads and writes each day and each LoanDays once.
type dailyTally struct {
	tx     Tx
	loc    *time.Location
	days   map[Date]*Daily
	series map[string]*seriesTally
	// fresh is set by a backfill, which starts from no aggregates and only
	// adds loans: series are then gathered in collected, as indexes into
	// dayNames (four bytes a loan), and written once at the end, instead of
	// being read and rewritten as batches pass.
	fresh     bool
	collected map[string][]uint32
	dayNames  []Date
	dayIndex  map[Date]uint32
}

func newDailyTally(tx Tx, loc *time.Location) *dailyTally {
	return &dailyTally{tx: tx, loc: loc, days: map[Date]*Daily{}, series: map[string]*seriesTally{}}
}

// day returns day d's counters.
func (t *dailyTally) day(d Date) (*Daily, error) {
	if r, ok := t.days[d]; ok {
		return r, nil
	}
	r := &Daily{}
	found, err := t.tx.Get(CollDaily, string(d), r)
	if err != nil {
		return nil, errors.Wrapf(err, "reading the figures of %s", d)
	}
	if !found {
		r = &Daily{}
	}
	r.Day = d
	t.days[d] = r
	return r, nil
}

// bumpDays adds n to day d of the LoanDays id.
func (t *dailyTally) bumpDays(id string, d Date, n int) error {
	if t.fresh {
		if n != 1 {
			return errors.Newf("a recount only adds loans, not %d", n)
		}
		i, ok := t.dayIndex[d]
		if !ok {
			i = uint32(len(t.dayNames))
			t.dayIndex[d] = i
			t.dayNames = append(t.dayNames, d)
		}
		t.collected[id] = append(t.collected[id], i)
		return nil
	}
	s, ok := t.series[id]
	if !ok {
		var err error
		if s, err = loadSeries(t.tx, id); err != nil {
			return errors.Wrapf(err, "reading %s", id)
		}
		t.series[id] = s
	}
	s.delta[d] += n
	return nil
}

// loan replaces old's contribution by upd's; old nil is a new loan.
func (t *dailyTally) loan(old, upd *Loan) error {
	// A check-in or a renewal leaves the loan where the title's and the
	// reader's loan days count it: those are neither read nor written.
	series := old == nil || upd == nil || !sameLoanDay(old, upd, t.loc)
	if old != nil {
		if err := t.add(old, -1, series); err != nil {
			return err
		}
	}
	if upd != nil {
		return t.add(upd, 1, series)
	}
	return nil
}

// sameLoanDay reports whether a and b count in the same title's and
// reader's loan days on the same day, or in none.
func sameLoanDay(a, b *Loan, loc *time.Location) bool {
	counted := func(l *Loan) bool { return !l.Deleted && !l.Out.IsZero() }
	if counted(a) != counted(b) {
		return false
	}
	if !counted(a) {
		return true
	}
	byReader := func(l *Loan) bool { return l.ReaderID != "" && !l.Anonymised }
	return a.TitleID == b.TitleID && byReader(a) == byReader(b) && (!byReader(a) || a.ReaderID == b.ReaderID) &&
		DateOf(a.Out, loc) == DateOf(b.Out, loc)
}

// add adds n times l's contribution to the days' figures and, with
// series, to its title's and reader's loan days. sameLoanDay compares the
// fields the series depend on: the two change together.
func (t *dailyTally) add(l *Loan, n int, series bool) error {
	if l.Deleted || l.Out.IsZero() {
		return nil
	}
	d, err := t.day(DateOf(l.Out, t.loc))
	if err != nil {
		return err
	}
	d.Loans += n
	d.Renewals += n * l.Renewals
	d.LoanHours[l.Out.In(t.loc).Hour()] += n
	bump(&d.CardTypes, l.CardType, n)
	bump(&d.Classes, l.Class, n)
	bump(&d.ItemTypes, string(l.ItemType), n)
	if series {
		if err := t.bumpDays(TitleDaysID(l.TitleID), d.Day, n); err != nil {
			return err
		}
	}
	if l.ReaderID == "" || l.Anonymised {
		d.Anonymised += n
	} else if series {
		if err := t.bumpDays(ReaderDaysID(ReaderHash(l.ReaderID)), d.Day, n); err != nil {
			return err
		}
	}
	if l.Returned == nil {
		bump(&d.OpenDue, l.Due, n)
		return nil
	}
	back := DateOf(*l.Returned, t.loc)
	if l.Due.Before(back) {
		d.Late += n
	}
	r, err := t.day(back)
	if err != nil {
		return err
	}
	r.Returns += n
	r.ReturnHours[l.Returned.In(t.loc).Hour()] += n
	return nil
}

// flush writes the days touched, dropping a day left with nothing.
func (t *dailyTally) flush() error {
	days := make([]Date, 0, len(t.days))
	for d := range t.days {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
	for _, d := range days {
		r := t.days[d]
		var err error
		if r.empty() {
			err = t.tx.Delete(CollDaily, string(d))
		} else {
			err = t.tx.Put(r)
		}
		if err != nil {
			return errors.Wrapf(err, "saving the figures of %s", d)
		}
	}
	ids := make([]string, 0, len(t.series))
	for id := range t.series {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		// A series that ends as it began (a loan's day taken away and given
		// back) is not rewritten.
		raw, changed, err := t.series[id].encode(id)
		switch {
		case err != nil:
		case !changed:
			continue
		case raw == nil:
			err = t.tx.Delete(CollDaily, id)
		default:
			err = t.tx.PutEncoded(&LoanDays{ID: id}, raw)
		}
		if err != nil {
			return errors.Wrapf(err, "saving %s", id)
		}
	}
	t.days, t.series = map[Date]*Daily{}, map[string]*seriesTally{}
	return nil
}

// flushCollected writes the series a backfill gathered, each once.
func (t *dailyTally) flushCollected() error {
	for _, id := range slices.Sorted(maps.Keys(t.collected)) {
		p := &LoanDays{ID: id, N: Counts{}}
		for _, i := range t.collected[id] {
			p.N[string(t.dayNames[i])]++
		}
		delete(t.collected, id)
		if err := t.tx.Put(p); err != nil {
			return errors.Wrapf(err, "saving %s", id)
		}
	}
	return nil
}

// countLoan moves the days' aggregates from loan old (nil: none) to loan
// upd, in the caller's transaction tx. Appliers call it after every write of
// a loan. Inside update the change goes to the transaction's tally, written
// once before commit, so a batch of events (a sync batch, a batch check-in,
// a rebuild) reads and writes each day once instead of once per loan.
func (l *Library) countLoan(tx Tx, old, upd *Loan) error {
	t, shared := l.tallyFor(tx)
	if err := t.loan(old, upd); err != nil {
		return err
	}
	return settle(t, shared)
}

// settle writes t out, unless it is shared (the update's tally, flushed
// before commit, or a backfill's) and still small.
func settle(t *dailyTally, shared bool) error {
	if shared && len(t.days)+len(t.series) < maxTallyParts {
		return nil
	}
	return t.flush()
}

// maxTallyParts bounds what a transaction's tally holds before it writes
// out early, so a rebuild of millions of loans stays within memory.
const maxTallyParts = 4096

// tallyFor returns the tally of the update running tx, or, outside one, a
// tally of its own that the caller flushes.
func (l *Library) tallyFor(tx Tx) (t *dailyTally, shared bool) {
	if l.tally != nil && l.tally.tx == tx {
		return l.tally, true
	}
	return newDailyTally(tx, l.Location()), false
}

// dropTally forgets what the update's tally holds, for a transaction that
// is about to clear the daily records and recount them (rebuild).
func (l *Library) dropTally(tx Tx) {
	if l.tally != nil && l.tally.tx == tx {
		l.tally.days, l.tally.series = map[Date]*Daily{}, map[string]*seriesTally{}
	}
}

// dailyFormat names how Daily records are laid out; BackfillDaily
// recomputes them all when a library holds another layout.
const dailyFormat = "4"

// MetaDailyFormat (station-local) is the dailyFormat of the stored
// aggregates. It can be local: the aggregates are a function of the loans,
// whichever station computes them.
const MetaDailyFormat = "local/daily/format"

// BackfillDaily computes the daily aggregates from the loans, for a library
// whose loans were written before the aggregates existed (or in an older
// layout, or cut in another time zone), or by a bulk writer that bypasses
// apply. It does nothing when
// the aggregates are there in the current layout or there are no loans.
// Open calls it.
func (l *Library) BackfillDaily() error {
	return l.update(func(tx Tx) error {
		format, err := tx.Meta(MetaDailyFormat)
		if err != nil {
			return err
		}
		days, err := tx.Count(CollDaily)
		if err != nil {
			return err
		}
		loans, err := tx.Count(CollLoans)
		if err != nil {
			return err
		}
		zone, err := tx.Meta(MetaDailyZone)
		if err != nil {
			return err
		}
		current := zoneFingerprint(l.Location())
		// A library from before the zone was recorded was cut in the zone
		// it is opened with: record that instead of recomputing.
		same := len(zone) == 0 || sameZone(string(zone), current)
		if string(format) == dailyFormat && same && (days > 0 || loans == 0) {
			if string(zone) != current {
				return tx.SetMeta(MetaDailyZone, []byte(current))
			}
			return nil
		}
		if days > 0 {
			var ids []string
			if err := tx.ForEach(CollDaily, func(id string, _ []byte) error {
				ids = append(ids, id)
				return nil
			}); err != nil {
				return err
			}
			for _, id := range ids {
				if err := tx.Delete(CollDaily, id); err != nil {
					return err
				}
			}
		}
		if loans > 0 {
			if err := backfillDailyTx(tx, l.Location()); err != nil {
				return err
			}
		}
		if err := tx.SetMeta(MetaDailyZone, []byte(current)); err != nil {
			return err
		}
		return tx.SetMeta(MetaDailyFormat, []byte(dailyFormat))
	})
}

// backfillDailyTx recomputes every day from the loans, in the caller's
// transaction tx; the daily collection must be empty.
func backfillDailyTx(tx Tx, loc *time.Location) error {
	t := newDailyTally(tx, loc)
	t.fresh, t.collected, t.dayIndex = true, map[string][]uint32{}, map[Date]uint32{}
	var loan Loan
	err := tx.ForEach(CollLoans, func(id string, raw []byte) error {
		loan = Loan{}
		if err := json.Unmarshal(raw, &loan); err != nil {
			return errors.Wrapf(err, "decoding loan %s", id)
		}
		if err := t.add(&loan, 1, true); err != nil {
			return err
		}
		return settle(t, true) // bounded memory over millions of loans
	})
	if err != nil {
		return err
	}
	if err := t.flush(); err != nil {
		return err
	}
	return t.flushCollected()
}
