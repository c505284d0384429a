package app

import (
	"strings"

	"github.com/cockroachdb/errors"
)

// OnDuplicate says what an import does with a title or reader it already has.
type OnDuplicate int

// Duplicate policies.
const (
	// DuplicateSkip leaves what the library has as it is.
	DuplicateSkip OnDuplicate = iota
	// DuplicateUpdate overwrites it with the imported fields.
	DuplicateUpdate
)

// ImportItem is one title and its copies to import.
type ImportItem struct {
	Title  TitleInput
	Copies []CopyInput
	// Source names the item for reports ("record 12", "line 40").
	Source string
}

// ImportOutcome says what happened to one ImportItem.
type ImportOutcome struct {
	Source string
	// TitleID is the title created or matched ("" when refused).
	TitleID string
	// Created is true for a new title, Matched for one found by ISBN.
	Created, Matched, Updated bool
	CopiesAdded               int
	CopiesSkipped             int
	// Err is the refusal of the whole item; CopyErrs those of single copies.
	Err      error
	CopyErrs []error
}

// ImportTitles adds titles and copies in one durable transaction. A title
// whose ISBN the library has is matched, not doubled: skipped or updated as
// dup says. A copy whose barcode exists is skipped when it belongs to the
// same title, refused when it belongs to another. Each item is whole or
// absent: an item refused leaves nothing behind.
func (l *Library) ImportTitles(actor Actor, items []ImportItem, dup OnDuplicate) ([]ImportOutcome, error) {
	if err := require(actor, PermImport); err != nil {
		return nil, err
	}
	return l.importTitles(actor, items, dup, false)
}

// importTitles runs the import of items in one transaction, rolled back
// when preview is set.
func (l *Library) importTitles(actor Actor, items []ImportItem, dup OnDuplicate, preview bool) ([]ImportOutcome, error) {
	out := make([]ImportOutcome, len(items))
	err := l.inTx(preview, func(tx Tx) error {
		for i, it := range items {
			out[i] = ImportOutcome{Source: it.Source}
			if err := l.importOne(tx, actor, it, dup, &out[i]); err != nil {
				if _, refused := RefusalOf(err); !refused {
					return err
				}
				out[i].Err = err
			}
		}
		return nil
	})
	return out, err
}

// errPreview rolls back a preview transaction.
var errPreview = errors.New("preview only")

// inTx runs fn in one durable transaction, or, for a preview, in one that
// is always rolled back so the same code tells what would happen.
func (l *Library) inTx(preview bool, fn func(Tx) error) error {
	if !preview {
		return l.update(fn)
	}
	err := l.update(func(tx Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errPreview
	})
	if errors.Is(err, errPreview) {
		return nil
	}
	return err
}

func (l *Library) importOne(tx Tx, actor Actor, it ImportItem, dup OnDuplicate, o *ImportOutcome) error {
	t, err := it.Title.check()
	if err != nil {
		return err
	}
	var copies []*Copy
	seen := map[string]bool{}
	for _, ci := range it.Copies {
		c, err := ci.check()
		if err != nil {
			o.CopyErrs = append(o.CopyErrs, err)
			continue
		}
		if seen[c.Barcode] {
			o.CopyErrs = append(o.CopyErrs, Refuse(ReasonDuplicateBarcode, "barcode", c.Barcode))
			continue
		}
		seen[c.Barcode] = true
		copies = append(copies, c)
	}
	var existing *Title
	for _, isbn := range t.ISBNs {
		id, err := lookupOne(tx, IdxTitleISBN, isbn)
		if err != nil {
			return err
		}
		if id != "" {
			if existing, err = getRecord[Title](tx, CollTitles, id, ReasonUnknownTitle); err != nil {
				return err
			}
			break
		}
	}
	if existing == nil && t.SourceID != "" {
		id, err := lookupOne(tx, IdxTitleSource, t.SourceID)
		if err != nil {
			return err
		}
		if id != "" {
			if existing, err = getRecord[Title](tx, CollTitles, id, ReasonUnknownTitle); err != nil {
				return err
			}
		}
	}
	// held[i] is the copy in the catalogue with copies[i]'s barcode, if any.
	held := make([]*Copy, len(copies))
	for i, c := range copies {
		if held[i], err = liveCopyByBarcode(tx, c.Barcode); err != nil {
			return err
		}
		if existing == nil && held[i] != nil {
			// A copy barcode already in the catalogue identifies the title too.
			if existing, err = getRecord[Title](tx, CollTitles, held[i].TitleID, ReasonUnknownTitle); err != nil {
				return err
			}
		}
	}
	switch {
	case existing == nil:
		t.ID = l.NewID()
		if err := l.createRecord(tx, actor, t); err != nil {
			return err
		}
		o.Created = true
	case dup == DuplicateUpdate:
		upd := *t
		upd.Meta = existing.Meta
		upd.ISBNs = mergeStrings(existing.ISBNs, t.ISBNs)
		if upd.SourceMARC == nil {
			upd.SourceMARC, upd.SourceFormat = existing.SourceMARC, existing.SourceFormat
		}
		if upd.SourceID == "" {
			upd.SourceID = existing.SourceID
		}
		if err := l.updateRecord(tx, actor, existing, &upd); err != nil {
			return err
		}
		t, o.Matched, o.Updated = &upd, true, true
	default:
		t, o.Matched = existing, true
	}
	o.TitleID = t.ID
	for i, c := range copies {
		if cp := held[i]; cp != nil {
			if cp.TitleID == t.ID {
				o.CopiesSkipped++
				continue
			}
			o.CopyErrs = append(o.CopyErrs, refuseTakenBarcode(tx, c.Barcode, ""))
			continue
		}
		c.ID, c.TitleID = l.NewID(), t.ID
		if c.CallNumber == "" {
			c.CallNumber = t.CallNumber
		}
		if err := l.createRecord(tx, actor, c); err != nil {
			return err
		}
		o.CopiesAdded++
	}
	return nil
}

