package app

import (
	"encoding/json"
	"sort"
	"strconv"
	"time"

	"github.com/cockroachdb/errors"
)

// This file is the domain side of sync: storing and applying events that
// other stations made. The rule it keeps is the one DESIGN.md promises: any
// two stations holding the same set of events hold the same records. Events
// are applied in (hlc, station, seq) order; when events arrive that order
// before ones already applied, the synced collections are rebuilt by
// replaying the whole log in that order. What the desk would have refused
// becomes an Exception, raised the same way on every station.

// ClockAheadLimit is how far ahead of this station's clock a remote event's
// HLC may be before it is reported as a ReasonClockAhead exception.
const ClockAheadLimit = 24 * time.Hour

// MetaStale (station-local) marks a state that no longer matches the event
// log because events arrived out of order and the rebuild was deferred.
const MetaStale = "local/replay/stale"

// EventBefore orders events for replay: by HLC, then station, then seq.
func EventBefore(a, b *Event) bool { return eventKeyOf(a).before(eventKeyOf(b)) }

type eventKey struct {
	hlc     HLC
	station string
	seq     uint64
}

func eventKeyOf(e *Event) eventKey { return eventKey{e.HLC, e.Station, e.Seq} }

func (a eventKey) before(b eventKey) bool {
	if a.hlc != b.hlc {
		return a.hlc < b.hlc
	}
	if a.station != b.station {
		return a.station < b.station
	}
	return a.seq < b.seq
}

// Transact runs fn in one durable transaction, serialised with the desk's
// own commands, and then tells observers about the local events committed
// in it. Sync runs ApplyRemote and StoreRemote inside it.
func (l *Library) Transact(fn func(Tx) error) error { return l.update(fn) }

// ApplyRemote stores events from other stations and applies them, in the
// caller's transaction tx, which must come from Transact so that observers
// hear of the events once it commits. Events already stored are
// skipped, a gap fails with ErrEventGap and nothing of evs is kept. When
// some event orders before one already applied, the whole log is replayed.
func (l *Library) ApplyRemote(tx Tx, evs []*Event) error {
	if _, err := l.storeRemote(tx, evs, false); err != nil {
		return err
	}
	return nil
}

// StoreRemote is ApplyRemote for a long exchange: instead of replaying the
// whole log for every batch that arrives out of order, it stores the batch
// and marks the state stale. The caller runs RebuildIfStale when the
// exchange ends; a station that crashes before that rebuilds on its next
// RebuildIfStale. It reports whether the state is stale.
func (l *Library) StoreRemote(tx Tx, evs []*Event) (stale bool, err error) {
	return l.storeRemote(tx, evs, true)
}

func (l *Library) storeRemote(tx Tx, evs []*Event, deferRebuild bool) (bool, error) {
	vec, err := tx.Vector()
	if err != nil {
		return false, errors.Wrap(err, "reading the event vector")
	}
	fresh, err := newEvents(vec, evs)
	if err != nil {
		return false, err
	}
	staleRaw, err := tx.Meta(MetaStale)
	if err != nil {
		return false, err
	}
	stale := len(staleRaw) > 0
	if len(fresh) == 0 {
		return stale, nil
	}
	last, err := lastApplied(tx, vec)
	if err != nil {
		return false, err
	}
	sort.Slice(fresh, func(i, j int) bool { return EventBefore(fresh[i], fresh[j]) })
	outOfOrder := last != nil && EventBefore(fresh[0], last)
	// An event far ahead of this station's clock and of every reading it
	// has seen is reported once: the events that follow it carry its time
	// on (that is what an HLC does) and are not to blame.
	seen, err := readHLC(tx)
	if err != nil {
		return false, err
	}
	limit := l.clock.Now()
	if t := seen.Time(); t.After(limit) {
		limit = t
	}
	limit = limit.Add(ClockAheadLimit)
	var maxHLC HLC
	var ahead []*Event
	for _, ev := range fresh {
		if ev.HLC > maxHLC {
			maxHLC = ev.HLC
		}
		if t := ev.HLC.Time(); t.After(limit) {
			ahead = append(ahead, ev)
			limit = t.Add(ClockAheadLimit)
		}
	}
	if stale || outOfOrder {
		// Store in per-station seq order so the log stays gapless.
		bySeq := append([]*Event(nil), fresh...)
		sort.Slice(bySeq, func(i, j int) bool {
			if bySeq[i].Station != bySeq[j].Station {
				return bySeq[i].Station < bySeq[j].Station
			}
			return bySeq[i].Seq < bySeq[j].Seq
		})
		for _, ev := range bySeq {
			if err := tx.AppendEvent(ev); err != nil {
				return false, errors.Wrapf(err, "storing event %s/%d", ev.Station, ev.Seq)
			}
		}
		if deferRebuild {
			if err := tx.SetMeta(MetaStale, []byte("1")); err != nil {
				return false, err
			}
			stale = true
		} else if err := l.rebuildTx(tx); err != nil {
			return false, err
		} else {
			stale = false
		}
	} else {
		err := l.rememberRules(tx, func() error {
			for _, ev := range fresh {
				if err := l.replay(tx, ev); err != nil {
					return err
				}
				if err := tx.AppendEvent(ev); err != nil {
					return errors.Wrapf(err, "storing event %s/%d", ev.Station, ev.Seq)
				}
			}
			return nil
		})
		if err != nil {
			return false, err
		}
	}
	// Observers (screens, sync) hear of remote changes as of local ones.
	l.pending = append(l.pending, fresh...)
	if err := ObserveHLC(tx, maxHLC, l.clock); err != nil {
		return false, errors.Wrap(err, "moving the clock past remote events")
	}
	for _, ev := range ahead {
		if err := l.reportClockAhead(tx, ev); err != nil {
			return false, err
		}
	}
	return stale, nil
}

