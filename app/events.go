package app

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/cockroachdb/errors"
)

// Event is one change, as it travels between stations. Seq is gapless per
// station; HLC orders events across stations.
type Event struct {
	ID      string          `json:"id"`
	Station string          `json:"station"`
	Seq     uint64          `json:"seq"`
	HLC     HLC             `json:"hlc"`
	Kind    EventKind       `json:"kind"`
	Staff   string          `json:"staff,omitempty"`
	Payload json.RawMessage `json:"payload"`

	// parsed is the payload decoded ahead of apply by Prepare; the first
	// apply takes it, so it is never used twice.
	parsed any
	// jsonPayload says Prepare found the payload to be valid JSON, which
	// storing the event then need not check again.
	jsonPayload bool
}

// createParsed is a record.created payload and its record, decoded.
type createParsed struct {
	p   RecordCreated
	rec Record
}

// Prepare decodes the payloads of record events, check-outs and check-ins
// (most of a library's log) ahead of applying them, and
// checks that every payload is JSON, so that a caller can do that work
// beside the writer: sync prepares a batch while the one before it is being
// stored. Applying an event gives the same result whether or not it was
// prepared; a payload that does not decode is left for apply to report.
// evs must not be in use elsewhere while Prepare runs, nor change after.
func Prepare(evs []*Event) {
	for _, ev := range evs {
		switch ev.Kind {
		case EvRecordCreated:
			if c, ok := prepareCreated(ev.Payload); ok {
				ev.parsed, ev.jsonPayload = c, true
				continue
			}
		case EvRecordUpdated:
			if prepareAs[RecordUpdated](ev) {
				continue
			}
		case EvCheckout:
			if prepareAs[CheckoutPayload](ev) {
				continue
			}
		case EvCheckin:
			if prepareAs[CheckinPayload](ev) {
				continue
			}
		}
		ev.jsonPayload = json.Valid(ev.Payload)
	}
}

// prepareAs decodes ev's payload as a T for apply, reporting whether it
// decodes.
func prepareAs[T any](ev *Event) bool {
	p := new(T)
	if json.Unmarshal(ev.Payload, p) != nil {
		return false
	}
	ev.parsed, ev.jsonPayload = p, true
	return true
}

// payloadAs returns ev's payload as a *T: the one Prepare decoded, taken
// so that it is used once when take is set, else decoded now.
func payloadAs[T any](ev *Event, take bool) (*T, error) {
	if p, ok := ev.parsed.(*T); ok {
		if take {
			ev.parsed = nil
		}
		return p, nil
	}
	p := new(T)
	return p, json.Unmarshal(ev.Payload, p)
}

// prepareCreated decodes a record.created payload and its record. A payload
// as commit writes it, {"c":"<collection>","r":<record>} with nothing
// between (appendRecordCreated), has its record decoded where it lies,
// which spares decoding the payload a second time; decoding the record
// checks its JSON, and so the payload's. Any other form is decoded whole.
// Either way the result is json.Unmarshal's.
func prepareCreated(payload []byte) (*createParsed, bool) {
	if coll, rec, ok := splitCreated(payload); ok {
		if c, ok := decodeCreated(RecordCreated{Collection: coll, Record: rec}); ok {
			return c, true
		}
	}
	var p RecordCreated
	if json.Unmarshal(payload, &p) != nil {
		return nil, false
	}
	return decodeCreated(p)
}

// decodeCreated decodes the record of p.
func decodeCreated(p RecordCreated) (*createParsed, bool) {
	rec, err := newRecord(p.Collection)
	if err != nil || json.Unmarshal(p.Record, rec) != nil {
		return nil, false
	}
	return &createParsed{p: p, rec: rec}, true
}

// splitCreated splits a payload of the form appendRecordCreated writes into
// its collection and record, if it has that form exactly: a collection
// name of lowercase ASCII letters, and a record that is an object with no
// space around it. Whether the record is valid JSON is the caller's to
// check.
func splitCreated(payload []byte) (Collection, []byte, bool) {
	const head, mid = `{"c":"`, `","r":`
	if !bytes.HasPrefix(payload, []byte(head)) {
		return "", nil, false
	}
	rest := payload[len(head):]
	n := 0
	for n < len(rest) && rest[n] >= 'a' && rest[n] <= 'z' {
		n++
	}
	coll := rest[:n]
	rec, ok := bytes.CutPrefix(rest[n:], []byte(mid))
	if !ok || len(rec) < 3 || rec[0] != '{' || rec[len(rec)-2] != '}' || rec[len(rec)-1] != '}' {
		return "", nil, false
	}
	return Collection(coll), rec[:len(rec)-1], true
}

