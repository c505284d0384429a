package app

import (
	"github.com/cockroachdb/errors"
)

// ReaderInput is what a person fills in for a reader.
type ReaderInput struct {
	Card     string
	Name     string
	Phone    string
	Email    string
	Class    string
	Grade    string
	CardType string
	Expiry   Date
	Guardian string
	History  HistoryPolicy
	Notes    string
	// PIN, when set, becomes the self-service PIN (stored hashed).
	PIN string
}

func (in ReaderInput) check() (*Reader, error) {
	r := &Reader{Expiry: in.Expiry, History: in.History, CardType: in.CardType}
	var err error
	if r.Card, err = checkCode("card", in.Card); err != nil {
		return nil, err
	}
	if r.Name, err = checkText("name", in.Name, true, maxShortField); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		in   string
		out  *string
		max  int
	}{
		{"phone", in.Phone, &r.Phone, 50},
		{"email", in.Email, &r.Email, maxShortField},
		{"class", in.Class, &r.Class, 100},
		{"grade", in.Grade, &r.Grade, 50},
		{"guardian", in.Guardian, &r.Guardian, maxShortField},
		{"notes", in.Notes, &r.Notes, maxLongField},
	} {
		if *f.out, err = checkText(f.name, f.in, false, f.max); err != nil {
			return nil, err
		}
	}
	if r.CardType == "" {
		return nil, Refuse(ReasonFieldRequired, "field", "card_type")
	}
	if r.Expiry != "" {
		if _, err := ParseDate(string(r.Expiry)); err != nil {
			return nil, err
		}
	}
	switch r.History {
	case "":
		r.History = HistoryKeep
	case HistoryKeep, HistoryAnonymise:
	default:
		return nil, Refuse(ReasonInvalidInput, "field", "history")
	}
	return r, nil
}

// RegisterReader adds a reader. A card number already in use is refused,
// naming the reader who has it. With no expiry given, the card type's
// validity sets one.
func (l *Library) RegisterReader(actor Actor, in ReaderInput) (*Reader, error) {
	if err := require(actor, PermEditReaders); err != nil {
		return nil, err
	}
	r, err := in.check()
	if err != nil {
		return nil, err
	}
	if in.PIN != "" {
		if r.PINHash, err = HashSecret(in.PIN, l.rand); err != nil {
			return nil, err
		}
	}
	r.ID = l.NewID()
	r.Status = ReaderActive
	r.Registered = l.Today()
	err = l.update(func(tx Tx) error {
		ct, err := cardTypeByCode(tx, r.CardType)
		if err != nil {
			return err
		}
		if r.Expiry == "" && ct.ValidDays > 0 {
			r.Expiry = l.Today().AddDays(ct.ValidDays)
		}
		if err := refuseTakenCard(tx, r.Card, ""); err != nil {
			return err
		}
		return l.createRecord(tx, actor, r)
	})
	if err != nil {
		return nil, err
	}
	return l.Reader(r.ID)
}

func refuseTakenCard(tx Tx, card, self string) error {
	id, err := lookupOne(tx, IdxReaderCard, NormalizeBarcode(card))
	if err != nil || id == "" || id == self {
		return err
	}
	facts := []string{"card", card, "existing", id}
	if r, err := getRecord[Reader](tx, CollReaders, id, ReasonUnknownReader); err == nil {
		facts = append(facts, "name", r.Name)
	}
	return Refuse(ReasonDuplicateCard, facts...)
}

// Reader returns the reader with id.
func (l *Library) Reader(id string) (*Reader, error) {
	return viewRecord[Reader](l, CollReaders, id, ReasonUnknownReader)
}

// ReaderByCard returns the reader holding a card number.
func (l *Library) ReaderByCard(card string) (*Reader, error) {
	var r *Reader
	err := l.view(func(tx Tx) error {
		var err error
		r, err = readerByCard(tx, card)
		return err
	})
	return r, err
}

func readerByCard(tx Tx, card string) (*Reader, error) {
	return byUniqueKey[Reader](tx, CollReaders, IdxReaderCard, card, ReasonUnknownReader, "card")
}

