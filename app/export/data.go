package export

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

// Audit actions of the reader-data exports.
const (
	AuditExportReaders = "export.readers"
	AuditExportLoans   = "export.loans"
	AuditExportFines   = "export.fines"
)

// Titles writes every title to w in format f (CSV or XLSX), reading in the
// caller's transaction tx. It returns how many rows it wrote.
func Titles(tx app.Tx, w io.Writer, f Format) (int, error) {
	s, err := newSheet(w, f)
	if err != nil {
		return 0, err
	}
	cat := i18n.Current()
	if err := s.Sheet(cat.T("export.sheet.titles"), []string{
		"id", cat.T("export.col.title"), cat.T("export.col.subtitle"), cat.T("export.col.authors"),
		cat.T("export.col.publisher"), cat.T("export.col.place"), cat.T("export.col.year"), "ISBN",
		cat.T("export.col.clc"), "Dewey", cat.T("export.col.call_number"), cat.T("export.col.language"),
		cat.T("export.col.series"), cat.T("export.col.subjects"),
	}); err != nil {
		return 0, err
	}
	n := 0
	var t titleRow
	err = tx.ForEach(app.CollTitles, func(id string, raw []byte) error {
		t = titleRow{}
		if err := json.Unmarshal(raw, &t); err != nil || t.Deleted {
			return errors.Wrapf(err, "decoding title %s", id)
		}
		n++
		return s.Row([]any{id, t.Title, t.Subtitle, strings.Join(t.Authors, "; "), t.Publisher, t.Place, t.Year,
			strings.Join(t.ISBNs, "; "), t.CLC, t.Dewey, t.CallNumber, t.Language, t.Series, strings.Join(t.Subjects, "; ")})
	})
	if err != nil {
		return n, errors.Wrap(err, "exporting titles")
	}
	return n, s.Close()
}

// titleRow is a title without its source MARC, which exports do not need
// and which is most of a record's bytes.
type titleRow struct {
	ISBNs      []string `json:"isbns"`
	Title      string   `json:"title"`
	Subtitle   string   `json:"subtitle"`
	Authors    []string `json:"authors"`
	Publisher  string   `json:"publisher"`
	Place      string   `json:"place"`
	Year       string   `json:"year"`
	Language   string   `json:"language"`
	Subjects   []string `json:"subjects"`
	CLC        string   `json:"clc"`
	Dewey      string   `json:"dewey"`
	CallNumber string   `json:"call_number"`
	Series     string   `json:"series"`
	Deleted    bool     `json:"deleted"`
}

// titleBrief is what copy and loan rows show of their title.
type titleBrief struct {
	Title      string `json:"title"`
	CallNumber string `json:"call_number"`
}

// titleCache keeps what rows show of the titles. A library of up to
// titleCacheSize titles (a few tens of megabytes) is read whole, in one pass
// in key order, before the rows; a larger one keeps titleCacheSize of them,
// dropping an eighth at random when full, so memory stays bounded.
type titleCache struct {
	tx app.Tx
	m  map[string]*titleBrief
	// all is set when m holds every title.
	all bool
}

const titleCacheSize = 1 << 18

func newTitleCache(tx app.Tx) (*titleCache, error) {
	c := &titleCache{tx: tx, m: map[string]*titleBrief{}}
	n, err := tx.Count(app.CollTitles)
	if err != nil || n > titleCacheSize {
		return c, errors.Wrap(err, "counting titles")
	}
	err = tx.ForEach(app.CollTitles, func(id string, raw []byte) error {
		t := &titleBrief{}
		if err := decodeTitleBrief(raw, t); err != nil {
			return errors.Wrapf(err, "decoding title %s", id)
		}
		c.m[id] = t
		return nil
	})
	c.all = err == nil
	return c, err
}

func (c *titleCache) get(id string) (*titleBrief, error) {
	if t, ok := c.m[id]; ok {
		return t, nil
	}
	if c.all {
		return &titleBrief{}, nil
	}
	if len(c.m) >= titleCacheSize {
		drop := titleCacheSize / 8
		for k := range c.m {
			if drop--; drop < 0 {
				break
			}
			delete(c.m, k)
		}
	}
	t := &titleBrief{}
	if _, err := c.tx.Get(app.CollTitles, id, t); err != nil {
		return nil, errors.Wrapf(err, "reading title %s", id)
	}
	c.m[id] = t
	return t, nil
}