// takeParsed returns what Prepare decoded, once.
func (e *Event) takeParsed() any {
	v := e.parsed
	e.parsed = nil
	return v
}

// Version is the version an event gives to what it writes.
func (e *Event) Version() Version { return Version{HLC: e.HLC, Station: e.Station} }

// EventKind says what an event does.
type EventKind string

// Event kinds. Record events carry whole records or field sets and merge
// per field; circulation events are replayed through the rules.
const (
	EvRecordCreated EventKind = "record.created"
	EvRecordUpdated EventKind = "record.updated"
	EvRecordDeleted EventKind = "record.deleted"

	EvCheckout        EventKind = "loan.checkout"
	EvCheckin         EventKind = "loan.checkin"
	EvRenew           EventKind = "loan.renew"
	EvHoldPlaced      EventKind = "hold.placed"
	EvHoldTrapped     EventKind = "hold.trapped"
	EvHoldCancelled   EventKind = "hold.cancelled"
	EvHoldExpired     EventKind = "hold.expired"
	EvFineAssessed    EventKind = "fine.assessed"
	EvPayment         EventKind = "fine.payment"
	EvCopyState       EventKind = "copy.state"
	EvAnonymised      EventKind = "history.anonymised"
	EvExceptionClosed EventKind = "exception.resolved"
	// EvAudit records an action that changes no record (a data export, a
	// failed sign-in) so that it shows in the audit log and syncs.
	EvAudit EventKind = "audit"
)

// RecordCreated is the payload of EvRecordCreated.
type RecordCreated struct {
	Collection Collection      `json:"c"`
	Record     json.RawMessage `json:"r"`
}

// appendRecordCreated appends p encoded as json.Marshal encodes it. The
// record in p is the output of json.Marshal, so it is copied as it is:
// json.Marshal would scan it once more to check and compact it, which for
// an import of titles with their MARC source is work worth saving.
func appendRecordCreated(dst []byte, p RecordCreated) ([]byte, error) {
	c, err := json.Marshal(p.Collection)
	if err != nil {
		return dst, errors.Wrap(err, "encoding the collection")
	}
	dst = append(dst, `{"c":`...)
	dst = append(dst, c...)
	dst = append(dst, `,"r":`...)
	dst = append(dst, p.Record...)
	return append(dst, '}'), nil
}

// RecordUpdated is the payload of EvRecordUpdated: the JSON fields it sets.
type RecordUpdated struct {
	Collection Collection                 `json:"c"`
	ID         string                     `json:"id"`
	Fields     map[string]json.RawMessage `json:"f"`
	// Base holds the versions of the fields the editor saw, so a merge can
	// tell a concurrent edit (a conflict) from a later one.
	Base map[string]Version `json:"b,omitempty"`
}

// RecordDeleted is the payload of EvRecordDeleted.
type RecordDeleted struct {
	Collection Collection `json:"c"`
	ID         string     `json:"id"`
}

// AuditPayload is the payload of EvAudit.
type AuditPayload struct {
	Action string            `json:"action"`
	Facts  map[string]string `json:"facts,omitempty"`
}

// commit stamps an event with the next HLC and seq of this station, applies
// it and appends it to the log, all in the caller's transaction tx.
func (l *Library) commit(tx Tx, actor Actor, kind EventKind, payload any) (*Event, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return nil, errors.Wrapf(err, "encoding %s", kind)
	}
	ev, err := l.stamp(tx, actor, kind)
	if err != nil {
		return nil, err
	}
	ev.Payload = raw
	if err := l.record(tx, ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// stamp makes this station's next event of kind, without its payload: the
// next HLC (saved), seq and ID. The caller fills the payload and records it
// in the same transaction tx.
func (l *Library) stamp(tx Tx, actor Actor, kind EventKind) (*Event, error) {
	last, err := readHLC(tx)
	if err != nil {
		return nil, err
	}
	now := l.clock.Now()
	hlc := last.Tick(now)
	if err := tx.SetMeta(MetaHLC, []byte(formatHLC(hlc))); err != nil {
		return nil, errors.Wrap(err, "saving the clock")
	}
	vec, err := tx.Vector()
	if err != nil {
		return nil, errors.Wrap(err, "reading the event vector")
	}
	return &Event{
		ID:      l.ids.New(now),
		Station: l.station,
		Seq:     vec[l.station] + 1,
		HLC:     hlc,
		Kind:    kind,
		Staff:   actor.Username,
	}, nil
}

// record applies a stamped event and appends it to the log.
func (l *Library) record(tx Tx, ev *Event) error {
	if err := l.apply(tx, ev); err != nil {
		return err
	}
	if err := tx.AppendEvent(ev); err != nil {
		return errors.Wrap(err, "appending to the event log")
	}
	l.pending = append(l.pending, ev)
	return nil
}

func readHLC(tx Tx) (HLC, error) {
	b, err := tx.Meta(MetaHLC)
	if err != nil {
		return 0, errors.Wrap(err, "reading the clock")
	}
	if len(b) == 0 {
		return 0, nil
	}
	v, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		return 0, errors.Wrap(err, "decoding the clock")
	}
	return HLC(v), nil
}

