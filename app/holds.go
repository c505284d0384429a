package app

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/cockroachdb/errors"
)

// HoldPlacedPayload is the payload of EvHoldPlaced.
type HoldPlacedPayload struct {
	Hold Hold `json:"hold"`
}

// HoldClosedPayload is the payload of EvHoldCancelled and EvHoldExpired.
// When the hold's copy was on the hold shelf, it goes to NextHold (with a
// new pickup deadline) or back to the shelf.
type HoldClosedPayload struct {
	HoldID   string    `json:"hold"`
	At       time.Time `json:"at"`
	NextHold string    `json:"next,omitempty"`
	PickupBy Date      `json:"pickup_by,omitempty"`
}

// PlaceHold puts a reader in the queue for a title.
func (l *Library) PlaceHold(actor Actor, readerID, titleID string) (*Hold, error) {
	if err := require(actor, PermSelfService); err != nil {
		return nil, err
	}
	var hold *Hold
	err := l.update(func(tx Tx) error {
		reader, err := getRecord[Reader](tx, CollReaders, readerID, ReasonUnknownReader)
		if err != nil {
			return err
		}
		title, err := getRecord[Title](tx, CollTitles, titleID, ReasonUnknownTitle)
		if err != nil {
			return err
		}
		today := l.Today()
		if err := l.readerMayBorrow(tx, reader, today); err != nil {
			return err
		}
		rule, err := ResolveRule(tx, reader.CardType, "")
		if err != nil {
			return err
		}
		mine, err := tx.Lookup(IdxHoldReader, reader.ID)
		if err != nil {
			return err
		}
		active := 0
		for _, id := range mine {
			h, err := getRecord[Hold](tx, CollHolds, id, ReasonUnknownHold)
			if err != nil {
				return err
			}
			if !h.Active() {
				continue
			}
			active++
			if h.TitleID == title.ID {
				return Refuse(ReasonAlreadyHeld, "title", title.Title)
			}
		}
		if rule.MaxHolds > 0 && active >= rule.MaxHolds {
			return Refuse(ReasonHoldLimit, "max", strconv.Itoa(rule.MaxHolds))
		}
		open, err := tx.Lookup(IdxLoanOpenReader, reader.ID)
		if err != nil {
			return err
		}
		for _, id := range open {
			loan, err := getRecord[Loan](tx, CollLoans, id, ReasonUnknownLoan)
			if err == nil && loan.TitleID == title.ID {
				return Refuse(ReasonAlreadyHasCopy, "title", title.Title)
			}
		}
		h := Hold{Meta: Meta{ID: l.NewID()}, TitleID: title.ID, ReaderID: reader.ID,
			Placed: l.clock.Now().UTC(), Status: HoldWaiting}
		if _, err := l.commit(tx, actor, EvHoldPlaced, HoldPlacedPayload{Hold: h}); err != nil {
			return err
		}
		hold, err = getRecord[Hold](tx, CollHolds, h.ID, ReasonUnknownHold)
		return err
	})
	return hold, err
}

func applyHoldPlaced(l *Library, tx Tx, ev *Event) error {
	var p HoldPlacedPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return errors.Wrap(err, "decoding hold.placed")
	}
	if found, err := tx.Get(CollHolds, p.Hold.ID, new(json.RawMessage)); err != nil || found {
		return err
	}
	h := p.Hold
	h.Ver = ev.Version()
	return tx.Put(&h)
}

// firstWaitingHold returns the earliest waiting hold on a title, or nil.
func firstWaitingHold(tx Tx, titleID string) (*Hold, error) {
	var first *Hold
	err := tx.Scan(IdxHoldQueue, titleID+"|", titleID+"|\xff", func(key, id string) error {
		h, err := getRecord[Hold](tx, CollHolds, id, ReasonUnknownHold)
		if err != nil {
			return err
		}
		if h.Status == HoldWaiting {
			first = h
			return ErrStop
		}
		return nil
	})
	return first, err
}

// CancelHold ends a hold at the reader's or staff's wish. A copy waiting for
// it on the hold shelf goes to the next reader in the queue, or back.
func (l *Library) CancelHold(actor Actor, holdID string) error {
	if err := require(actor, PermSelfService); err != nil {
		return err
	}
	return l.update(func(tx Tx) error {
		return l.closeHoldTx(tx, actor, holdID, EvHoldCancelled)
	})
}