// newEvents checks evs and returns those not yet stored, refusing a batch
// that would leave a gap in any station's sequence. A payload Prepare
// checked is not checked again.
func newEvents(vec map[string]uint64, evs []*Event) ([]*Event, error) {
	next := map[string]uint64{}
	byStation := map[string][]*Event{}
	for _, ev := range evs {
		if ev == nil || ev.Station == "" || ev.Seq == 0 || ev.ID == "" || ev.Kind == "" || !(ev.jsonPayload || json.Valid(ev.Payload)) {
			return nil, errors.Newf("malformed event in batch")
		}
		byStation[ev.Station] = append(byStation[ev.Station], ev)
	}
	var out []*Event
	for st, list := range byStation {
		sort.Slice(list, func(i, j int) bool { return list[i].Seq < list[j].Seq })
		next[st] = vec[st] + 1
		for _, ev := range list {
			switch {
			case ev.Seq < next[st]:
				continue // already stored, or repeated in the batch
			case ev.Seq > next[st]:
				return nil, errors.Wrapf(ErrEventGap, "station %s: have %d, got %d", st, next[st]-1, ev.Seq)
			}
			next[st]++
			out = append(out, ev)
		}
	}
	return out, nil
}

// lastApplied returns the latest stored event in replay order, or nil.
// Within a station seq and HLC grow together, so it is the latest of the
// stations' last events.
func lastApplied(tx Tx, vec map[string]uint64) (*Event, error) {
	var last *Event
	for st, seq := range vec {
		if seq == 0 {
			continue
		}
		err := tx.EventsAfter(st, seq-1, func(ev *Event) error {
			if last == nil || EventBefore(last, ev) {
				last = ev
			}
			return ErrStop
		})
		if err != nil {
			return nil, errors.Wrapf(err, "reading the last event of %s", st)
		}
	}
	return last, nil
}

// reportClockAhead records, as a synced exception, that a station's clock
// ran ahead. Whether an event is "ahead" depends on when this station saw
// it, so the exception travels as an event of its own (with an ID derived
// from the remote event) rather than being raised during replay.
func (l *Library) reportClockAhead(tx Tx, ev *Event) error {
	x := Exception{
		Meta:    Meta{ID: ev.ID + "/" + string(ReasonClockAhead)},
		Reason:  ReasonClockAhead,
		EventID: ev.ID,
		Station: ev.Station,
		At:      ev.HLC.Time(),
		Facts:   map[string]string{"station": ev.Station, "hlc": ev.HLC.String()},
	}
	if found, err := tx.Get(CollExceptions, x.ID, new(json.RawMessage)); err != nil || found {
		return err
	}
	raw, err := json.Marshal(&x)
	if err != nil {
		return errors.Wrap(err, "encoding exception")
	}
	_, err = l.commit(tx, System, EvRecordCreated, RecordCreated{Collection: CollExceptions, Record: raw})
	return err
}

