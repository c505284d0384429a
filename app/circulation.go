package app

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/cockroachdb/errors"
)

// CheckOutOptions adjust a check-out.
type CheckOutOptions struct {
	// Override goes ahead despite overridable refusals; the actor needs the
	// override permission, and the loan records what was overridden.
	Override bool
	// SelfService applies the self-service rules (kiosk, SIP2).
	SelfService bool
}

// CheckOutResult says what a check-out did.
type CheckOutResult struct {
	Loan   *Loan
	Copy   *Copy
	Title  *Title
	Reader *Reader
	// FilledHold is the hold this loan fulfilled, if any.
	FilledHold string
}

// CheckoutPayload is the payload of EvCheckout.
type CheckoutPayload struct {
	Loan       Loan   `json:"loan"`
	FilledHold string `json:"hold,omitempty"`
}

// CheckOut lends the copy with barcode to the reader with card.
func (l *Library) CheckOut(actor Actor, card, barcode string, opts CheckOutOptions) (*CheckOutResult, error) {
	perm := PermCirculate
	if opts.SelfService {
		perm = PermSelfService
	}
	if err := require(actor, perm); err != nil {
		return nil, err
	}
	if opts.Override {
		if err := require(actor, PermOverride); err != nil {
			return nil, err
		}
	}
	var res *CheckOutResult
	err := l.update(func(tx Tx) error {
		var err error
		res, err = l.checkOutTx(tx, actor, card, barcode, opts)
		return err
	})
	return res, err
}

// overrides collects refusals that an override lets through.
type overrides struct {
	allowed bool
	used    []Reason
}

// check returns err unless it is an overridable refusal and overriding is
// allowed, in which case it remembers the reason.
func (o *overrides) check(err error) error {
	if err == nil {
		return nil
	}
	r, ok := RefusalOf(err)
	if !ok || !r.Overridable || !o.allowed {
		return err
	}
	o.used = append(o.used, r.Reason)
	return nil
}

