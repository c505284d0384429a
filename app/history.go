package app

import (
	"encoding/json"

	"github.com/cockroachdb/errors"
)

// AnonymisedPayload is the payload of EvAnonymised.
type AnonymisedPayload struct {
	Loans []string `json:"loans"`
}

// anonymiseBatch bounds one anonymisation event.
const anonymiseBatch = 500

// AnonymiseHistory cuts the link between returned loans and their readers:
// at once for readers who chose not to keep history, and for everyone once
// the library's retention period (days, 0 = keep) has passed. Loans with
// money still owed on them are left alone. Statistics fields stay. It is an
// event, so it reaches every station. It returns how many loans it changed.
func (l *Library) AnonymiseHistory(actor Actor) (int, error) {
	if err := require(actor, PermEditReaders); err != nil {
		return 0, err
	}
	var ids []string
	err := l.view(func(tx Tx) error {
		retention, err := settingIntTx(tx, SettingRetentionDays, 0)
		if err != nil {
			return err
		}
		today := l.Today()
		policy := map[string]HistoryPolicy{}
		owes := map[string]bool{}
		return tx.ForEach(CollLoans, func(id string, raw []byte) error {
			var loan Loan
			if err := json.Unmarshal(raw, &loan); err != nil {
				return errors.Wrap(err, "decoding loan")
			}
			if loan.Open() || loan.ReaderID == "" || loan.Deleted {
				return nil
			}
			p, ok := policy[loan.ReaderID]
			if !ok {
				p = HistoryKeep
				if r, err := getRecord[Reader](tx, CollReaders, loan.ReaderID, ReasonUnknownReader); err == nil {
					p = r.History
				}
				policy[loan.ReaderID] = p
				fines, err := tx.Lookup(IdxFineOpen, loan.ReaderID)
				if err != nil {
					return err
				}
				for _, fid := range fines {
					if f, err := getRecord[Fine](tx, CollFines, fid, ReasonUnknownFine); err == nil && f.LoanID != "" {
						owes[f.LoanID] = true
					}
				}
			}
			if owes[loan.ID] {
				return nil
			}
			returned := DateOf(*loan.Returned, l.Location())
			if p == HistoryAnonymise || (retention > 0 && returned.DaysUntil(today) > int(retention)) {
				ids = append(ids, loan.ID)
			}
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	for start := 0; start < len(ids); start += anonymiseBatch {
		batch := ids[start:min(start+anonymiseBatch, len(ids))]
		err := l.update(func(tx Tx) error {
			_, err := l.commit(tx, actor, EvAnonymised, AnonymisedPayload{Loans: batch})
			return err
		})
		if err != nil {
			return start, err
		}
	}
	return len(ids), nil
}

func applyAnonymised(l *Library, tx Tx, ev *Event) error {
	var p AnonymisedPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return errors.Wrap(err, "decoding history.anonymised")
	}
	tally, shared := l.tallyFor(tx)
	for _, id := range p.Loans {
		loan, err := getRecord[Loan](tx, CollLoans, id, ReasonUnknownLoan)
		if err != nil {
			continue // a loan this station never saw cannot leak anything
		}
		if loan.Anonymised || loan.Open() {
			continue
		}
		was := *loan
		loan.ReaderID, loan.Staff, loan.Anonymised = "", "", true
		if err := tx.Put(loan); err != nil {
			return err
		}
		if err := tally.loan(&was, loan); err != nil {
			return err
		}
	}
	return settle(tally, shared)
}

// ResolveException closes a sync exception with a note on what staff did.
func (l *Library) ResolveException(actor Actor, id, note string) error {
	if err := require(actor, PermResolveSync); err != nil {
		return err
	}
	note, err := checkText("note", note, false, maxShortField)
	if err != nil {
		return err
	}
	return l.update(func(tx Tx) error {
		x, err := getRecord[Exception](tx, CollExceptions, id, ReasonInvalidInput)
		if err != nil {
			return err
		}
		if x.Resolved {
			return nil
		}
		_, err = l.commit(tx, actor, EvExceptionClosed, exceptionClosed{ID: id, Note: note})
		return err
	})
}

type exceptionClosed struct {
	ID   string `json:"id"`
	Note string `json:"note,omitempty"`
}

func applyExceptionClosed(l *Library, tx Tx, ev *Event) error {
	var p exceptionClosed
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return errors.Wrap(err, "decoding exception.resolved")
	}
	x, err := getRecord[Exception](tx, CollExceptions, p.ID, ReasonInvalidInput)
	if err != nil {
		return err
	}
	x.Resolved, x.Note = true, p.Note
	return tx.Put(x)
}

// OpenExceptions lists the sync exceptions staff have not resolved.
func (l *Library) OpenExceptions() ([]*Exception, error) {
	var out []*Exception
	err := l.view(func(tx Tx) error {
		return tx.Scan(IdxExceptionOpen, "", "", func(key, id string) error {
			x, err := getRecord[Exception](tx, CollExceptions, id, ReasonInvalidInput)
			if err != nil {
				return err
			}
			out = append(out, x)
			return nil
		})
	})
	return out, err
}

func init() {
	circulationAppliers[EvAnonymised] = applyAnonymised
	circulationAppliers[EvExceptionClosed] = applyExceptionClosed
}
