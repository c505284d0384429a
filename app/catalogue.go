package app

import (
	"encoding/json"

	"github.com/cockroachdb/errors"
	"github.com/tidwall/gjson"
)

// TitleInput is what a person fills in for a title.
type TitleInput struct {
	ISBNs      []string
	Title      string
	Subtitle   string
	Authors    []string
	Publisher  string
	Place      string
	Year       string
	Language   string
	Subjects   []string
	CLC        string
	Dewey      string
	CallNumber string
	Series     string
	Summary    string
	// SourceMARC keeps the imported record for round trips.
	SourceMARC   []byte
	SourceFormat string
	// SourceID is the imported record's control number.
	SourceID string
}

func (in TitleInput) check() (*Title, error) {
	t := &Title{SourceMARC: in.SourceMARC, SourceFormat: in.SourceFormat}
	if sid, err := checkText("source_id", in.SourceID, false, 100); err != nil {
		return nil, err
	} else {
		t.SourceID = sid
	}
	var err error
	if t.Title, err = checkText("title", in.Title, true, maxShortField*2); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		in   string
		out  *string
		max  int
	}{
		{"subtitle", in.Subtitle, &t.Subtitle, maxShortField * 2},
		{"publisher", in.Publisher, &t.Publisher, maxShortField},
		{"place", in.Place, &t.Place, maxShortField},
		{"year", in.Year, &t.Year, 20},
		{"language", in.Language, &t.Language, 20},
		{"clc", in.CLC, &t.CLC, 50},
		{"dewey", in.Dewey, &t.Dewey, 50},
		{"call_number", in.CallNumber, &t.CallNumber, 100},
		{"series", in.Series, &t.Series, maxShortField},
		{"summary", in.Summary, &t.Summary, maxLongField},
	} {
		if *f.out, err = checkText(f.name, f.in, false, f.max); err != nil {
			return nil, err
		}
	}
	for _, a := range in.Authors {
		a, err := checkText("authors", a, false, maxShortField)
		if err != nil {
			return nil, err
		}
		if a != "" {
			t.Authors = append(t.Authors, a)
		}
	}
	for _, s := range in.Subjects {
		s, err := checkText("subjects", s, false, maxShortField)
		if err != nil {
			return nil, err
		}
		if s != "" {
			t.Subjects = append(t.Subjects, s)
		}
	}
	seen := map[string]bool{}
	for _, raw := range in.ISBNs {
		if raw == "" {
			continue
		}
		isbn, ok := NormalizeISBN(raw)
		if !ok {
			return nil, Refuse(ReasonInvalidISBN, "isbn", raw)
		}
		if !seen[isbn] {
			seen[isbn] = true
			t.ISBNs = append(t.ISBNs, isbn)
		}
	}
	return t, nil
}

// AddTitle creates a title.
func (l *Library) AddTitle(actor Actor, in TitleInput) (*Title, error) {
	if err := require(actor, PermEditCatalogue); err != nil {
		return nil, err
	}
	t, err := in.check()
	if err != nil {
		return nil, err
	}
	t.ID = l.NewID()
	err = l.update(func(tx Tx) error { return l.createRecord(tx, actor, t) })
	if err != nil {
		return nil, err
	}
	return l.Title(t.ID)
}

// createRecord commits a record.created event for r.
func (l *Library) createRecord(tx Tx, actor Actor, r Record) error {
	ev, err := l.stamp(tx, actor, EvRecordCreated)
	if err != nil {
		return err
	}
	// The record goes into the payload as it will be stored, version and
	// all, so that apply here and on every other station stores the
	// payload's bytes instead of encoding the record once more.
	m := metaOf(r)
	m.Ver, m.Fields = ev.Version(), nil
	raw, err := json.Marshal(r)
	if err != nil {
		return errors.Wrap(err, "encoding record")
	}
	p := RecordCreated{Collection: r.Collection(), Record: raw}
	if ev.Payload, err = appendRecordCreated(make([]byte, 0, len(raw)+32), p); err != nil {
		return err
	}
	// apply stores r itself rather than a copy decoded from raw.
	ev.parsed = &createParsed{p: p, rec: r}
	return l.record(tx, ev)
}

// updateRecord commits the fields that differ between old and updated as one
// record.updated event. Nothing is written when nothing changed.
func (l *Library) updateRecord(tx Tx, actor Actor, old, updated Record) error {
	fields, base, err := changedFields(old, updated)
	if err != nil || len(fields) == 0 {
		return err
	}
	_, err = l.commit(tx, actor, EvRecordUpdated, RecordUpdated{
		Collection: old.Collection(), ID: old.RecordID(), Fields: fields, Base: base,
	})
	return err
}

