package notices

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// Channel is how a notice reaches the reader.
type Channel string

// Channels.
const (
	Email Channel = "email"
	SMS   Channel = "sms"
	Print Channel = "print"
)

// Audit actions that carry the outbox (see the package comment).
const (
	ActionQueued  = "notice.queued"
	ActionIssued  = "notice.issued" // printed or exported for SMS
	ActionClaimed = "notice.claimed"
	ActionSent    = "notice.sent"
	ActionFailed  = "notice.failed"
)

// SettingMailStation names the one station that sends email, when set.
const SettingMailStation = "notices.mail_station"

// Status is where a message stands.
type Status string

// Statuses.
const (
	StatusQueued Status = "queued"
	StatusSent   Status = "sent"
	StatusFailed Status = "failed"
	// StatusIssued is a printed slip or an SMS handed to a gateway.
	StatusIssued Status = "issued"
)

// Entry is what the outbox knows of one message: the notice, how it went
// out, to whom, and what became of it.
type Entry struct {
	ID       string
	NoticeID string
	Kind     Kind
	Channel  Channel
	Date     app.Date
	ReaderID string
	Card     string
	Name     string
	To       string
	Subject  string
	Body     string
	Items    int
	// Queued is when the message was made; QueuedBy the staff member.
	Queued   time.Time
	QueuedBy string
	Sent     time.Time
	SentBy   string // station
	Failure  string
	// Claims are the stations' claims to send it, as far as known.
	Claims []app.Version `json:",omitempty"`
}

// Status says where the message stands.
func (e *Entry) Status() Status {
	switch {
	case e.Channel != Email:
		return StatusIssued
	case !e.Sent.IsZero():
		return StatusSent
	case e.Failure != "":
		return StatusFailed
	}
	return StatusQueued
}

// claimant is the station whose claim wins: the earliest by HLC, then
// station ID. Every station that knows the same claims picks the same one.
func (e *Entry) claimant() string {
	if len(e.Claims) == 0 {
		return ""
	}
	best := e.Claims[0]
	for _, c := range e.Claims[1:] {
		if best.After(c) {
			best = c
		}
	}
	return best.Station
}

// Outbox is the library's queue of notices and record of what went to whom.
// It is safe for concurrent use.
type Outbox struct {
	lib *app.Library
	// Timeout bounds one delivery attempt, connection included (default 30 s).
	Timeout time.Duration
	// Retry is the pause after a temporary failure (default 5 minutes).
	Retry time.Duration

	mu      sync.Mutex
	loaded  bool
	cursor  map[string]uint64 // station → last folded seq
	entries map[string]*Entry
	order   []string
	reader  map[string][]string
	// pauseUntil is when to try again after a temporary failure (local to
	// this station: the server or the network is down for all messages).
	pauseUntil time.Time
	sendMu     sync.Mutex // one SendPending at a time per station
}

// NewOutbox returns the outbox of lib. Its state is read from the event log
// on first use.
func NewOutbox(lib *app.Library) *Outbox {
	return &Outbox{
		lib: lib, Timeout: 30 * time.Second, Retry: 5 * time.Minute,
		cursor: map[string]uint64{}, entries: map[string]*Entry{}, reader: map[string][]string{},
	}
}

// MessageID names the message of a notice on a channel.
func MessageID(noticeID string, ch Channel) string { return noticeID + "." + string(ch) }

// metaOutbox keeps the folded outbox and the event vector it covers, so a
// restart folds only the events after it instead of the whole log. It is
// local and derived: deleting it only costs one full fold.
const metaOutbox = "notices.outbox"

type savedOutbox struct {
	Cursor  map[string]uint64 `json:"cursor"`
	Entries []*Entry          `json:"entries"`
}