// Copies writes every copy with its title and call number to w.
func Copies(tx app.Tx, w io.Writer, f Format) (int, error) {
	s, err := newSheet(w, f)
	if err != nil {
		return 0, err
	}
	cat := i18n.Current()
	if err := s.Sheet(cat.T("export.sheet.copies"), []string{
		cat.T("export.col.barcode"), cat.T("export.col.title"), cat.T("export.col.call_number"),
		cat.T("export.col.item_type"), cat.T("export.col.location"), cat.T("export.col.status"),
		cat.T("export.col.price"), cat.T("export.col.note"), "id", "title_id",
	}); err != nil {
		return 0, err
	}
	titles, err := newTitleCache(tx)
	if err != nil {
		return 0, err
	}
	n := 0
	var c copyRow
	err = tx.ForEach(app.CollCopies, func(id string, raw []byte) error {
		if err := decodeCopyRow(raw, &c); err != nil || c.Deleted {
			return errors.Wrapf(err, "decoding copy %s", id)
		}
		t, err := titles.get(c.TitleID)
		if err != nil {
			return err
		}
		call := c.CallNumber
		if call == "" {
			call = t.CallNumber
		}
		n++
		return s.Row([]any{c.Barcode, t.Title, call, string(c.ItemType), c.Location, string(c.Status),
			money(c.Price), c.Note, id, c.TitleID})
	})
	if err != nil {
		return n, errors.Wrap(err, "exporting copies")
	}
	return n, s.Close()
}

// copyRow is the part of a copy an export shows: decoding only these
// fields (not the field versions) is most of what makes a million rows fast.
type copyRow struct {
	Barcode    string         `json:"barcode"`
	TitleID    string         `json:"title_id"`
	ItemType   app.ItemType   `json:"item_type"`
	Location   string         `json:"location"`
	CallNumber string         `json:"call_number"`
	Status     app.CopyStatus `json:"status"`
	Price      app.Money      `json:"price"`
	Note       string         `json:"note"`
	Deleted    bool           `json:"deleted"`
}

// money is an amount in yuan for a spreadsheet cell.
func money(m app.Money) float64 { return float64(m) / 100 }

// readerExport checks the permission, runs fn in a read transaction and
// records the export in the audit log.
func readerExport(lib *app.Library, actor app.Actor, action string, f Format, fn func(tx app.Tx) (int, error)) (int, error) {
	if !actor.Can(app.PermExportReaders) {
		return 0, app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermExportReaders), "role", string(actor.Role))
	}
	n := 0
	err := lib.View(func(tx app.Tx) error {
		var err error
		n, err = fn(tx)
		return err
	})
	if err != nil {
		return n, err
	}
	return n, lib.Audit(actor, action, map[string]string{"rows": strconv.Itoa(n), "format": string(f)})
}

// Readers writes every reader to w. The actor needs PermExportReaders; the
// export is recorded in the audit log. PIN hashes are never exported.
func Readers(lib *app.Library, actor app.Actor, w io.Writer, f Format) (int, error) {
	return readerExport(lib, actor, AuditExportReaders, f, func(tx app.Tx) (int, error) {
		s, err := newSheet(w, f)
		if err != nil {
			return 0, err
		}
		cat := i18n.Current()
		if err := s.Sheet(cat.T("export.sheet.readers"), []string{
			cat.T("export.col.card"), cat.T("export.col.name"), cat.T("export.col.class"), cat.T("export.col.grade"),
			cat.T("export.col.card_type"), cat.T("export.col.status"), cat.T("export.col.expiry"),
			cat.T("export.col.phone"), cat.T("export.col.email"), cat.T("export.col.guardian"),
			cat.T("export.col.registered"), cat.T("export.col.notes"), "id",
		}); err != nil {
			return 0, err
		}
		n := 0
		var r app.Reader
		err = tx.ForEach(app.CollReaders, func(id string, raw []byte) error {
			r = app.Reader{}
			if err := json.Unmarshal(raw, &r); err != nil || r.Deleted {
				return errors.Wrapf(err, "decoding reader %s", id)
			}
			n++
			return s.Row([]any{r.Card, r.Name, r.Class, r.Grade, r.CardType, string(r.Status), string(r.Expiry),
				r.Phone, r.Email, r.Guardian, string(r.Registered), r.Notes, id})
		})
		if err != nil {
			return n, errors.Wrap(err, "exporting readers")
		}
		return n, s.Close()
	})
}