// changedFields returns the top-level JSON fields of updated whose encoding
// differs from old's (a field omitempty dropped reads as null), and the
// version each had in old: what an edit's event carries. Both records are
// encoded by json.Marshal, so the fields are read from the encodings as
// they lie, with gjson, instead of decoding each into a map. Code that needs
// only the names (circulation, an import asking whether anything changed)
// calls changedFieldNames, which encodes neither record.
func changedFields(old, updated Record) (map[string]json.RawMessage, map[string]Version, error) {
	ra, err := json.Marshal(old)
	if err != nil {
		return nil, nil, err
	}
	rb, err := json.Marshal(updated)
	if err != nil {
		return nil, nil, err
	}
	before := make(map[string]string, 24)
	gjson.ParseBytes(ra).ForEach(func(k, v gjson.Result) bool {
		before[k.Str] = v.Raw
		return true
	})
	m := metaOf(old)
	out := map[string]json.RawMessage{}
	base := map[string]Version{}
	gjson.ParseBytes(rb).ForEach(func(k, v gjson.Result) bool {
		key := k.Str
		was, had := before[key]
		delete(before, key)
		if key == "id" || key == "ver" || key == "fver" || had && was == v.Raw {
			return true
		}
		out[key] = json.RawMessage(v.Raw)
		base[key] = m.FieldVersion(key)
		return true
	})
	for key := range before {
		if key != "fver" {
			// omitempty dropped it: the field was cleared.
			out[key] = json.RawMessage("null")
			base[key] = m.FieldVersion(key)
		}
	}
	return out, base, nil
}

// Title returns the title with id.
func (l *Library) Title(id string) (*Title, error) {
	return viewRecord[Title](l, CollTitles, id, ReasonUnknownTitle)
}

// UpdateTitle changes a title's fields to in.
func (l *Library) UpdateTitle(actor Actor, id string, in TitleInput) (*Title, error) {
	if err := require(actor, PermEditCatalogue); err != nil {
		return nil, err
	}
	checked, err := in.check()
	if err != nil {
		return nil, err
	}
	return editRecord(l, actor, PermEditCatalogue, CollTitles, id, ReasonUnknownTitle, func(_ Tx, old, upd *Title) error {
		*upd = *checked
		upd.Meta = old.Meta
		if upd.SourceMARC == nil {
			upd.SourceMARC, upd.SourceFormat, upd.SourceID = old.SourceMARC, old.SourceFormat, old.SourceID
		}
		return nil
	})
}

// TitleByISBN returns the titles carrying an ISBN (any form).
func (l *Library) TitleByISBN(isbn string) ([]*Title, error) {
	n, ok := NormalizeISBN(isbn)
	if !ok {
		return nil, Refuse(ReasonInvalidISBN, "isbn", isbn)
	}
	return recordsUnder[Title](l, CollTitles, IdxTitleISBN, n, ReasonUnknownTitle)
}