// Refresh folds events stored since the last refresh, from every station.
func (o *Outbox) Refresh() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	moved := false
	err := o.lib.View(func(tx app.Tx) error {
		if !o.loaded {
			o.loaded = true
			if err := o.load(tx); err != nil {
				return err
			}
		}
		vec, err := tx.Vector()
		if err != nil {
			return errors.Wrap(err, "reading the event vector")
		}
		stations := make([]string, 0, len(vec))
		for s := range vec {
			stations = append(stations, s)
		}
		sort.Strings(stations)
		for _, st := range stations {
			if vec[st] <= o.cursor[st] {
				continue
			}
			moved = true
			err := tx.EventsAfter(st, o.cursor[st], func(ev *app.Event) error {
				o.cursor[st] = ev.Seq
				if ev.Kind == app.EvAudit {
					o.fold(ev)
				}
				return nil
			})
			if err != nil {
				return errors.Wrap(err, "reading the event log")
			}
		}
		return nil
	})
	if err != nil || !moved {
		return err
	}
	// Saving is an optimisation: a read-only library simply folds again.
	_ = o.save()
	return nil
}

func (o *Outbox) load(tx app.Tx) error {
	raw, err := tx.Meta(metaOutbox)
	if err != nil || len(raw) == 0 {
		return err
	}
	var saved savedOutbox
	if err := json.Unmarshal(raw, &saved); err != nil {
		return nil // unreadable: fold from the start
	}
	o.cursor = saved.Cursor
	if o.cursor == nil {
		o.cursor = map[string]uint64{}
	}
	sort.SliceStable(saved.Entries, func(i, j int) bool { return saved.Entries[i].Queued.Before(saved.Entries[j].Queued) })
	for _, e := range saved.Entries {
		o.entries[e.ID] = e
		if e.NoticeID != "" {
			o.order = append(o.order, e.ID)
			o.reader[e.ReaderID] = append(o.reader[e.ReaderID], e.ID)
		}
	}
	return nil
}

// save writes the folded state; message bodies are kept only while a
// message waits to be sent.
func (o *Outbox) save() error {
	saved := savedOutbox{Cursor: o.cursor}
	for _, e := range o.entries {
		c := *e
		if c.Status() != StatusQueued {
			c.Body = ""
		}
		saved.Entries = append(saved.Entries, &c)
	}
	sort.Slice(saved.Entries, func(i, j int) bool { return saved.Entries[i].ID < saved.Entries[j].ID })
	raw, err := json.Marshal(saved)
	if err != nil {
		return err
	}
	return o.lib.Store().Update(func(tx app.Tx) error { return tx.SetMeta(metaOutbox, raw) })
}

// fold applies one audit event. Folding is order-independent: the same set
// of events gives the same state on every station.
func (o *Outbox) fold(ev *app.Event) {
	var p app.AuditPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return // not ours to judge; other audit events are not the outbox's
	}
	id := p.Facts["id"]
	if id == "" {
		return
	}
	e := o.entries[id]
	switch p.Action {
	case ActionQueued, ActionIssued:
		at := ev.HLC.Time()
		if e != nil && e.NoticeID != "" {
			if at.Before(e.Queued) {
				e.Queued, e.QueuedBy = at, ev.Staff
			}
			return
		}
		if e == nil {
			e = &Entry{ID: id}
			o.entries[id] = e
		}
		items, _ := strconv.Atoi(p.Facts["items"])
		e.NoticeID, e.Kind, e.Channel, e.Date = p.Facts["notice"], Kind(p.Facts["kind"]), Channel(p.Facts["channel"]), app.Date(p.Facts["date"])
		e.ReaderID, e.Card, e.Name, e.To = p.Facts["reader"], p.Facts["card"], p.Facts["name"], p.Facts["to"]
		e.Subject, e.Body, e.Items = p.Facts["subject"], p.Facts["body"], items
		e.Queued, e.QueuedBy = at, ev.Staff
		o.order = append(o.order, id)
		o.reader[e.ReaderID] = append(o.reader[e.ReaderID], id)
		return
	}
	if e == nil {
		// A claim or outcome synced before its message: keep it for when the
		// message arrives.
		e = &Entry{ID: id}
		o.entries[id] = e
	}
	switch p.Action {
	case ActionClaimed:
		e.Claims = append(e.Claims, ev.Version())
	case ActionSent:
		if at := ev.HLC.Time(); e.Sent.IsZero() || at.Before(e.Sent) {
			e.Sent, e.SentBy = at, ev.Station
		}
	case ActionFailed:
		e.Failure = p.Facts["error"]
	}
}