// Loans writes every loan, oldest first, with the copy's barcode, the
// title and the reader's card (empty once anonymised). It needs
// PermExportReaders and is audited, as it links readers to what they read.
func Loans(lib *app.Library, actor app.Actor, w io.Writer, f Format) (int, error) {
	return readerExport(lib, actor, AuditExportLoans, f, func(tx app.Tx) (int, error) {
		s, err := newSheet(w, f)
		if err != nil {
			return 0, err
		}
		cat := i18n.Current()
		if err := s.Sheet(cat.T("export.sheet.loans"), []string{
			cat.T("export.col.out"), cat.T("export.col.due"), cat.T("export.col.returned"),
			cat.T("export.col.barcode"), cat.T("export.col.title"), cat.T("export.col.card"),
			cat.T("export.col.card_type"), cat.T("export.col.class"), cat.T("export.col.item_type"),
			cat.T("export.col.renewals"), cat.T("export.col.staff"), "id",
		}); err != nil {
			return 0, err
		}
		titles, err := newTitleCache(tx)
		if err != nil {
			return 0, err
		}
		cards := map[string]string{}
		n := 0
		var l app.Loan
		err = tx.Scan(app.IdxLoanOut, "", "", func(_, id string) error {
			l = app.Loan{}
			if _, err := tx.Get(app.CollLoans, id, &l); err != nil || l.Deleted {
				return err
			}
			t, err := titles.get(l.TitleID)
			if err != nil {
				return err
			}
			var c struct {
				Barcode string `json:"barcode"`
			}
			if _, err := tx.Get(app.CollCopies, l.CopyID, &c); err != nil {
				return err
			}
			card, err := readerCard(tx, cards, l.ReaderID)
			if err != nil {
				return err
			}
			var returned any
			if l.Returned != nil {
				returned = stamp(*l.Returned, lib.Location())
			}
			n++
			return s.Row([]any{stamp(l.Out, lib.Location()), string(l.Due), returned, c.Barcode, t.Title, card,
				l.CardType, l.Class, string(l.ItemType), l.Renewals, l.Staff, id})
		})
		if err != nil {
			return n, errors.Wrap(err, "exporting loans")
		}
		return n, s.Close()
	})
}

func readerCard(tx app.Tx, cache map[string]string, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	if c, ok := cache[id]; ok {
		return c, nil
	}
	if len(cache) >= titleCacheSize {
		clear(cache)
	}
	var r struct {
		Card string `json:"card"`
	}
	if _, err := tx.Get(app.CollReaders, id, &r); err != nil {
		return "", errors.Wrapf(err, "reading reader %s", id)
	}
	cache[id] = r.Card
	return r.Card, nil
}

// Fines writes every fine with what was paid and waived against it. It
// needs PermExportReaders and is audited.
func Fines(lib *app.Library, actor app.Actor, w io.Writer, f Format) (int, error) {
	return readerExport(lib, actor, AuditExportFines, f, func(tx app.Tx) (int, error) {
		s, err := newSheet(w, f)
		if err != nil {
			return 0, err
		}
		cat := i18n.Current()
		if err := s.Sheet(cat.T("export.sheet.fines"), []string{
			cat.T("export.col.created"), cat.T("export.col.card"), cat.T("export.col.kind"),
			cat.T("export.col.amount"), cat.T("export.col.paid"), cat.T("export.col.waived"),
			cat.T("export.col.outstanding"), "loan_id", "id",
		}); err != nil {
			return 0, err
		}
		cards := map[string]string{}
		n := 0
		var fn app.Fine
		err = tx.ForEach(app.CollFines, func(id string, raw []byte) error {
			fn = app.Fine{}
			if err := json.Unmarshal(raw, &fn); err != nil || fn.Deleted {
				return errors.Wrapf(err, "decoding fine %s", id)
			}
			var paid, waived app.Money
			for _, p := range fn.Payments {
				if p.Waived {
					waived += p.Amount
				} else {
					paid += p.Amount
				}
			}
			card, err := readerCard(tx, cards, fn.ReaderID)
			if err != nil {
				return err
			}
			n++
			return s.Row([]any{stamp(fn.Created, lib.Location()), card, string(fn.Kind), money(fn.Amount), money(paid),
				money(waived), money(fn.Outstanding()), fn.LoanID, id})
		})
		if err != nil {
			return n, errors.Wrap(err, "exporting fines")
		}
		return n, s.Close()
	})
}

// Data writes one of the data exports by name ("titles", "copies",
// "readers", "loans", "fines"): what `circa export NAME` does.
func Data(lib *app.Library, actor app.Actor, name string, w io.Writer, f Format) (int, error) {
	if f != CSV && f != XLSX {
		return 0, app.Refuse(app.ReasonInvalidInput, "field", "format", "value", string(f))
	}
	catalogue := func(fn func(app.Tx, io.Writer, Format) (int, error)) (int, error) {
		n := 0
		err := lib.View(func(tx app.Tx) error {
			var err error
			n, err = fn(tx, w, f)
			return err
		})
		return n, err
	}
	switch name {
	case "titles":
		return catalogue(Titles)
	case "copies":
		return catalogue(Copies)
	case "readers":
		return Readers(lib, actor, w, f)
	case "loans":
		return Loans(lib, actor, w, f)
	case "fines":
		return Fines(lib, actor, w, f)
	}
	return 0, app.Refuse(app.ReasonInvalidInput, "field", "export", "value", name)
}

// stamp formats an instant for a cell in the library's time zone.
func stamp(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02 15:04:05") }
