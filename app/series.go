package app

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/cockroachdb/errors"
)

// seriesTally is one LoanDays as a transaction changes it: the counts as
// stored and what the transaction adds to each day. A replayed or desk
// check-out adds a day at or after the last one the series holds, so the
// stored counts are kept as their encoded text and the new days appended to
// it at flush, without building the map and sorting it again; any other
// change decodes them.
type seriesTally struct {
	// plain is N as stored, "day=n,day=n" in day order, when it was stored
	// in that form or not at all; otherwise decoded holds it.
	plain   []byte
	decoded Counts
	delta   map[Date]int
}

// loanDaysText is a LoanDays with its counts left encoded.
type loanDaysText struct {
	N json.RawMessage `json:"n"`
}

// loadSeries reads LoanDays id in tx.
func loadSeries(tx Tx, id string) (*seriesTally, error) {
	var raw loanDaysText
	if _, err := tx.Get(CollDaily, id, &raw); err != nil {
		return nil, err
	}
	s := &seriesTally{delta: map[Date]int{}}
	if len(raw.N) == 0 {
		return s, nil
	}
	if plain, ok := plainCounts(raw.N); ok {
		s.plain = bytes.Clone(plain)
		return s, nil
	}
	if err := json.Unmarshal(raw.N, &s.decoded); err != nil {
		return nil, errors.Wrapf(err, "decoding the counts of %s", id)
	}
	return s, nil
}

// encode returns the LoanDays id with s's changes made: raw is its JSON,
// json.Marshal's bytes (nil when no day is left), and changed is false when
// the changes cancel out.
func (s *seriesTally) encode(id string) (raw []byte, changed bool, err error) {
	days := make([]Date, 0, len(s.delta))
	for d, n := range s.delta {
		if n != 0 {
			days = append(days, d)
		}
	}
	if len(days) == 0 {
		return nil, false, nil
	}
	slices.Sort(days)
	if s.decoded == nil {
		if plain, ok := s.appended(days); ok {
			return appendLoanDays(make([]byte, 0, len(plain)+len(id)+16), id, string(plain)), true, nil
		}
	}
	n, err := s.counts()
	if err != nil {
		return nil, false, errors.Wrapf(err, "decoding the counts of %s", id)
	}
	for _, d := range days {
		bump((*map[string]int)(&n), string(d), s.delta[d])
	}
	if len(n) == 0 {
		return nil, true, nil
	}
	raw, err = EncodeRecord(&LoanDays{ID: id, N: n})
	return raw, true, err
}

// appended returns s's plain counts with the changes on days (sorted, none
// zero) made, when each adds loans to the last day held or to a later one:
// the text as stored with its last count raised and new entries after it.
func (s *seriesTally) appended(days []Date) ([]byte, bool) {
	if !plainDay(days) {
		return nil, false
	}
	out := make([]byte, len(s.plain), len(s.plain)+16*len(days))
	copy(out, s.plain)
	var lastDay []byte
	lastN, eq := 0, -1
	if len(out) > 0 {
		start := bytes.LastIndexByte(out, ',') + 1
		eq = bytes.LastIndexByte(out, '=')
		if eq < start {
			return nil, false
		}
		n, err := atoi(out[eq+1:])
		if err != nil {
			return nil, false
		}
		lastDay, lastN = out[start:eq], n
	}
	for _, d := range days {
		n := s.delta[d]
		switch c := bytes.Compare([]byte(d), lastDay); {
		case n < 0 || c < 0:
			return nil, false
		case c == 0:
			out = strconv.AppendInt(out[:eq+1], int64(lastN+n), 10)
		default:
			if len(out) > 0 {
				out = append(out, ',')
			}
			out = append(out, d...)
			out = append(out, '=')
			out = strconv.AppendInt(out, int64(n), 10)
		}
	}
	return out, true
}

// plainDay reports whether every day is text that the plain form and a JSON
// string hold as it is: a date's digits and dashes.
func plainDay(days []Date) bool {
	for _, d := range days {
		if len(d) == 0 {
			return false
		}
		for i := 0; i < len(d); i++ {
			if c := d[i]; (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}

// counts returns s's stored counts as a map of their own.
func (s *seriesTally) counts() (Counts, error) {
	if s.decoded != nil {
		return s.decoded, nil
	}
	n := Counts{}
	err := eachEntry(s.plain, func(k []byte, v int) { n[string(k)] = v })
	return n, err
}