func (l *Library) checkOutTx(tx Tx, actor Actor, card, barcode string, opts CheckOutOptions) (*CheckOutResult, error) {
	reader, err := readerByCard(tx, card)
	if err != nil {
		return nil, err
	}
	cp, err := copyByBarcode(tx, barcode)
	if err != nil {
		return nil, err
	}
	title, err := getRecord[Title](tx, CollTitles, cp.TitleID, ReasonUnknownTitle)
	if err != nil {
		return nil, err
	}
	rule, err := ResolveRule(tx, reader.CardType, cp.ItemType)
	if err != nil {
		return nil, err
	}
	today := l.Today()
	ov := &overrides{allowed: opts.Override && !opts.SelfService}
	if opts.SelfService && !rule.SelfService {
		return nil, Refuse(ReasonSelfServiceDenied)
	}
	if err := ov.check(l.readerMayBorrow(tx, reader, today)); err != nil {
		return nil, err
	}
	filled := ""
	switch cp.Status {
	case CopyAvailable, CopyInTransit:
	case CopyOnLoan, CopyLost, CopyClaimedReturned:
		if cp.LoanID != "" {
			loan, err := getRecord[Loan](tx, CollLoans, cp.LoanID, ReasonUnknownLoan)
			if err == nil && loan.Open() {
				if loan.ReaderID == reader.ID && cp.Status == CopyOnLoan {
					return nil, Refuse(ReasonCopyOnLoan, "reader", reader.Name, "due", string(loan.Due), "same_reader", "true")
				}
				who := ""
				if other, err := getRecord[Reader](tx, CollReaders, loan.ReaderID, ReasonUnknownReader); err == nil {
					who = other.Name
				}
				if err := ov.check(RefuseOverridable(ReasonCopyOnLoan, "reader", who, "due", string(loan.Due))); err != nil {
					return nil, err
				}
				// The override returns the copy from the other reader first.
				if _, err := l.checkInTx(tx, actor, cp, true); err != nil {
					return nil, err
				}
				if cp, err = getRecord[Copy](tx, CollCopies, cp.ID, ReasonUnknownCopy); err != nil {
					return nil, err
				}
			}
		}
	case CopyOnHoldShelf:
		hold, err := getRecord[Hold](tx, CollHolds, cp.HoldID, ReasonUnknownHold)
		if err == nil && hold.Active() && hold.ReaderID != reader.ID {
			who := ""
			if other, err := getRecord[Reader](tx, CollReaders, hold.ReaderID, ReasonUnknownReader); err == nil {
				who = other.Name
			}
			if err := ov.check(RefuseOverridable(ReasonCopyOnHoldShelf, "reader", who)); err != nil {
				return nil, err
			}
		} else if err == nil && hold.Active() {
			filled = hold.ID
		}
	default:
		if err := ov.check(RefuseOverridable(ReasonCopyNotLoanable, "status", string(cp.Status))); err != nil {
			return nil, err
		}
	}
	if !rule.Loanable {
		if err := ov.check(RefuseOverridable(ReasonCopyNotLoanable, "item_type", string(cp.ItemType))); err != nil {
			return nil, err
		}
	}
	open, err := tx.Lookup(IdxLoanOpenReader, reader.ID)
	if err != nil {
		return nil, err
	}
	if rule.MaxLoans > 0 && len(open) >= rule.MaxLoans {
		if err := ov.check(RefuseOverridable(ReasonLoanLimit, "max", strconv.Itoa(rule.MaxLoans))); err != nil {
			return nil, err
		}
	}
	if filled == "" {
		// A waiting hold of this reader on this title is filled by any copy.
		holds, err := tx.Lookup(IdxHoldReader, reader.ID)
		if err != nil {
			return nil, err
		}
		for _, hid := range holds {
			h, err := getRecord[Hold](tx, CollHolds, hid, ReasonUnknownHold)
			if err == nil && h.TitleID == title.ID && h.Status == HoldWaiting {
				filled = h.ID
				break
			}
		}
	}
	loanDays := rule.LoanDays
	if loanDays <= 0 {
		loanDays = 14
	}
	due, err := nextOpenDay(tx, today.AddDays(loanDays))
	if err != nil {
		return nil, err
	}
	loan := Loan{
		Meta:      Meta{ID: l.NewID()},
		CopyID:    cp.ID,
		TitleID:   title.ID,
		ReaderID:  reader.ID,
		Out:       l.clock.Now().UTC(),
		Due:       due,
		CardType:  reader.CardType,
		Class:     reader.Class,
		ItemType:  cp.ItemType,
		Station:   l.station,
		Staff:     actor.Username,
		Overrides: ov.used,
	}
	if _, err := l.commit(tx, actor, EvCheckout, CheckoutPayload{Loan: loan, FilledHold: filled}); err != nil {
		return nil, err
	}
	res := &CheckOutResult{Title: title, Reader: reader, FilledHold: filled}
	if res.Loan, err = getRecord[Loan](tx, CollLoans, loan.ID, ReasonUnknownLoan); err != nil {
		return nil, err
	}
	if res.Copy, err = getRecord[Copy](tx, CollCopies, cp.ID, ReasonUnknownCopy); err != nil {
		return nil, err
	}
	return res, nil
}

// readerMayBorrow checks a reader's standing: archived, blocked, expired,
// suspended, owing too much.
func (l *Library) readerMayBorrow(tx Tx, r *Reader, today Date) error {
	if r.Status == ReaderArchived {
		return Refuse(ReasonReaderArchived, "reader", r.Name)
	}
	if r.Status == ReaderBlocked {
		return RefuseOverridable(ReasonReaderBlocked, "reader", r.Name, "reason", r.BlockReason)
	}
	if r.Expired(today) {
		return RefuseOverridable(ReasonCardExpired, "reader", r.Name, "expiry", string(r.Expiry))
	}
	if !r.SuspendedUntil.IsZero() && !r.SuspendedUntil.Before(today) {
		return RefuseOverridable(ReasonSuspended, "reader", r.Name, "until", string(r.SuspendedUntil))
	}
	owed, err := outstandingTx(tx, r.ID)
	if err != nil {
		return err
	}
	limit := Money(0)
	if ct, err := l.cardType(tx, r.CardType); err == nil {
		limit = ct.MaxFines
	}
	if limit == 0 {
		t, err := settingIntTx(tx, SettingBlockThreshold, 0)
		if err != nil {
			return err
		}
		limit = Money(t)
	}
	if limit > 0 && owed > limit {
		return RefuseOverridable(ReasonFinesOverLimit, "owed", strconv.FormatInt(int64(owed), 10),
			"limit", strconv.FormatInt(int64(limit), 10))
	}
	return nil
}

