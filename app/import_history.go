package app

import (
	"encoding/json"

	"github.com/cockroachdb/errors"
)

// EvLoansImported brings in past (returned) loans from another system or a
// generator in one event per batch, so a migrated history syncs and replays
// like everything else without ten million single events.
const EvLoansImported EventKind = "history.imported"

// LoansImportedPayload is the payload of EvLoansImported.
type LoansImportedPayload struct {
	Loans []Loan `json:"loans"`
}

func applyLoansImported(l *Library, tx Tx, ev *Event) error {
	var p LoansImportedPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return errors.Wrap(err, "decoding history.imported")
	}
	tally, shared := l.tallyFor(tx)
	for i := range p.Loans {
		loan := p.Loans[i]
		if loan.Open() {
			return errors.Newf("imported loan %s is still open", loan.ID)
		}
		if found, err := tx.Get(CollLoans, loan.ID, new(json.RawMessage)); err != nil {
			return err
		} else if found {
			continue
		}
		loan.Ver, loan.Fields = ev.Version(), nil
		if err := tx.Put(&loan); err != nil {
			return err
		}
		if err := tally.loan(nil, &loan); err != nil {
			return err
		}
	}
	return settle(tally, shared)
}

// ImportLoanHistory stores returned loans from another system.
func (l *Library) ImportLoanHistory(actor Actor, loans []Loan) error {
	if err := require(actor, PermImport); err != nil {
		return err
	}
	return l.update(func(tx Tx) error {
		_, err := l.commit(tx, actor, EvLoansImported, LoansImportedPayload{Loans: loans})
		return err
	})
}

// NewRecordEvent builds, for bulk writers that bypass commit, the event that
// creates r and returns the record as applying that event leaves it. The
// caller gives station, seq and hlc in order.
func NewRecordEvent(id, station string, seq uint64, hlc HLC, r Record) (*Event, error) {
	ev, _, err := NewRecordEventEncoded(id, station, seq, hlc, r)
	return ev, err
}

// NewRecordEventEncoded is NewRecordEvent that also returns r as
// json.Marshal encodes it (the record inside the event), so that a bulk
// writer storing r need not encode it a second time.
func NewRecordEventEncoded(id, station string, seq uint64, hlc HLC, r Record) (*Event, []byte, error) {
	m := metaOf(r)
	m.Ver, m.Fields = Version{HLC: hlc, Station: station}, nil
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, nil, err
	}
	payload, err := appendRecordCreated(make([]byte, 0, len(raw)+32), RecordCreated{Collection: r.Collection(), Record: raw})
	if err != nil {
		return nil, nil, err
	}
	ev := &Event{ID: id, Station: station, Seq: seq, HLC: hlc, Kind: EvRecordCreated, Staff: System.Username, Payload: payload}
	return ev, raw, nil
}

// NewLoansImportedEvent is NewRecordEvent for a batch of past loans.
func NewLoansImportedEvent(id, station string, seq uint64, hlc HLC, loans []Loan) (*Event, error) {
	for i := range loans {
		loans[i].Ver, loans[i].Fields = Version{HLC: hlc, Station: station}, nil
	}
	payload, err := json.Marshal(LoansImportedPayload{Loans: loans})
	if err != nil {
		return nil, err
	}
	return &Event{ID: id, Station: station, Seq: seq, HLC: hlc, Kind: EvLoansImported, Staff: System.Username, Payload: payload}, nil
}

// SetHLC moves the station's clock to at least h, after a bulk load wrote
// events stamped up to h.
func SetHLC(tx Tx, h HLC) error {
	last, err := readHLC(tx)
	if err != nil || last >= h {
		return err
	}
	return tx.SetMeta(MetaHLC, []byte(formatHLC(h)))
}

func init() {
	circulationAppliers[EvLoansImported] = applyLoansImported
}
