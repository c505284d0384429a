package app

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/cockroachdb/errors"
)

// FineAssessedPayload is the payload of EvFineAssessed.
type FineAssessedPayload struct {
	Fine Fine `json:"fine"`
}

// PaymentPayload is the payload of EvPayment.
type PaymentPayload struct {
	FineID  string  `json:"fine"`
	Payment Payment `json:"payment"`
}

func outstandingTx(tx Tx, readerID string) (Money, error) {
	ids, err := tx.Lookup(IdxFineOpen, readerID)
	if err != nil {
		return 0, err
	}
	var sum Money
	for _, id := range ids {
		f, err := getRecord[Fine](tx, CollFines, id, ReasonUnknownFine)
		if err != nil {
			return 0, err
		}
		sum += f.Outstanding()
	}
	return sum, nil
}

// Outstanding returns what a reader owes.
func (l *Library) Outstanding(readerID string) (Money, error) {
	var m Money
	err := l.view(func(tx Tx) error {
		var err error
		m, err = outstandingTx(tx, readerID)
		return err
	})
	return m, err
}

// FinesOf returns a reader's fines, paid ones included, oldest first.
func (l *Library) FinesOf(readerID string) ([]*Fine, error) {
	var out []*Fine
	err := l.view(func(tx Tx) error {
		ids, err := tx.Lookup(IdxFineReader, readerID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			f, err := getRecord[Fine](tx, CollFines, id, ReasonUnknownFine)
			if err != nil {
				return err
			}
			out = append(out, f)
		}
		return nil
	})
	return out, err
}

// Charge adds a fine to a reader (damage, a lost card, anything else).
func (l *Library) Charge(actor Actor, readerID string, kind FineKind, amount Money, note string) (*Fine, error) {
	if err := require(actor, PermTakePayments); err != nil {
		return nil, err
	}
	if amount <= 0 {
		return nil, Refuse(ReasonInvalidInput, "field", "amount")
	}
	var f *Fine
	err := l.update(func(tx Tx) error {
		if _, err := getRecord[Reader](tx, CollReaders, readerID, ReasonUnknownReader); err != nil {
			return err
		}
		var err error
		f, err = l.chargeTx(tx, actor, readerID, "", "", kind, amount)
		return err
	})
	return f, err
}

func (l *Library) chargeTx(tx Tx, actor Actor, readerID, loanID, copyID string, kind FineKind, amount Money) (*Fine, error) {
	f := Fine{Meta: Meta{ID: l.NewID()}, ReaderID: readerID, LoanID: loanID, CopyID: copyID,
		Kind: kind, Amount: amount, Created: l.clock.Now().UTC()}
	if _, err := l.commit(tx, actor, EvFineAssessed, FineAssessedPayload{Fine: f}); err != nil {
		return nil, err
	}
	return getRecord[Fine](tx, CollFines, f.ID, ReasonUnknownFine)
}

func applyFineAssessed(l *Library, tx Tx, ev *Event) error {
	var p FineAssessedPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return errors.Wrap(err, "decoding fine.assessed")
	}
	if found, err := tx.Get(CollFines, p.Fine.ID, new(json.RawMessage)); err != nil || found {
		return err
	}
	f := p.Fine
	f.Ver = ev.Version()
	return tx.Put(&f)
}

// Pay takes a payment from a reader, settling their oldest fines first. It
// refuses more than is owed. It returns the payments made, one per fine.
func (l *Library) Pay(actor Actor, readerID string, amount Money, note string) ([]Payment, error) {
	return l.settle(actor, readerID, "", amount, note, false)
}

// Waive forgives part or all of one fine, saying why.
func (l *Library) Waive(actor Actor, fineID string, amount Money, note string) ([]Payment, error) {
	note, err := checkText("note", note, true, maxShortField)
	if err != nil {
		return nil, err
	}
	return l.settle(actor, "", fineID, amount, note, true)
}