func applyCheckout(l *Library, tx Tx, ev *Event) error {
	p, err := payloadAs[CheckoutPayload](ev, true)
	if err != nil {
		return errors.Wrap(err, "decoding loan.checkout")
	}
	loan := p.Loan
	loan.Ver = ev.Version()
	if found, err := tx.Get(CollLoans, loan.ID, new(json.RawMessage)); err != nil || found {
		return err // a replayed event changes nothing
	}
	cp, err := getRecord[Copy](tx, CollCopies, loan.CopyID, ReasonUnknownCopy)
	if err != nil {
		return err
	}
	if cp.LoanID != "" && cp.LoanID != loan.ID {
		if other, err := getRecord[Loan](tx, CollLoans, cp.LoanID, ReasonUnknownLoan); err == nil && other.Open() {
			if err := l.raiseException(tx, ev, ReasonCopyLentTwice, "copy", cp.Barcode,
				"loan", loan.ID, "other_loan", other.ID); err != nil {
				return err
			}
		}
	}
	if err := tx.Put(&loan); err != nil {
		return err
	}
	if err := l.countLoan(tx, nil, &loan); err != nil {
		return err
	}
	updCp := *cp
	updCp.Status, updCp.LoanID, updCp.HoldID = CopyOnLoan, loan.ID, ""
	if err := putCirculationState(tx, ev, cp, &updCp); err != nil {
		return err
	}
	if cp.Status == CopyOnHoldShelf && cp.HoldID != "" && cp.HoldID != p.FilledHold {
		// An overridden hold-shelf copy: the hold goes back to waiting.
		if h, err := getRecord[Hold](tx, CollHolds, cp.HoldID, ReasonUnknownHold); err == nil && h.Status == HoldReady {
			h.Status, h.CopyID, h.ReadySince, h.PickupBy = HoldWaiting, "", nil, ""
			if err := tx.Put(h); err != nil {
				return err
			}
		}
	}
	if p.FilledHold != "" {
		h, err := getRecord[Hold](tx, CollHolds, p.FilledHold, ReasonUnknownHold)
		if err != nil {
			return err
		}
		if !h.Active() {
			return l.raiseException(tx, ev, ReasonHoldFilledTwice, "hold", h.ID, "loan", loan.ID)
		}
		at := ev.HLC.Time()
		h.Status, h.CopyID, h.Closed = HoldFilled, cp.ID, &at
		return tx.Put(h)
	}
	return nil
}

// putCirculationState writes a copy or reader whose circulation fields an
// event changed, versioning those fields with the event.
func putCirculationState[T Record](tx Tx, ev *Event, old, upd T) error {
	m := metaOf(upd)
	fields, err := changedFieldNames(old, upd)
	if err != nil {
		return err
	}
	if m.Fields == nil {
		m.Fields = map[string]Version{}
	}
	for _, f := range fields {
		m.Fields[f] = ev.Version()
	}
	return tx.Put(upd)
}

// raiseException records something the rules would have refused, found when
// replaying events from another station. Its ID derives from the event, so
// every station raises the same exception once.
func (l *Library) raiseException(tx Tx, ev *Event, reason Reason, facts ...string) error {
	x := &Exception{
		Meta:    Meta{ID: ev.ID + "/" + string(reason), Ver: ev.Version()},
		Reason:  reason,
		EventID: ev.ID,
		Station: ev.Station,
		At:      ev.HLC.Time(),
		Facts:   map[string]string{},
	}
	for i := 0; i+1 < len(facts); i += 2 {
		x.Facts[facts[i]] = facts[i+1]
	}
	if found, err := tx.Get(CollExceptions, x.ID, new(json.RawMessage)); err != nil || found {
		return err
	}
	return tx.Put(x)
}

// CheckInAction says what to do with a returned copy.
type CheckInAction string

// Check-in actions.
const (
	ActionShelve    CheckInAction = "shelve"
	ActionHoldShelf CheckInAction = "hold_shelf"
	ActionTransit   CheckInAction = "transit"
)

