package reports

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

// The weeding lists (NeverBorrowed, NotBorrowed) name titles with copies
// that no loan touched, ever or since a day. A loan is in the per-title
// counts of the day it went out (app.Daily) for as long as it exists,
// anonymised or not, so the titles borrowed since a day are the keys of
// the per-title parts of that day and every day after it. Reading those
// parts costs what the library's loans per day cost, not what its loans
// cost: there is no index of loans by title, and decoding every loan of a
// large library takes many seconds.

// shelfTitle is a title with copies: how many, and the day a loan of it
// last went out ("" for never).
type shelfTitle struct {
	copies int
	last   app.Date
}

// shelf reads every title with copies and the day each was last borrowed,
// for both weeding lists at once.
func shelf(tx app.Tx) (map[string]*shelfTitle, error) {
	titles := map[string]*shelfTitle{}
	err := tx.Scan(app.IdxCopyTitle, "", "", func(key, _ string) error {
		if t := titles[key]; t != nil {
			t.copies++
		} else {
			titles[key] = &shelfTitle{copies: 1}
		}
		return nil
	})
	if err != nil {
		return nil, errors.Wrap(err, "counting copies")
	}
	var day app.Date
	borrowed := func(key string, _ int) {
		if t := titles[key]; t != nil {
			t.last = day
		}
	}
	err = tx.ForEach(app.CollDaily, func(id string, raw []byte) error {
		// IDs are "2026-01-05" for a day and "2026-01-05/titles/07" for a
		// part of its per-title counts, so parts come in day order.
		if !strings.Contains(id, "/titles/") {
			return nil
		}
		day = app.Date(id[:strings.IndexByte(id, '/')])
		n, err := countsOf(raw)
		if err != nil {
			return errors.Wrapf(err, "decoding %s", id)
		}
		return errors.Wrapf(app.EachCount(n, borrowed), "reading %s", id)
	})
	return titles, errors.Wrap(err, "reading the loans per title")
}

// weedingList lists the titles of shelf that no loan touched since day
// since ("": ever), oldest first.
func weedingList(tx app.Tx, shelf map[string]*shelfTitle, since app.Date, cat *i18n.Catalogue) (*Table, error) {
	ids := make([]string, 0, len(shelf))
	for id, t := range shelf {
		if t.last == "" || since != "" && t.last.Before(since) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	list := make([]*TitleInfo, 0, len(ids))
	for _, id := range ids {
		ti := &TitleInfo{}
		if found, err := tx.Get(app.CollTitles, id, ti); err != nil {
			return nil, errors.Wrapf(err, "reading title %s", id)
		} else if !found || ti.Deleted {
			continue
		}
		ti.ID = id
		list = append(list, ti)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Year != list[j].Year {
			return list[i].Year < list[j].Year
		}
		return list[i].CallNumber < list[j].CallNumber
	})
	t := &Table{Columns: []Column{
		{Label: cat.T("reports.col.title")},
		{Label: cat.T("reports.col.authors")},
		{Label: cat.T("reports.col.call_number")},
		{Label: cat.T("reports.col.year")},
		{Label: cat.T("reports.col.copies"), Numeric: true},
	}}
	if since != "" {
		t.Title = cat.T("reports.name.not_borrowed_since", "date", string(since))
		t.Columns = append(t.Columns, Column{Label: cat.T("reports.col.last_borrowed")})
	}
	t.Note = cat.T("reports.note.weeding", "count", len(list))
	for i, ti := range list {
		if i == MaxNotBorrowed {
			t.Note = cat.T("reports.note.truncated", "shown", MaxNotBorrowed, "total", len(list))
			break
		}
		row := []any{ti.Title, strings.Join(ti.Authors, "; "), ti.CallNumber, ti.Year, shelf[ti.ID].copies}
		if since != "" {
			last := string(shelf[ti.ID].last)
			if last == "" {
				last = cat.T("reports.never")
			}
			row = append(row, last)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// countsOf returns the encoded counts (the "n" member) of an app.DayCounts
// record. encoding/json writes those as {"id":"…","n":"…"}, and cutting
// the counts out of that shape is several times faster than decoding it,
// which is most of the cost of a weeding list; any other shape is decoded.
func countsOf(raw []byte) ([]byte, error) {
	if rest, ok := bytes.CutPrefix(raw, []byte(`{"id":"`)); ok {
		if i := bytes.IndexByte(rest, '"'); i >= 0 && bytes.IndexByte(rest[:i], '\\') < 0 {
			v, ok := bytes.CutPrefix(rest[i+1:], []byte(`,"n":"`))
			if n := len(v); ok && n >= 2 && v[n-2] == '"' && v[n-1] == '}' &&
				bytes.IndexByte(v[:n-2], '"') < 0 && bytes.IndexByte(v[:n-2], '\\') < 0 {
				return rest[i+1+len(`,"n":`) : len(rest)-1], nil
			}
		}
	}
	var part struct {
		N json.RawMessage `json:"n"`
	}
	err := json.Unmarshal(raw, &part)
	return part.N, err
}