// RebuildIfStale replays the log when an exchange left the state stale.
func (l *Library) RebuildIfStale() (bool, error) {
	rebuilt := false
	err := l.update(func(tx Tx) error {
		b, err := tx.Meta(MetaStale)
		if err != nil || len(b) == 0 {
			return err
		}
		rebuilt = true
		return l.rebuildTx(tx)
	})
	return rebuilt, err
}

// Rebuild clears the synced collections (and the conflicts derived with
// them) and replays every stored event in (hlc, station, seq) order.
// Station-local meta stays.
func (l *Library) Rebuild() error { return l.update(l.rebuildTx) }

func (l *Library) rebuildTx(tx Tx) error {
	l.dropTally(tx)
	for _, c := range AllCollections {
		var ids []string
		if err := tx.ForEach(c, func(id string, _ []byte) error {
			ids = append(ids, id)
			return nil
		}); err != nil {
			return errors.Wrapf(err, "listing %s", c)
		}
		for _, id := range ids {
			if err := tx.Delete(c, id); err != nil {
				return errors.Wrapf(err, "clearing %s", c)
			}
		}
	}
	vec, err := tx.Vector()
	if err != nil {
		return err
	}
	var keys []eventKey
	for st := range vec {
		err := tx.EventsAfter(st, 0, func(ev *Event) error {
			keys = append(keys, eventKeyOf(ev))
			return nil
		})
		if err != nil {
			return errors.Wrapf(err, "reading the events of %s", st)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].before(keys[j]) })
	err = l.rememberRules(tx, func() error {
		for _, k := range keys {
			var ev *Event
			if err := tx.EventsAfter(k.station, k.seq-1, func(e *Event) error {
				ev = e
				return ErrStop
			}); err != nil {
				return err
			}
			if ev == nil {
				return errors.Newf("event %s/%d vanished during rebuild", k.station, k.seq)
			}
			if err := l.replay(tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tx.SetMeta(MetaStale, nil)
}

// replay applies one event the way every station does: first what the desk
// would have refused is raised as exceptions, then the event is applied;
// an event the records cannot take becomes an exception too, so one bad
// event never stops a sync.
func (l *Library) replay(tx Tx, ev *Event) error {
	defer l.forgetRules(tx, ev.Kind)
	if err := l.checkRules(tx, ev); err != nil {
		return err
	}
	err := l.apply(tx, ev)
	if err == nil {
		return nil
	}
	r, ok := RefusalOf(err)
	if !ok {
		return l.raiseException(tx, ev, ReasonInvalidInput, "kind", string(ev.Kind), "error", err.Error())
	}
	facts := []string{"kind", string(ev.Kind)}
	for _, k := range sortedKeys(r.Facts) {
		facts = append(facts, k, r.Facts[k])
	}
	if ev.Kind == EvRecordCreated && isUniqueClash(r.Reason) {
		// Keep the record, as a tombstone that holds no unique key, so later
		// events about it still apply and staff can restore it.
		if err := applyTombstoned(tx, ev); err != nil {
			return err
		}
	}
	return l.raiseException(tx, ev, r.Reason, facts...)
}

func isUniqueClash(r Reason) bool {
	switch r {
	case ReasonDuplicateBarcode, ReasonDuplicateCard, ReasonDuplicateCardType, ReasonDuplicateStaff:
		return true
	}
	return false
}

func applyTombstoned(tx Tx, ev *Event) error {
	var p RecordCreated
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return errors.Wrap(err, "decoding record.created")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(p.Record, &fields); err != nil {
		return errors.Wrap(err, "decoding record fields")
	}
	fields["deleted"] = json.RawMessage("true")
	raw, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	p.Record = raw
	err = applyCreate(tx, ev, p)
	if _, ok := RefusalOf(err); ok {
		return nil // it clashed as an update of an existing record: leave it
	}
	return err
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkRules raises an exception for each rule the desk would have
// enforced against a circulation event in the state before it. The checks
// use only the state and the event (its own timestamps, never this
// station's clock), so every station raises the same exceptions; and they
// are never stricter than the desk's, so the station that made an event
// agrees with the stations that replay it.
func (l *Library) checkRules(tx Tx, ev *Event) error {
	switch ev.Kind {
	case EvCheckout:
		p, err := payloadAs[CheckoutPayload](ev, false) // apply takes it after
		if err != nil {
			return nil // apply reports it
		}
		return l.checkCheckout(tx, ev, &p.Loan)
	case EvRenew:
		var p RenewPayload
		if json.Unmarshal(ev.Payload, &p) != nil {
			return nil
		}
		return l.checkRenew(tx, ev, &p)
	case EvHoldPlaced:
		var p HoldPlacedPayload
		if json.Unmarshal(ev.Payload, &p) != nil {
			return nil
		}
		return l.checkHold(tx, ev, &p.Hold)
	}
	return nil
}

func (l *Library) checkCheckout(tx Tx, ev *Event, loan *Loan) error {
	if found, err := tx.Get(CollLoans, loan.ID, new(json.RawMessage)); err != nil || found {
		return err
	}
	reader, err := getRecord[Reader](tx, CollReaders, loan.ReaderID, ReasonUnknownReader)
	if err != nil {
		return nil // apply reports it
	}
	overridden := map[Reason]bool{}
	for _, r := range loan.Overrides {
		overridden[r] = true
	}
	raise := func(err error, facts ...string) error {
		r, ok := RefusalOf(err)
		if !ok {
			return err
		}
		if overridden[r.Reason] {
			return nil
		}
		return l.raiseException(tx, ev, r.Reason, append([]string{"reader", reader.Name, "loan", loan.ID}, facts...)...)
	}
	if err := l.readerMayBorrow(tx, reader, DateOf(loan.Out, l.Location())); err != nil {
		if err := raise(err); err != nil {
			return err
		}
	}
	rule, err := l.rule(tx, reader.CardType, loan.ItemType)
	if err != nil {
		return nil
	}
	open, err := tx.Lookup(IdxLoanOpenReader, reader.ID)
	if err != nil {
		return err
	}
	if rule.MaxLoans > 0 && len(open) >= rule.MaxLoans {
		return raise(Refuse(ReasonLoanLimit), "max", strconv.Itoa(rule.MaxLoans))
	}
	return nil
}

func (l *Library) checkRenew(tx Tx, ev *Event, p *RenewPayload) error {
	loan, err := getRecord[Loan](tx, CollLoans, p.LoanID, ReasonUnknownLoan)
	if err != nil || !loan.Open() {
		return nil
	}
	reader, err := getRecord[Reader](tx, CollReaders, loan.ReaderID, ReasonUnknownReader)
	if err != nil {
		return nil
	}
	facts := []string{"reader", reader.Name, "loan", loan.ID}
	switch reader.Status {
	case ReaderArchived:
		return l.raiseException(tx, ev, ReasonReaderArchived, facts...)
	case ReaderBlocked:
		return l.raiseException(tx, ev, ReasonReaderBlocked, facts...)
	}
	rule, err := l.rule(tx, reader.CardType, loan.ItemType)
	if err != nil {
		return nil
	}
	// A renewal made elsewhere on the same loan at the same time counts too.
	count := p.Renewals
	if loan.Renewals >= p.Renewals {
		count = loan.Renewals + 1
	}
	if count > rule.Renewals {
		return l.raiseException(tx, ev, ReasonRenewalLimit, append(facts, "max", strconv.Itoa(rule.Renewals))...)
	}
	return nil
}

func (l *Library) checkHold(tx Tx, ev *Event, h *Hold) error {
	if found, err := tx.Get(CollHolds, h.ID, new(json.RawMessage)); err != nil || found {
		return err
	}
	reader, err := getRecord[Reader](tx, CollReaders, h.ReaderID, ReasonUnknownReader)
	if err != nil {
		return nil
	}
	facts := []string{"reader", reader.Name, "hold", h.ID}
	if err := l.readerMayBorrow(tx, reader, DateOf(h.Placed, l.Location())); err != nil {
		r, ok := RefusalOf(err)
		if !ok {
			return err
		}
		if err := l.raiseException(tx, ev, r.Reason, facts...); err != nil {
			return err
		}
	}
	rule, err := l.rule(tx, reader.CardType, "")
	if err != nil {
		return nil
	}
	mine, err := tx.Lookup(IdxHoldReader, reader.ID)
	if err != nil {
		return err
	}
	active := 0
	for _, id := range mine {
		o, err := getRecord[Hold](tx, CollHolds, id, ReasonUnknownHold)
		if err != nil || !o.Active() {
			continue
		}
		active++
		if o.TitleID == h.TitleID {
			if err := l.raiseException(tx, ev, ReasonAlreadyHeld, facts...); err != nil {
				return err
			}
		}
	}
	if rule.MaxHolds > 0 && active >= rule.MaxHolds {
		return l.raiseException(tx, ev, ReasonHoldLimit, append(facts, "max", strconv.Itoa(rule.MaxHolds))...)
	}
	return nil
}