// CheckInResult says what a check-in did and what to do next.
type CheckInResult struct {
	Copy  *Copy
	Title *Title
	// Loan is the loan that ended; nil when the copy was not on loan.
	Loan   *Loan
	Reader *Reader
	// WasOnLoan is false for a harmless check-in of a copy on the shelf.
	WasOnLoan   bool
	OverdueDays int
	Fine        Money
	SuspendedTo Date
	Action      CheckInAction
	// HoldFor is the reader the copy now waits for on the hold shelf.
	HoldFor  *Reader
	PickupBy Date
	// TransitTo is the copy's home location when it belongs elsewhere.
	TransitTo string
}

// CheckinPayload is the payload of EvCheckin.
type CheckinPayload struct {
	CopyID       string    `json:"copy"`
	LoanID       string    `json:"loan,omitempty"`
	At           time.Time `json:"at"`
	FineID       string    `json:"fine_id,omitempty"`
	Fine         Money     `json:"fine,omitempty"`
	SuspendUntil Date      `json:"suspend,omitempty"`
	HoldID       string    `json:"hold,omitempty"`
	PickupBy     Date      `json:"pickup_by,omitempty"`
	Transit      bool      `json:"transit,omitempty"`
}

// CheckIn takes back the copy with barcode, whoever had it.
func (l *Library) CheckIn(actor Actor, barcode string) (*CheckInResult, error) {
	if err := require(actor, PermSelfService); err != nil {
		return nil, err
	}
	var res *CheckInResult
	err := l.update(func(tx Tx) error {
		cp, err := copyByBarcode(tx, barcode)
		if err != nil {
			return err
		}
		res, err = l.checkInTx(tx, actor, cp, false)
		return err
	})
	return res, err
}

func (l *Library) checkInTx(tx Tx, actor Actor, cp *Copy, forLoan bool) (*CheckInResult, error) {
	res := &CheckInResult{Action: ActionShelve}
	var err error
	if res.Title, err = getRecord[Title](tx, CollTitles, cp.TitleID, ReasonUnknownTitle); err != nil {
		return nil, err
	}
	today := l.Today()
	p := CheckinPayload{CopyID: cp.ID, At: l.clock.Now().UTC()}
	if cp.LoanID != "" {
		loan, err := getRecord[Loan](tx, CollLoans, cp.LoanID, ReasonUnknownLoan)
		if err == nil && loan.Open() {
			res.WasOnLoan, res.Loan = true, loan
			p.LoanID = loan.ID
			if loan.ReaderID != "" {
				res.Reader, _ = getRecord[Reader](tx, CollReaders, loan.ReaderID, ReasonUnknownReader)
			}
			rule, err := ResolveRule(tx, loan.CardType, loan.ItemType)
			if err != nil {
				return nil, err
			}
			days := loan.Due.DaysUntil(today)
			if days > 0 && cp.Status != CopyClaimedReturned {
				res.OverdueDays = days
				fine, suspend := overdueCharge(rule, days)
				if fine > 0 && loan.ReaderID != "" {
					p.Fine, p.FineID = fine, l.NewID()
					res.Fine = fine
				}
				if suspend > 0 && res.Reader != nil {
					until := today.AddDays(suspend)
					if res.Reader.SuspendedUntil.Before(until) {
						p.SuspendUntil = until
						res.SuspendedTo = until
					}
				}
			}
		}
	}
	if cp.Status == CopyOnHoldShelf && !res.WasOnLoan {
		// Already waiting on the hold shelf: say so again, change nothing.
		if h, err := getRecord[Hold](tx, CollHolds, cp.HoldID, ReasonUnknownHold); err == nil && h.Status == HoldReady {
			res.Action, res.PickupBy, res.Copy = ActionHoldShelf, h.PickupBy, cp
			res.HoldFor, _ = getRecord[Reader](tx, CollReaders, h.ReaderID, ReasonUnknownReader)
			return res, nil
		}
	}
	if !forLoan {
		hold, err := firstWaitingHold(tx, cp.TitleID)
		if err != nil {
			return nil, err
		}
		if hold != nil {
			reader, err := getRecord[Reader](tx, CollReaders, hold.ReaderID, ReasonUnknownReader)
			if err != nil {
				return nil, err
			}
			rule, err := ResolveRule(tx, reader.CardType, cp.ItemType)
			if err != nil {
				return nil, err
			}
			days := rule.PickupDays
			if days <= 0 {
				days = 7
			}
			if p.PickupBy, err = nextOpenDay(tx, today.AddDays(days)); err != nil {
				return nil, err
			}
			p.HoldID = hold.ID
			res.Action, res.HoldFor, res.PickupBy = ActionHoldShelf, reader, p.PickupBy
		} else if home := homeBranch(cp.Location); home != "" {
			branch, err := tx.Meta(MetaBranch)
			if err != nil {
				return nil, err
			}
			if len(branch) > 0 && string(branch) != home {
				p.Transit = true
				res.Action, res.TransitTo = ActionTransit, cp.Location
			}
		}
	}
	needsEvent := res.WasOnLoan || p.HoldID != "" || p.Transit ||
		(cp.Status != CopyAvailable && cp.Status != CopyWithdrawn && cp.Status != CopyDamaged)
	if needsEvent {
		if _, err := l.commit(tx, actor, EvCheckin, p); err != nil {
			return nil, err
		}
	}
	if res.Copy, err = getRecord[Copy](tx, CollCopies, cp.ID, ReasonUnknownCopy); err != nil {
		return nil, err
	}
	if res.Loan != nil {
		res.Loan, _ = getRecord[Loan](tx, CollLoans, res.Loan.ID, ReasonUnknownLoan)
	}
	return res, nil
}