// QueueResult says what Queue did.
type QueueResult struct {
	Queued int
	// Already counts notices queued before (the same notice, same day).
	Already int
	// NoAddress lists notices for readers with no address on the channel:
	// print them instead.
	NoAddress []*Notice
}

// Queue renders notices with ts and puts them in the outbox for email; it
// skips notices already queued and readers without an email address.
func (o *Outbox) Queue(actor app.Actor, ns []*Notice, ts *Templates) (QueueResult, error) {
	var res QueueResult
	if err := o.Refresh(); err != nil {
		return res, err
	}
	for _, n := range ns {
		id := MessageID(n.ID, Email)
		o.mu.Lock()
		e := o.entries[id]
		o.mu.Unlock()
		if e != nil && e.NoticeID != "" {
			res.Already++
			continue
		}
		if n.Reader.Email == "" {
			res.NoAddress = append(res.NoAddress, n)
			continue
		}
		m, err := ts.Render(n)
		if err != nil {
			return res, err
		}
		if err := o.audit(actor, ActionQueued, n, Email, n.Reader.Email, m); err != nil {
			return res, err
		}
		res.Queued++
	}
	return res, o.Refresh()
}

// Record notes that notices went out on a channel outside the outbox: slips
// printed, or SMS texts exported for a gateway. Notices recorded before on
// that channel are not recorded again.
func (o *Outbox) Record(actor app.Actor, ns []*Notice, ch Channel, ts *Templates) error {
	if ch == Email {
		return errors.New("email notices go through Queue")
	}
	if err := o.Refresh(); err != nil {
		return err
	}
	for _, n := range ns {
		o.mu.Lock()
		e := o.entries[MessageID(n.ID, ch)]
		o.mu.Unlock()
		if e != nil && e.NoticeID != "" {
			continue
		}
		m, err := ts.Render(n)
		if err != nil {
			return err
		}
		to := n.Reader.Phone
		if ch == Print {
			to = n.Reader.Class
		}
		if ch == SMS {
			m.Body = m.SMS
		}
		if err := o.audit(actor, ActionIssued, n, ch, to, m); err != nil {
			return err
		}
	}
	return o.Refresh()
}

func (o *Outbox) audit(actor app.Actor, action string, n *Notice, ch Channel, to string, m Message) error {
	return o.lib.Audit(actor, action, map[string]string{
		"id": MessageID(n.ID, ch), "notice": n.ID, "kind": string(n.Kind), "channel": string(ch),
		"date": string(n.Date), "reader": n.Reader.ID, "card": n.Reader.Card, "name": n.Reader.Name,
		"to": to, "subject": m.Subject, "body": m.Body, "items": strconv.Itoa(len(n.Items)),
	})
}

// Entries returns every message in the order queued.
func (o *Outbox) Entries() ([]*Entry, error) {
	if err := o.Refresh(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]*Entry, 0, len(o.order))
	for _, id := range o.order {
		c := *o.entries[id]
		out = append(out, &c)
	}
	return out, nil
}

// Pending returns email messages not yet sent or failed, in the order
// queued.
func (o *Outbox) Pending() ([]*Entry, error) {
	all, err := o.Entries()
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range all {
		if e.Status() == StatusQueued {
			out = append(out, e)
		}
	}
	return out, nil
}