func (l *Library) closeHoldTx(tx Tx, actor Actor, holdID string, kind EventKind) error {
	h, err := getRecord[Hold](tx, CollHolds, holdID, ReasonUnknownHold)
	if err != nil {
		return err
	}
	if !h.Active() {
		return Refuse(ReasonHoldNotActive)
	}
	p := HoldClosedPayload{HoldID: h.ID, At: l.clock.Now().UTC()}
	if h.Status == HoldReady && h.CopyID != "" {
		next, err := nextWaitingHoldExcept(tx, h.TitleID, h.ID)
		if err != nil {
			return err
		}
		if next != nil {
			reader, err := getRecord[Reader](tx, CollReaders, next.ReaderID, ReasonUnknownReader)
			if err != nil {
				return err
			}
			rule, err := ResolveRule(tx, reader.CardType, "")
			if err != nil {
				return err
			}
			days := rule.PickupDays
			if days <= 0 {
				days = 7
			}
			if p.PickupBy, err = nextOpenDay(tx, l.Today().AddDays(days)); err != nil {
				return err
			}
			p.NextHold = next.ID
		}
	}
	_, err = l.commit(tx, actor, kind, p)
	return err
}

func nextWaitingHoldExcept(tx Tx, titleID, except string) (*Hold, error) {
	var first *Hold
	err := tx.Scan(IdxHoldQueue, titleID+"|", titleID+"|\xff", func(key, id string) error {
		if id == except {
			return nil
		}
		h, err := getRecord[Hold](tx, CollHolds, id, ReasonUnknownHold)
		if err != nil {
			return err
		}
		if h.Status == HoldWaiting {
			first = h
			return ErrStop
		}
		return nil
	})
	return first, err
}

func applyHoldClosed(status HoldStatus) func(*Library, Tx, *Event) error {
	return func(l *Library, tx Tx, ev *Event) error {
		var p HoldClosedPayload
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			return errors.Wrapf(err, "decoding %s", ev.Kind)
		}
		h, err := getRecord[Hold](tx, CollHolds, p.HoldID, ReasonUnknownHold)
		if err != nil {
			return err
		}
		if !h.Active() {
			return nil
		}
		copyID := ""
		if h.Status == HoldReady {
			copyID = h.CopyID
		}
		at := p.At
		h.Status, h.Closed, h.ClosedBy = status, &at, ev.Staff
		if err := tx.Put(h); err != nil {
			return err
		}
		if copyID == "" {
			return nil
		}
		cp, err := getRecord[Copy](tx, CollCopies, copyID, ReasonUnknownCopy)
		if err != nil {
			return err
		}
		if cp.Status != CopyOnHoldShelf || cp.HoldID != h.ID {
			return nil
		}
		upd := *cp
		upd.Status, upd.HoldID = CopyAvailable, ""
		if p.NextHold != "" {
			next, err := getRecord[Hold](tx, CollHolds, p.NextHold, ReasonUnknownHold)
			if err != nil {
				return err
			}
			if next.Status == HoldWaiting {
				next.Status, next.CopyID, next.ReadySince, next.PickupBy = HoldReady, cp.ID, &at, p.PickupBy
				if err := tx.Put(next); err != nil {
					return err
				}
				upd.Status, upd.HoldID = CopyOnHoldShelf, next.ID
			}
		}
		return putCirculationState(tx, ev, cp, &upd)
	}
}

// HoldView is a hold with what a screen shows beside it.
type HoldView struct {
	Hold     *Hold
	Title    *Title
	Reader   *Reader
	Copy     *Copy
	Position int // 1 = next in the queue (waiting holds only)
}