// MetaBranch is this station's branch (local): returned copies whose home
// location names another branch ("Branch/Shelf") are sent there.
const MetaBranch = "local/branch"

func homeBranch(location string) string {
	for i := 0; i < len(location); i++ {
		if location[i] == '/' {
			return location[:i]
		}
	}
	return ""
}

// SetBranch sets this station's branch.
func (l *Library) SetBranch(branch string) error {
	return l.store.Update(func(tx Tx) error { return tx.SetMeta(MetaBranch, []byte(branch)) })
}

// overdueCharge returns the fine and suspension days for a loan days
// overdue under rule: nothing within the grace days, the cap respected.
func overdueCharge(rule *Rule, days int) (Money, int) {
	if days <= rule.GraceDays {
		return 0, 0
	}
	fine := Money(days) * rule.FinePerDay
	if rule.FineCap > 0 && fine > rule.FineCap {
		fine = rule.FineCap
	}
	return fine, days * rule.SuspensionDays
}

func applyCheckin(l *Library, tx Tx, ev *Event) error {
	p, err := payloadAs[CheckinPayload](ev, true)
	if err != nil {
		return errors.Wrap(err, "decoding loan.checkin")
	}
	cp, err := getRecord[Copy](tx, CollCopies, p.CopyID, ReasonUnknownCopy)
	if err != nil {
		return err
	}
	upd := *cp
	if p.LoanID != "" {
		loan, err := getRecord[Loan](tx, CollLoans, p.LoanID, ReasonUnknownLoan)
		if err != nil {
			return err
		}
		if !loan.Open() {
			return nil // a replayed event changes nothing
		}
		at := p.At
		was := *loan
		loan.Returned = &at
		if err := tx.Put(loan); err != nil {
			return err
		}
		if err := l.countLoan(tx, &was, loan); err != nil {
			return err
		}
		if p.FineID != "" {
			f := &Fine{Meta: Meta{ID: p.FineID, Ver: ev.Version()}, ReaderID: loan.ReaderID, LoanID: loan.ID,
				CopyID: cp.ID, Kind: FineOverdue, Amount: p.Fine, Created: p.At}
			if err := tx.Put(f); err != nil {
				return err
			}
		}
		if p.SuspendUntil != "" && loan.ReaderID != "" {
			r, err := getRecord[Reader](tx, CollReaders, loan.ReaderID, ReasonUnknownReader)
			if err != nil {
				return err
			}
			if r.SuspendedUntil.Before(p.SuspendUntil) {
				ur := *r
				ur.SuspendedUntil = p.SuspendUntil
				if err := putCirculationState(tx, ev, r, &ur); err != nil {
					return err
				}
			}
		}
		if upd.LoanID == loan.ID {
			upd.LoanID = ""
		}
	}
	upd.Status, upd.HoldID = CopyAvailable, ""
	if upd.LoanID != "" {
		// The copy was lent twice; it stays on loan to the other loan.
		upd.Status = CopyOnLoan
	}
	if p.Transit {
		upd.Status = CopyInTransit
	}
	if p.HoldID != "" {
		h, err := getRecord[Hold](tx, CollHolds, p.HoldID, ReasonUnknownHold)
		if err != nil {
			return err
		}
		if h.Status == HoldWaiting {
			at := p.At
			h.Status, h.CopyID, h.ReadySince, h.PickupBy = HoldReady, cp.ID, &at, p.PickupBy
			if err := tx.Put(h); err != nil {
				return err
			}
			upd.Status, upd.HoldID = CopyOnHoldShelf, h.ID
		}
	}
	return putCirculationState(tx, ev, cp, &upd)
}