// SearchTitles finds titles by words of their title, authors, series or
// publisher, Chinese characters, pinyin initials, ISBN or a copy barcode.
func (l *Library) SearchTitles(q string, limit int) ([]*Title, error) {
	var out []*Title
	err := l.view(func(tx Tx) error {
		seen := map[string]bool{}
		add := func(id string) error {
			if seen[id] {
				return nil
			}
			seen[id] = true
			t, err := getRecord[Title](tx, CollTitles, id, ReasonUnknownTitle)
			if err != nil {
				if errors.Is(err, ErrNotFound) {
					return nil
				}
				return err
			}
			out = append(out, t)
			return nil
		}
		if isbn, ok := NormalizeISBN(q); ok {
			ids, err := tx.Lookup(IdxTitleISBN, isbn)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if err := add(id); err != nil {
					return err
				}
			}
		}
		if code := NormalizeBarcode(q); code != "" {
			if cid, err := lookupOne(tx, IdxCopyBarcode, code); err != nil {
				return err
			} else if cid != "" {
				if c, err := getRecord[Copy](tx, CollCopies, cid, ReasonUnknownCopy); err == nil {
					if err := add(c.TitleID); err != nil {
						return err
					}
				}
			}
		}
		ids, err := searchIndex(tx, IdxTitleSearch, q, limit)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if limit > 0 && len(out) >= limit {
				break
			}
			if err := add(id); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// CopyInput is what a person fills in for a copy.
type CopyInput struct {
	Barcode    string
	ItemType   ItemType
	Location   string
	CallNumber string
	Price      Money
	Note       string
}

func (in CopyInput) check() (*Copy, error) {
	c := &Copy{ItemType: in.ItemType, Price: in.Price, Status: CopyAvailable}
	var err error
	if c.Barcode, err = checkCode("barcode", in.Barcode); err != nil {
		return nil, err
	}
	if c.ItemType == "" {
		c.ItemType = ItemBook
	}
	if _, err = checkText("item_type", string(c.ItemType), true, 50); err != nil {
		return nil, err
	}
	if c.Location, err = checkText("location", in.Location, false, maxShortField); err != nil {
		return nil, err
	}
	if c.CallNumber, err = checkText("call_number", in.CallNumber, false, 100); err != nil {
		return nil, err
	}
	if c.Note, err = checkText("note", in.Note, false, maxLongField); err != nil {
		return nil, err
	}
	if c.Price < 0 {
		return nil, Refuse(ReasonInvalidInput, "field", "price")
	}
	return c, nil
}

// AddCopy adds a copy of a title. A barcode already in use is refused, naming
// the copy that has it.
func (l *Library) AddCopy(actor Actor, titleID string, in CopyInput) (*Copy, error) {
	if err := require(actor, PermEditCatalogue); err != nil {
		return nil, err
	}
	c, err := in.check()
	if err != nil {
		return nil, err
	}
	c.ID = l.NewID()
	c.TitleID = titleID
	err = l.update(func(tx Tx) error {
		if _, err := getRecord[Title](tx, CollTitles, titleID, ReasonUnknownTitle); err != nil {
			return err
		}
		if err := refuseTakenBarcode(tx, c.Barcode, ""); err != nil {
			return err
		}
		return l.createRecord(tx, actor, c)
	})
	if err != nil {
		return nil, err
	}
	return l.Copy(c.ID)
}

// refuseTakenBarcode refuses a barcode used by a copy other than self,
// naming the title that copy belongs to.
func refuseTakenBarcode(tx Tx, barcode, self string) error {
	id, err := lookupOne(tx, IdxCopyBarcode, NormalizeBarcode(barcode))
	if err != nil || id == "" || id == self {
		return err
	}
	facts := []string{"barcode", barcode, "existing", id}
	if c, err := getRecord[Copy](tx, CollCopies, id, ReasonUnknownCopy); err == nil {
		if t, err := getRecord[Title](tx, CollTitles, c.TitleID, ReasonUnknownTitle); err == nil {
			facts = append(facts, "title", t.Title)
		}
	}
	return Refuse(ReasonDuplicateBarcode, facts...)
}

// Copy returns the copy with id.
func (l *Library) Copy(id string) (*Copy, error) {
	return viewRecord[Copy](l, CollCopies, id, ReasonUnknownCopy)
}

// CopyByBarcode returns the copy with a barcode.
func (l *Library) CopyByBarcode(barcode string) (*Copy, error) {
	var c *Copy
	err := l.view(func(tx Tx) error {
		var err error
		c, err = copyByBarcode(tx, barcode)
		return err
	})
	return c, err
}

func copyByBarcode(tx Tx, barcode string) (*Copy, error) {
	return byUniqueKey[Copy](tx, CollCopies, IdxCopyBarcode, barcode, ReasonUnknownCopy, "barcode")
}

// CopiesOf returns the copies of a title, withdrawn ones included.
func (l *Library) CopiesOf(titleID string) ([]*Copy, error) {
	return recordsUnder[Copy](l, CollCopies, IdxCopyTitle, titleID, ReasonUnknownCopy)
}

// UpdateCopy changes a copy's barcode, type, location, call number, price or
// note. Its circulation state changes only through circulation.
func (l *Library) UpdateCopy(actor Actor, id string, in CopyInput) (*Copy, error) {
	if err := require(actor, PermEditCatalogue); err != nil {
		return nil, err
	}
	checked, err := in.check()
	if err != nil {
		return nil, err
	}
	return editRecord(l, actor, PermEditCatalogue, CollCopies, id, ReasonUnknownCopy, func(tx Tx, _, upd *Copy) error {
		if err := refuseTakenBarcode(tx, checked.Barcode, id); err != nil {
			return err
		}
		upd.Barcode, upd.ItemType, upd.Location = checked.Barcode, checked.ItemType, checked.Location
		upd.CallNumber, upd.Price, upd.Note = checked.CallNumber, checked.Price, checked.Note
		return nil
	})
}