// HoldsOf returns a reader's active holds.
func (l *Library) HoldsOf(readerID string) ([]HoldView, error) {
	var out []HoldView
	err := l.view(func(tx Tx) error {
		ids, err := tx.Lookup(IdxHoldReader, readerID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			h, err := getRecord[Hold](tx, CollHolds, id, ReasonUnknownHold)
			if err != nil {
				return err
			}
			if !h.Active() {
				continue
			}
			v, err := holdView(tx, h)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

func holdView(tx Tx, h *Hold) (HoldView, error) {
	v := HoldView{Hold: h}
	v.Title, _ = getRecord[Title](tx, CollTitles, h.TitleID, ReasonUnknownTitle)
	v.Reader, _ = getRecord[Reader](tx, CollReaders, h.ReaderID, ReasonUnknownReader)
	if h.CopyID != "" {
		v.Copy, _ = getRecord[Copy](tx, CollCopies, h.CopyID, ReasonUnknownCopy)
	}
	if h.Status == HoldWaiting {
		pos := 0
		err := tx.Scan(IdxHoldQueue, h.TitleID+"|", h.TitleID+"|\xff", func(key, id string) error {
			o, err := getRecord[Hold](tx, CollHolds, id, ReasonUnknownHold)
			if err != nil {
				return err
			}
			if o.Status == HoldWaiting {
				pos++
			}
			if id == h.ID {
				return ErrStop
			}
			return nil
		})
		if err != nil {
			return v, err
		}
		v.Position = pos
	}
	return v, nil
}

// HoldsByStatus returns active holds with a status (waiting or ready).
func (l *Library) HoldsByStatus(status HoldStatus) ([]HoldView, error) {
	var out []HoldView
	err := l.view(func(tx Tx) error {
		ids, err := tx.Lookup(IdxHoldStatus, string(status))
		if err != nil {
			return err
		}
		for _, id := range ids {
			h, err := getRecord[Hold](tx, CollHolds, id, ReasonUnknownHold)
			if err != nil {
				return err
			}
			v, err := holdView(tx, h)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// HoldsToFill returns waiting holds that an available copy on the shelf can
// fill now, first placed first; Copy names that copy.
func (l *Library) HoldsToFill() ([]HoldView, error) {
	waiting, err := l.HoldsByStatus(HoldWaiting)
	if err != nil {
		return nil, err
	}
	var out []HoldView
	claimed := map[string]bool{}
	err = l.view(func(tx Tx) error {
		for _, v := range waiting {
			ids, err := tx.Lookup(IdxCopyTitle, v.Hold.TitleID)
			if err != nil {
				return err
			}
			for _, id := range ids {
				c, err := getRecord[Copy](tx, CollCopies, id, ReasonUnknownCopy)
				if err != nil || c.Status != CopyAvailable || claimed[c.ID] {
					continue
				}
				claimed[c.ID] = true
				v.Copy = c
				out = append(out, v)
				break
			}
		}
		return nil
	})
	return out, err
}

// PickupShelf returns holds whose copy waits on the hold shelf.
func (l *Library) PickupShelf() ([]HoldView, error) { return l.HoldsByStatus(HoldReady) }

// ExpiredPickups returns ready holds whose pickup deadline has passed.
func (l *Library) ExpiredPickups() ([]HoldView, error) {
	ready, err := l.PickupShelf()
	if err != nil {
		return nil, err
	}
	today := l.Today()
	var out []HoldView
	for _, v := range ready {
		if v.Hold.PickupBy.Before(today) {
			out = append(out, v)
		}
	}
	return out, nil
}

// ExpirePickups closes every ready hold past its pickup deadline; each copy
// goes to the next reader waiting or back to the shelf. It returns how many
// holds it closed.
func (l *Library) ExpirePickups(actor Actor) (int, error) {
	if err := require(actor, PermCirculate); err != nil {
		return 0, err
	}
	expired, err := l.ExpiredPickups()
	if err != nil {
		return 0, err
	}
	n := 0
	err = l.update(func(tx Tx) error {
		for _, v := range expired {
			if err := l.closeHoldTx(tx, actor, v.Hold.ID, EvHoldExpired); err != nil {
				if ReasonOf(err) == ReasonHoldNotActive {
					continue
				}
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func init() {
	circulationAppliers[EvHoldPlaced] = applyHoldPlaced
	circulationAppliers[EvHoldCancelled] = applyHoldClosed(HoldCancelled)
	circulationAppliers[EvHoldExpired] = applyHoldClosed(HoldExpired)
}