func (l *Library) settle(actor Actor, readerID, fineID string, amount Money, note string, waive bool) ([]Payment, error) {
	perm := PermTakePayments
	if waive {
		perm = PermWaiveFines
	}
	if err := require(actor, perm); err != nil {
		return nil, err
	}
	if amount <= 0 {
		return nil, Refuse(ReasonInvalidInput, "field", "amount")
	}
	note, err := checkText("note", note, false, maxShortField)
	if err != nil {
		return nil, err
	}
	var out []Payment
	err = l.update(func(tx Tx) error {
		var fines []*Fine
		if fineID != "" {
			f, err := getRecord[Fine](tx, CollFines, fineID, ReasonUnknownFine)
			if err != nil {
				return err
			}
			fines = []*Fine{f}
		} else {
			ids, err := tx.Lookup(IdxFineOpen, readerID)
			if err != nil {
				return err
			}
			for _, id := range ids {
				f, err := getRecord[Fine](tx, CollFines, id, ReasonUnknownFine)
				if err != nil {
					return err
				}
				fines = append(fines, f)
			}
		}
		var owed Money
		for _, f := range fines {
			owed += f.Outstanding()
		}
		if owed <= 0 {
			return Refuse(ReasonNothingOwed)
		}
		if amount > owed {
			return Refuse(ReasonOverpayment, "owed", strconv.FormatInt(int64(owed), 10))
		}
		left := amount
		for _, f := range fines {
			if left == 0 {
				break
			}
			part := min(left, f.Outstanding())
			if part <= 0 {
				continue
			}
			left -= part
			p := Payment{ID: l.NewID(), Amount: part, Waived: waive, Note: note, Staff: actor.Username, At: l.clock.Now().UTC()}
			if _, err := l.commit(tx, actor, EvPayment, PaymentPayload{FineID: f.ID, Payment: p}); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

func applyPayment(l *Library, tx Tx, ev *Event) error {
	var p PaymentPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return errors.Wrap(err, "decoding fine.payment")
	}
	f, err := getRecord[Fine](tx, CollFines, p.FineID, ReasonUnknownFine)
	if err != nil {
		return err
	}
	for _, q := range f.Payments {
		if q.ID == p.Payment.ID {
			return nil
		}
	}
	f.Payments = append(f.Payments, p.Payment)
	return tx.Put(f)
}

// CopyStatePayload is the payload of EvCopyState.
type CopyStatePayload struct {
	CopyID string     `json:"copy"`
	Status CopyStatus `json:"status"`
	// CloseLoan ends the copy's open loan (lost: the reader pays instead;
	// found: it came back).
	CloseLoan string    `json:"close_loan,omitempty"`
	Lost      bool      `json:"lost,omitempty"`
	At        time.Time `json:"at"`
	Note      string    `json:"note,omitempty"`
}

// MarkLost records a copy as lost. If it was on loan, the loan ends and the
// reader is charged the copy's price, or the library's set amount.
func (l *Library) MarkLost(actor Actor, barcode string) (*Fine, error) {
	return l.changeCopyState(actor, barcode, CopyLost, true, SettingLostCharge, FineLost, "")
}

// MarkDamaged records a copy as damaged; with charge, the reader who had it
// last (if on loan) pays the set damage amount or the price.
func (l *Library) MarkDamaged(actor Actor, barcode string, charge bool, note string) (*Fine, error) {
	setting := ""
	if charge {
		setting = SettingDamagedCharge
	}
	return l.changeCopyState(actor, barcode, CopyDamaged, charge, setting, FineDamaged, note)
}

// ClaimReturned records a reader's claim to have returned a copy: the loan
// stays open but earns no more fine until the copy is found.
func (l *Library) ClaimReturned(actor Actor, barcode string) error {
	_, err := l.changeCopyState(actor, barcode, CopyClaimedReturned, false, "", "", "")
	return err
}

// MarkFound puts a lost, claimed-returned or damaged (repaired) copy back on
// the shelf; an open loan on it ends with no fine.
func (l *Library) MarkFound(actor Actor, barcode string) error {
	_, err := l.changeCopyState(actor, barcode, CopyAvailable, false, "", "", "")
	return err
}

// Withdraw takes a copy out of circulation for good. A copy on loan must be
// returned first.
func (l *Library) Withdraw(actor Actor, barcode, note string) error {
	_, err := l.changeCopyState(actor, barcode, CopyWithdrawn, false, "", "", note)
	return err
}

func (l *Library) changeCopyState(actor Actor, barcode string, status CopyStatus, closeLoan bool, chargeSetting string, kind FineKind, note string) (*Fine, error) {
	perm := PermCirculate
	if status == CopyWithdrawn || status == CopyLost {
		perm = PermEditCatalogue
	}
	if err := require(actor, perm); err != nil {
		return nil, err
	}
	note, err := checkText("note", note, false, maxShortField)
	if err != nil {
		return nil, err
	}
	var fine *Fine
	err = l.update(func(tx Tx) error {
		cp, err := copyByBarcode(tx, barcode)
		if err != nil {
			return err
		}
		var loan *Loan
		if cp.LoanID != "" {
			if lo, err := getRecord[Loan](tx, CollLoans, cp.LoanID, ReasonUnknownLoan); err == nil && lo.Open() {
				loan = lo
			}
		}
		if status == CopyWithdrawn && loan != nil {
			return Refuse(ReasonCopyOnLoan, "due", string(loan.Due))
		}
		p := CopyStatePayload{CopyID: cp.ID, Status: status, At: l.clock.Now().UTC(), Note: note}
		if loan != nil && (closeLoan || status == CopyAvailable) {
			p.CloseLoan = loan.ID
			p.Lost = status == CopyLost
		}
		if status == CopyDamaged && loan == nil {
			closeLoan = false
		}
		if _, err := l.commit(tx, actor, EvCopyState, p); err != nil {
			return err
		}
		if chargeSetting != "" && loan != nil && loan.ReaderID != "" {
			amount := cp.Price
			if set, err := settingIntTx(tx, chargeSetting, 0); err != nil {
				return err
			} else if set > 0 && (amount == 0 || status == CopyDamaged) {
				amount = Money(set)
			}
			if amount > 0 {
				fine, err = l.chargeTx(tx, actor, loan.ReaderID, loan.ID, cp.ID, kind, amount)
				return err
			}
		}
		return nil
	})
	return fine, err
}

func applyCopyState(l *Library, tx Tx, ev *Event) error {
	var p CopyStatePayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return errors.Wrap(err, "decoding copy.state")
	}
	cp, err := getRecord[Copy](tx, CollCopies, p.CopyID, ReasonUnknownCopy)
	if err != nil {
		return err
	}
	upd := *cp
	upd.Status = p.Status
	if p.CloseLoan != "" {
		loan, err := getRecord[Loan](tx, CollLoans, p.CloseLoan, ReasonUnknownLoan)
		if err != nil {
			return err
		}
		if loan.Open() {
			at := p.At
			was := *loan
			loan.Returned, loan.Lost = &at, p.Lost
			if err := tx.Put(loan); err != nil {
				return err
			}
			if err := l.countLoan(tx, &was, loan); err != nil {
				return err
			}
		}
		if upd.LoanID == loan.ID {
			upd.LoanID = ""
		}
	}
	if p.Status == CopyAvailable && upd.LoanID != "" {
		upd.Status = CopyOnLoan
	}
	if upd.Status != CopyOnHoldShelf && upd.HoldID != "" {
		if h, err := getRecord[Hold](tx, CollHolds, upd.HoldID, ReasonUnknownHold); err == nil && h.Status == HoldReady {
			h.Status, h.CopyID, h.ReadySince, h.PickupBy = HoldWaiting, "", nil, ""
			if err := tx.Put(h); err != nil {
				return err
			}
		}
		upd.HoldID = ""
	}
	return putCirculationState(tx, ev, cp, &upd)
}

func init() {
	circulationAppliers[EvFineAssessed] = applyFineAssessed
	circulationAppliers[EvPayment] = applyPayment
	circulationAppliers[EvCopyState] = applyCopyState
}