// RenewPayload is the payload of EvRenew.
type RenewPayload struct {
	LoanID   string `json:"loan"`
	Due      Date   `json:"due"`
	Renewals int    `json:"renewals"`
}

// RenewResult is the outcome for one loan of a renewal.
type RenewResult struct {
	Loan  *Loan
	Title *Title
	Err   error
}

// Renew extends one loan.
func (l *Library) Renew(actor Actor, loanID string, selfService bool) (*RenewResult, error) {
	perm := PermCirculate
	if selfService {
		perm = PermSelfService
	}
	if err := require(actor, perm); err != nil {
		return nil, err
	}
	var res *RenewResult
	err := l.update(func(tx Tx) error {
		var err error
		res, err = l.renewTx(tx, actor, loanID)
		return err
	})
	return res, err
}

// RenewAll renews every open loan of a reader; each result says whether
// that loan was renewed or why not.
func (l *Library) RenewAll(actor Actor, readerID string, selfService bool) ([]RenewResult, error) {
	perm := PermCirculate
	if selfService {
		perm = PermSelfService
	}
	if err := require(actor, perm); err != nil {
		return nil, err
	}
	var out []RenewResult
	err := l.update(func(tx Tx) error {
		ids, err := tx.Lookup(IdxLoanOpenReader, readerID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			res, err := l.renewTx(tx, actor, id)
			if err != nil {
				if _, ok := RefusalOf(err); !ok {
					return err
				}
				loan, _ := getRecord[Loan](tx, CollLoans, id, ReasonUnknownLoan)
				var title *Title
				if loan != nil {
					title, _ = getRecord[Title](tx, CollTitles, loan.TitleID, ReasonUnknownTitle)
				}
				out = append(out, RenewResult{Loan: loan, Title: title, Err: err})
				continue
			}
			out = append(out, *res)
		}
		return nil
	})
	return out, err
}

func (l *Library) renewTx(tx Tx, actor Actor, loanID string) (*RenewResult, error) {
	loan, err := getRecord[Loan](tx, CollLoans, loanID, ReasonUnknownLoan)
	if err != nil {
		return nil, err
	}
	if !loan.Open() {
		return nil, Refuse(ReasonNotOnLoan)
	}
	title, err := getRecord[Title](tx, CollTitles, loan.TitleID, ReasonUnknownTitle)
	if err != nil {
		return nil, err
	}
	reader, err := getRecord[Reader](tx, CollReaders, loan.ReaderID, ReasonUnknownReader)
	if err != nil {
		return nil, err
	}
	today := l.Today()
	if err := l.readerMayBorrow(tx, reader, today); err != nil {
		return nil, err
	}
	rule, err := ResolveRule(tx, reader.CardType, loan.ItemType)
	if err != nil {
		return nil, err
	}
	if loan.Renewals >= rule.Renewals {
		return nil, Refuse(ReasonRenewalLimit, "title", title.Title, "max", strconv.Itoa(rule.Renewals))
	}
	if over := loan.Due.DaysUntil(today); over > rule.RenewOverdueDays {
		return nil, Refuse(ReasonRenewTooOverdue, "title", title.Title, "days", strconv.Itoa(over))
	}
	if h, err := firstWaitingHold(tx, loan.TitleID); err != nil {
		return nil, err
	} else if h != nil && h.ReaderID != reader.ID {
		return nil, Refuse(ReasonRenewHoldWaiting, "title", title.Title)
	}
	days := rule.RenewalDays
	if days <= 0 {
		days = rule.LoanDays
	}
	due, err := nextOpenDay(tx, today.AddDays(days))
	if err != nil {
		return nil, err
	}
	if due.Before(loan.Due) {
		due = loan.Due
	}
	if _, err := l.commit(tx, actor, EvRenew, RenewPayload{LoanID: loan.ID, Due: due, Renewals: loan.Renewals + 1}); err != nil {
		return nil, err
	}
	loan, err = getRecord[Loan](tx, CollLoans, loanID, ReasonUnknownLoan)
	return &RenewResult{Loan: loan, Title: title}, err
}