// SearchReaders finds readers by name, card number, class or pinyin initials.
func (l *Library) SearchReaders(q string, limit int) ([]*Reader, error) {
	var out []*Reader
	err := l.view(func(tx Tx) error {
		seen := map[string]bool{}
		if r, err := readerByCard(tx, q); err == nil {
			out = append(out, r)
			seen[r.ID] = true
		}
		ids, err := searchIndex(tx, IdxReaderSearch, q, limit)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if seen[id] || (limit > 0 && len(out) >= limit) {
				continue
			}
			r, err := getRecord[Reader](tx, CollReaders, id, ReasonUnknownReader)
			if err != nil {
				if errors.Is(err, ErrNotFound) {
					continue
				}
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// ReadersInClass returns the readers of a class.
func (l *Library) ReadersInClass(class string) ([]*Reader, error) {
	return recordsUnder[Reader](l, CollReaders, IdxReaderClass, class, ReasonUnknownReader)
}

// UpdateReader changes a reader's details. Status, blocks and PIN change
// through their own commands.
func (l *Library) UpdateReader(actor Actor, id string, in ReaderInput) (*Reader, error) {
	if err := require(actor, PermEditReaders); err != nil {
		return nil, err
	}
	checked, err := in.check()
	if err != nil {
		return nil, err
	}
	return l.editReader(actor, PermEditReaders, id, func(tx Tx, upd *Reader) error {
		if _, err := cardTypeByCode(tx, checked.CardType); err != nil {
			return err
		}
		if err := refuseTakenCard(tx, checked.Card, id); err != nil {
			return err
		}
		upd.Card, upd.Name, upd.Phone, upd.Email = checked.Card, checked.Name, checked.Phone, checked.Email
		upd.Class, upd.Grade, upd.CardType = checked.Class, checked.Grade, checked.CardType
		upd.Guardian, upd.History, upd.Notes = checked.Guardian, checked.History, checked.Notes
		if checked.Expiry != "" {
			upd.Expiry = checked.Expiry
		}
		if in.PIN != "" {
			var err error
			if upd.PINHash, err = HashSecret(in.PIN, l.rand); err != nil {
				return err
			}
		}
		return nil
	})
}

// editReader loads a reader, lets change modify a copy and commits the
// difference.
func (l *Library) editReader(actor Actor, perm Permission, id string, change func(tx Tx, r *Reader) error) (*Reader, error) {
	return editRecord(l, actor, perm, CollReaders, id, ReasonUnknownReader, func(tx Tx, _, upd *Reader) error {
		return change(tx, upd)
	})
}

// BlockReader stops a reader borrowing, with the reason staff give.
func (l *Library) BlockReader(actor Actor, id, reason string) (*Reader, error) {
	reason, err := checkText("block_reason", reason, true, maxShortField)
	if err != nil {
		return nil, err
	}
	return l.editReader(actor, PermBlockReaders, id, func(_ Tx, r *Reader) error {
		r.Status, r.BlockReason = ReaderBlocked, reason
		return nil
	})
}

// UnblockReader lets a blocked reader borrow again.
func (l *Library) UnblockReader(actor Actor, id string) (*Reader, error) {
	return l.editReader(actor, PermBlockReaders, id, func(_ Tx, r *Reader) error {
		r.Status, r.BlockReason = ReaderActive, ""
		return nil
	})
}

// RenewCard extends a card by its card type's validity from today (or from
// its expiry, if that is later).
func (l *Library) RenewCard(actor Actor, id string) (*Reader, error) {
	return l.editReader(actor, PermEditReaders, id, func(tx Tx, r *Reader) error {
		ct, err := cardTypeByCode(tx, r.CardType)
		if err != nil {
			return err
		}
		days := ct.ValidDays
		if days <= 0 {
			days = 365
		}
		from := l.Today()
		if r.Expiry != "" && from.Before(r.Expiry) {
			from = r.Expiry
		}
		r.Expiry = from.AddDays(days)
		return nil
	})
}

// ExpireCard ends a card today (a pupil who left, a lost card).
func (l *Library) ExpireCard(actor Actor, id string) (*Reader, error) {
	return l.editReader(actor, PermEditReaders, id, func(_ Tx, r *Reader) error {
		r.Expiry = l.Today().AddDays(-1)
		return nil
	})
}

// SetPIN sets a reader's self-service PIN (stored hashed).
func (l *Library) SetPIN(actor Actor, id, pin string) (*Reader, error) {
	if len(pin) < 4 || len(pin) > 12 {
		return nil, Refuse(ReasonInvalidInput, "field", "pin")
	}
	hash, err := HashSecret(pin, l.rand)
	if err != nil {
		return nil, err
	}
	return l.editReader(actor, PermEditReaders, id, func(_ Tx, r *Reader) error {
		r.PINHash = hash
		return nil
	})
}

// CheckPIN verifies a reader's self-service PIN.
func (l *Library) CheckPIN(r *Reader, pin string) error {
	if r.PINHash == "" || !VerifySecret(r.PINHash, pin) {
		return Refuse(ReasonWrongPIN)
	}
	return nil
}
