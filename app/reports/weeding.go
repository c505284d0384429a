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
// that no loan touched, ever or since a day. A loan is in its title's loan
// days (app.LoanDays) for as long as it exists, anonymised or not, and the
// last of those days is the day the title was last borrowed: one small
// record per title borrowed, not one per loan.

// shelfTitle is a title with copies: how many, and the day a loan of it
// last went out ("" for never).
type shelfTitle struct {
	copies int
	last   app.Date
}

// shelf returns the titles with copies that were last borrowed (last, from
// Stats.LastBorrowed) before the day before, or never: what both weeding
// lists choose from. Only those titles' copies are counted; in a library in
// use they are few, and counting every title's copies would read the whole
// index of a million copies.
func shelf(tx app.Tx, last map[string]app.Date, before app.Date) (map[string]*shelfTitle, error) {
	var idle []string
	err := tx.ForEach(app.CollTitles, func(id string, _ []byte) error {
		if l, ok := last[id]; !ok || l.Before(before) {
			idle = append(idle, id)
		}
		return nil
	})
	if err != nil {
		return nil, errors.Wrap(err, "listing titles")
	}
	titles := map[string]*shelfTitle{}
	for _, id := range idle {
		copies, err := tx.Lookup(app.IdxCopyTitle, id)
		if err != nil {
			return nil, errors.Wrapf(err, "counting the copies of %s", id)
		}
		if len(copies) > 0 {
			titles[id] = &shelfTitle{copies: len(copies), last: last[id]}
		}
	}
	return titles, nil
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

// countsOf returns the encoded counts (the "n" member) of an app.LoanDays
// record. encoding/json writes those as {"id":"…","n":"…"}, and cutting
// the counts out of that shape is several times faster than decoding it,
// which is most of the cost of reading them; any other shape is decoded.
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