// liveCopyByBarcode returns the copy holding barcode, or nil when none
// does. Most imported barcodes are new, and the refusal copyByBarcode
// builds for each of them cost more than the lookup.
func liveCopyByBarcode(tx Tx, barcode string) (*Copy, error) {
	id, err := lookupOne(tx, IdxCopyBarcode, NormalizeBarcode(barcode))
	if err != nil || id == "" {
		return nil, err
	}
	c, err := getRecord[Copy](tx, CollCopies, id, ReasonUnknownCopy)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return c, err
}

func mergeStrings(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		found := false
		for _, x := range out {
			if x == s {
				found = true
				break
			}
		}
		if !found {
			out = append(out, s)
		}
	}
	return out
}

// ReaderImportOutcome says what happened to one imported reader.
type ReaderImportOutcome struct {
	Source   string
	Card     string
	ReaderID string
	Created  bool
	Updated  bool
	// Unchanged is an existing reader the list had nothing new for.
	Unchanged bool
	Err       error
}

// ImportReaders upserts readers by card number in one durable transaction:
// a new school year's class list updates the pupils it knows and registers
// the new ones, never doubling anyone. Empty fields in the list leave what
// the library has. Each reader is whole or absent.
func (l *Library) ImportReaders(actor Actor, readers []ReaderInput, sources []string) ([]ReaderImportOutcome, error) {
	if err := require(actor, PermImport); err != nil {
		return nil, err
	}
	if err := require(actor, PermEditReaders); err != nil {
		return nil, err
	}
	return l.importReaders(actor, readers, sources, false)
}

func (l *Library) importReaders(actor Actor, readers []ReaderInput, sources []string, preview bool) ([]ReaderImportOutcome, error) {
	out := make([]ReaderImportOutcome, len(readers))
	today := l.Today()
	err := l.inTx(preview, func(tx Tx) error {
		for i, in := range readers {
			o := &out[i]
			if i < len(sources) {
				o.Source = sources[i]
			}
			o.Card = NormalizeBarcode(in.Card)
			if err := l.upsertReader(tx, actor, in, today, o); err != nil {
				if _, refused := RefusalOf(err); !refused {
					return err
				}
				o.Err = err
			}
		}
		return nil
	})
	return out, err
}

func (l *Library) upsertReader(tx Tx, actor Actor, in ReaderInput, today Date, o *ReaderImportOutcome) error {
	old, err := readerByCard(tx, in.Card)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if old == nil {
		r, err := in.check()
		if err != nil {
			return err
		}
		ct, err := cardTypeByCode(tx, r.CardType)
		if err != nil {
			return err
		}
		if r.Expiry == "" && ct.ValidDays > 0 {
			r.Expiry = today.AddDays(ct.ValidDays)
		}
		r.ID, r.Status, r.Registered = l.NewID(), ReaderActive, today
		if err := l.createRecord(tx, actor, r); err != nil {
			return err
		}
		o.ReaderID, o.Created = r.ID, true
		return nil
	}
	// Fill the blanks from the library, then check the whole reader.
	merged := in
	fill := func(dst *string, cur string) {
		if strings.TrimSpace(*dst) == "" {
			*dst = cur
		}
	}
	fill(&merged.Name, old.Name)
	fill(&merged.Phone, old.Phone)
	fill(&merged.Email, old.Email)
	fill(&merged.Class, old.Class)
	fill(&merged.Grade, old.Grade)
	fill(&merged.CardType, old.CardType)
	fill(&merged.Guardian, old.Guardian)
	fill(&merged.Notes, old.Notes)
	if merged.History == "" {
		merged.History = old.History
	}
	if merged.Expiry == "" {
		merged.Expiry = old.Expiry
	}
	r, err := merged.check()
	if err != nil {
		return err
	}
	if _, err := cardTypeByCode(tx, r.CardType); err != nil {
		return err
	}
	upd := *old
	upd.Name, upd.Phone, upd.Email, upd.Class, upd.Grade = r.Name, r.Phone, r.Email, r.Class, r.Grade
	upd.CardType, upd.Guardian, upd.Notes, upd.History, upd.Expiry = r.CardType, r.Guardian, r.Notes, r.History, r.Expiry
	if upd.Status == ReaderArchived {
		upd.Status = ReaderActive // back on this year's list
	}
	o.ReaderID = old.ID
	fields, err := changedFieldNames(old, &upd)
	if err != nil {
		return err
	}
	if len(fields) == 0 {
		o.Unchanged = true
		return nil
	}
	o.Updated = true
	return l.updateRecord(tx, actor, old, &upd)
}

// PreviewImportTitles works out what ImportTitles would do, writing
// nothing: it runs the same code in a transaction that is rolled back.
func (l *Library) PreviewImportTitles(items []ImportItem) ([]ImportOutcome, error) {
	return l.importTitles(System, items, DuplicateSkip, true)
}

// PreviewImportReaders works out what ImportReaders would do, writing
// nothing.
func (l *Library) PreviewImportReaders(readers []ReaderInput, sources []string) ([]ReaderImportOutcome, error) {
	return l.importReaders(System, readers, sources, true)
}