func applyRenew(l *Library, tx Tx, ev *Event) error {
	var p RenewPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return errors.Wrap(err, "decoding loan.renew")
	}
	loan, err := getRecord[Loan](tx, CollLoans, p.LoanID, ReasonUnknownLoan)
	if err != nil {
		return err
	}
	if !loan.Open() || loan.Renewals >= p.Renewals {
		return nil // replayed, or overtaken by a later renewal
	}
	was := *loan
	loan.Due, loan.Renewals = p.Due, p.Renewals
	if err := tx.Put(loan); err != nil {
		return err
	}
	return l.countLoan(tx, &was, loan)
}

// LoanView is a loan with what a screen shows beside it.
type LoanView struct {
	Loan        *Loan
	Title       *Title
	Copy        *Copy
	OverdueDays int
}

// LoansOf returns a reader's loans: open ones only, or the whole history
// kept for them (anonymised loans are no longer theirs).
func (l *Library) LoansOf(readerID string, includeReturned bool) ([]LoanView, error) {
	var out []LoanView
	today := l.Today()
	err := l.view(func(tx Tx) error {
		index := IdxLoanOpenReader
		if includeReturned {
			index = IdxLoanReader
		}
		ids, err := tx.Lookup(index, readerID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			loan, err := getRecord[Loan](tx, CollLoans, id, ReasonUnknownLoan)
			if err != nil {
				return err
			}
			v := LoanView{Loan: loan}
			v.Title, _ = getRecord[Title](tx, CollTitles, loan.TitleID, ReasonUnknownTitle)
			v.Copy, _ = getRecord[Copy](tx, CollCopies, loan.CopyID, ReasonUnknownCopy)
			if loan.Open() {
				if d := loan.Due.DaysUntil(today); d > 0 {
					v.OverdueDays = d
				}
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// OpenLoanOf returns the open loan of a copy, or nil.
func (l *Library) OpenLoanOf(copyID string) (*Loan, error) {
	var loan *Loan
	err := l.view(func(tx Tx) error {
		id, err := lookupOne(tx, IdxLoanOpenCopy, copyID)
		if err != nil || id == "" {
			return err
		}
		loan, err = getRecord[Loan](tx, CollLoans, id, ReasonUnknownLoan)
		return err
	})
	return loan, err
}

// OverdueLoans returns open loans due before today, oldest due first.
func (l *Library) OverdueLoans() ([]LoanView, error) {
	return l.loansDueBetween("", l.Today())
}

// LoansDueBetween returns open loans due in [from, to).
func (l *Library) loansDueBetween(from, to Date) ([]LoanView, error) {
	var out []LoanView
	today := l.Today()
	err := l.view(func(tx Tx) error {
		return tx.Scan(IdxLoanDue, string(from), string(to), func(key, id string) error {
			loan, err := getRecord[Loan](tx, CollLoans, id, ReasonUnknownLoan)
			if err != nil {
				return err
			}
			v := LoanView{Loan: loan}
			v.Title, _ = getRecord[Title](tx, CollTitles, loan.TitleID, ReasonUnknownTitle)
			v.Copy, _ = getRecord[Copy](tx, CollCopies, loan.CopyID, ReasonUnknownCopy)
			if d := loan.Due.DaysUntil(today); d > 0 {
				v.OverdueDays = d
			}
			out = append(out, v)
			return nil
		})
	})
	return out, err
}

// LoansDueBetween returns open loans due on days in [from, to).
func (l *Library) LoansDueBetween(from, to Date) ([]LoanView, error) {
	return l.loansDueBetween(from, to)
}

func init() {
	circulationAppliers[EvCheckout] = applyCheckout
	circulationAppliers[EvCheckin] = applyCheckin
	circulationAppliers[EvRenew] = applyRenew
}