// NoticesOf returns the notices that went, or are to go, to a reader, oldest
// first: for the reader's page.
func (o *Outbox) NoticesOf(readerID string) ([]*Entry, error) {
	if err := o.Refresh(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []*Entry
	for _, id := range o.reader[readerID] {
		c := *o.entries[id]
		out = append(out, &c)
	}
	return out, nil
}

// Mailer delivers one message. A *PermanentError means retrying cannot help.
type Mailer interface {
	Send(ctx context.Context, m *Entry) error
}

// PermanentError is a refusal that retrying will not change (SMTP 5xx).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// SendResult says what SendPending did.
type SendResult struct {
	Sent, Failed int
	// Deferred counts messages left for later: a temporary failure, waiting
	// to retry, or another station's to send.
	Deferred int
	// LastError is the last temporary failure, for the status line.
	LastError error
}

// SendPending sends every pending email message this station may send:
// claim it, deliver it, record the outcome. After a temporary failure
// (network down, server busy, timeout) it stops and leaves the rest for the
// next round.
func (o *Outbox) SendPending(ctx context.Context, m Mailer) (SendResult, error) {
	o.sendMu.Lock()
	defer o.sendMu.Unlock()
	var res SendResult
	pending, err := o.Pending()
	if err != nil {
		return res, err
	}
	mailStation, err := o.lib.Setting(SettingMailStation, "")
	if err != nil {
		return res, err
	}
	me := o.lib.Station()
	now := o.lib.Clock().Now()
	o.mu.Lock()
	pause := o.pauseUntil
	o.mu.Unlock()
	if now.Before(pause) {
		res.Deferred = len(pending)
		return res, nil
	}
	for i, e := range pending {
		if ctx.Err() != nil {
			res.Deferred += len(pending) - i
			break
		}
		if mailStation != "" && mailStation != me {
			res.Deferred++
			continue
		}
		if c := e.claimant(); c != "" && c != me {
			res.Deferred++
			continue
		}
		if e.claimant() == "" {
			if err := o.lib.Audit(app.System, ActionClaimed, map[string]string{"id": e.ID}); err != nil {
				return res, err
			}
			if err := o.Refresh(); err != nil {
				return res, err
			}
			o.mu.Lock()
			c, sent := o.entries[e.ID].claimant(), !o.entries[e.ID].Sent.IsZero()
			o.mu.Unlock()
			if c != me || sent {
				res.Deferred++
				continue
			}
		}
		timeout := o.Timeout
		if timeout <= 0 {
			timeout = 30 * time.Second
		}
		sctx, cancel := context.WithTimeout(ctx, timeout)
		err := m.Send(sctx, e)
		cancel()
		var perm *PermanentError
		switch {
		case err == nil:
			if err := o.lib.Audit(app.System, ActionSent, map[string]string{"id": e.ID}); err != nil {
				return res, err
			}
			res.Sent++
		case errors.As(err, &perm):
			if err := o.lib.Audit(app.System, ActionFailed, map[string]string{"id": e.ID, "error": err.Error()}); err != nil {
				return res, err
			}
			res.Failed++
		default:
			o.mu.Lock()
			o.pauseUntil = now.Add(o.Retry)
			o.mu.Unlock()
			res.LastError = err
			res.Deferred += len(pending) - i
			return res, o.Refresh()
		}
	}
	return res, o.Refresh()
}

// Serve sends pending mail every interval, and soon after notices are
// queued on this station, until ctx ends. Failures are reported through
// report (may be nil) and retried.
func (o *Outbox) Serve(ctx context.Context, m Mailer, every time.Duration, report func(SendResult, error)) error {
	if every <= 0 {
		every = time.Minute
	}
	wake := make(chan struct{}, 1)
	o.lib.Observe(func(evs []*app.Event) {
		for _, ev := range evs {
			if ev.Kind == app.EvAudit {
				select {
				case wake <- struct{}{}:
				default:
				}
				return
			}
		}
	})
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, err := o.SendPending(ctx, m)
		if report != nil {
			report(res, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-wake:
		}
	}
}

// NoticesOf returns the notices that went, or are to go, to a reader: a
// one-off look for the reader's page. Screens that look often should keep
// one Outbox and call its NoticesOf.
func NoticesOf(lib *app.Library, readerID string) ([]*Entry, error) {
	return NewOutbox(lib).NoticesOf(readerID)
}