// ObserveHLC moves this station's clock past a remote reading; sync calls it
// in the transaction that stores remote events.
func ObserveHLC(tx Tx, remote HLC, clock Clock) error {
	last, err := readHLC(tx)
	if err != nil {
		return err
	}
	next := last.Observe(remote, clock.Now())
	return tx.SetMeta(MetaHLC, []byte(formatHLC(next)))
}

func formatHLC(h HLC) string { return strconv.FormatUint(uint64(h), 10) }

// apply makes the change an event describes. It is the only code that
// mutates records, for local commands and for remote events alike.
func (l *Library) apply(tx Tx, ev *Event) error {
	switch ev.Kind {
	case EvRecordCreated:
		if c, ok := ev.takeParsed().(*createParsed); ok {
			return putCreated(tx, ev, c.p, c.rec)
		}
		var p RecordCreated
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			return errors.Wrap(err, "decoding record.created")
		}
		return applyCreate(tx, ev, p)
	case EvRecordUpdated:
		p, err := payloadAs[RecordUpdated](ev, true)
		if err != nil {
			return errors.Wrap(err, "decoding record.updated")
		}
		return applyUpdate(tx, ev, *p)
	case EvRecordDeleted:
		var p RecordDeleted
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			return errors.Wrap(err, "decoding record.deleted")
		}
		return applyUpdate(tx, ev, RecordUpdated{Collection: p.Collection, ID: p.ID,
			Fields: map[string]json.RawMessage{"deleted": json.RawMessage("true")}})
	case EvAudit:
		return nil
	}
	if fn, ok := circulationAppliers[ev.Kind]; ok {
		return fn(l, tx, ev)
	}
	return errors.Newf("unknown event kind %q", ev.Kind)
}

// circulationAppliers is filled by circulation.go, holds.go and fines.go.
var circulationAppliers = map[EventKind]func(*Library, Tx, *Event) error{}

// newRecord returns an empty record of collection c.
func newRecord(c Collection) (Record, error) {
	switch c {
	case CollTitles:
		return &Title{}, nil
	case CollCopies:
		return &Copy{}, nil
	case CollReaders:
		return &Reader{}, nil
	case CollCardTypes:
		return &CardType{}, nil
	case CollRules:
		return &Rule{}, nil
	case CollClosedDays:
		return &ClosedDay{}, nil
	case CollStaff:
		return &Staff{}, nil
	case CollSettings:
		return &Setting{}, nil
	case CollFeedback:
		return &Feedback{}, nil
	case CollExceptions:
		return &Exception{}, nil
	}
	return nil, errors.Newf("records of %q are not edited through record events", c)
}

func metaOf(r Record) *Meta {
	switch v := r.(type) {
	case interface{ meta() *Meta }:
		return v.meta()
	}
	return nil
}

func (m *Meta) meta() *Meta { return m }

// applyCreate stores a new record. A record that already exists (the same
// event replayed, or two stations racing on one ID) merges as an update of
// every field, so the outcome does not depend on arrival order.
func applyCreate(tx Tx, ev *Event, p RecordCreated) error {
	rec, err := newRecord(p.Collection)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(p.Record, rec); err != nil {
		return errors.Wrapf(err, "decoding a new %s", p.Collection)
	}
	return putCreated(tx, ev, p, rec)
}

// putCreated is applyCreate once rec, the record of p, is decoded.
func putCreated(tx Tx, ev *Event, p RecordCreated, rec Record) error {
	m := metaOf(rec)
	found, err := tx.Get(p.Collection, m.ID, new(json.RawMessage))
	if err != nil {
		return err
	}
	if found {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(p.Record, &fields); err != nil {
			return errors.Wrap(err, "decoding record fields")
		}
		delete(fields, "id")
		delete(fields, "ver")
		delete(fields, "fver")
		return applyUpdate(tx, ev, RecordUpdated{Collection: p.Collection, ID: m.ID, Fields: fields})
	}
	// A payload that holds the record as it is to be stored (this version,
	// no field versions: what createRecord writes) is stored as it is.
	asStored := m.Ver == ev.Version() && len(m.Fields) == 0
	m.Ver = ev.Version()
	m.Fields = nil
	if asStored {
		return putRecordEncoded(tx, rec, p.Record)
	}
	return putRecord(tx, rec)
}

// applyUpdate merges fields into a record: per field, the later version wins
// and the losing value is kept as a Conflict.
func applyUpdate(tx Tx, ev *Event, p RecordUpdated) error {
	var cur map[string]json.RawMessage
	found, err := tx.Get(p.Collection, p.ID, &cur)
	if err != nil {
		return err
	}
	if !found {
		return errors.Newf("%s %s does not exist", p.Collection, p.ID)
	}
	rec, err := newRecord(p.Collection)
	if err != nil {
		return err
	}
	var meta struct {
		Ver    Version            `json:"ver"`
		Fields map[string]Version `json:"fver"`
	}
	if err := json.Unmarshal(cur["ver"], &meta.Ver); err != nil {
		return errors.Wrap(err, "decoding record version")
	}
	if raw, ok := cur["fver"]; ok {
		if err := json.Unmarshal(raw, &meta.Fields); err != nil {
			return errors.Wrap(err, "decoding field versions")
		}
	}
	if meta.Fields == nil {
		meta.Fields = map[string]Version{}
	}
	v := ev.Version()
	for f, val := range p.Fields {
		if f == "id" || f == "ver" || f == "fver" {
			continue
		}
		old, ok := meta.Fields[f]
		if !ok {
			old = meta.Ver
		}
		if v.After(old) {
			base, known := p.Base[f]
			if prev, had := cur[f]; had && known && base != old && string(prev) != string(val) {
				if err := keepConflict(tx, ev, p, f, prev, old, v); err != nil {
					return err
				}
			}
			cur[f] = val
			meta.Fields[f] = v
		} else if string(cur[f]) != string(val) {
			if err := keepConflict(tx, ev, p, f, val, v, old); err != nil {
				return err
			}
		}
	}
	fv, _ := json.Marshal(meta.Fields)
	cur["fver"] = fv
	merged, _ := json.Marshal(cur)
	if err := json.Unmarshal(merged, rec); err != nil {
		return errors.Wrapf(err, "applying fields to %s %s", p.Collection, p.ID)
	}
	return putRecord(tx, rec)
}

func keepConflict(tx Tx, ev *Event, p RecordUpdated, field string, lost json.RawMessage, lostV, wonV Version) error {
	c := &Conflict{
		Meta:   Meta{ID: ev.ID + "/" + field, Ver: ev.Version()},
		Target: p.Collection,
		Of:     p.ID,
		Field:  field,
		Value:  lost,
		Lost:   lostV,
		Won:    wonV,
	}
	return tx.Put(c)
}

// putRecord writes a record, turning a unique-key clash into the refusal a
// person understands.
func putRecord(tx Tx, r Record) error { return putRecordEncoded(tx, r, nil) }

// putRecordEncoded is putRecord of r encoded as raw (nil: encode it).
func putRecordEncoded(tx Tx, r Record, raw []byte) error {
	var err error
	if raw != nil {
		err = tx.PutEncoded(r, raw)
	} else {
		err = tx.Put(r)
	}
	var dup *DuplicateKeyError
	if errors.As(err, &dup) {
		switch dup.Index {
		case IdxCopyBarcode:
			return Refuse(ReasonDuplicateBarcode, "barcode", dup.Key, "existing", dup.ExistingID)
		case IdxReaderCard:
			return Refuse(ReasonDuplicateCard, "card", dup.Key, "existing", dup.ExistingID)
		case IdxCardTypeCode:
			return Refuse(ReasonDuplicateCardType, "code", dup.Key)
		case IdxStaffUsername:
			return Refuse(ReasonDuplicateStaff, "username", dup.Key)
		}
	}
	return err
}
