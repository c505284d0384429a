// Package notices tells readers what they need to know: loans due soon,
// overdue loans (grouped by how long overdue), holds ready for pickup and
// expired cards. Notices are grouped per reader and, for schools, per class;
// they go out as printed slips and class lists (PDF), as SMS (a CSV of phone
// and text for an SMS gateway) or as email through an outbox.
//
// # The outbox
//
// The outbox is part of the library's data, so it survives restarts and
// travels with sync. Each notice has a deterministic ID (a hash of reader,
// kind, the loans or holds it is about and the day), so the same notice made
// on two stations is one message. Its life is a series of audit events in the
// event log, which every station replicates:
//
//	notice.queued   the message, addressed and rendered
//	notice.claimed  a station is about to send it
//	notice.sent     the SMTP server accepted it
//	notice.failed   the SMTP server refused it for good (5xx)
//
// A station sends a message only when its claim is the earliest claim it
// knows of (by hybrid logical clock, then station ID) and no sent event
// exists. When a mail station is configured (SettingMailStation, a library
// setting that syncs like any record, and which the notices screen names),
// only it sends: a second station that has the setting never sends, even
// cut off from the mail station and holding claims of its own
// (TestMailStationAcrossStations), which makes delivery exactly-once between
// stations that cannot see each other. Change the mail station only when
// both stations have synced, or both may send what was queued meanwhile.
// Without one, two stations that claim the same message
// while cut off from each other could both send it. A station that crashes
// after the server accepted a message but before its sent event was written
// sends it again after restart; the Message-ID header is the notice ID, so
// mail systems can spot the repeat.
//
// Outbox state is folded from the event log when an Outbox is opened and
// then incrementally; see the package report for the cost on large logs.
package notices

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// Kind is what a notice is about.
type Kind string

// Notice kinds.
const (
	DueSoon     Kind = "due_soon"
	Overdue     Kind = "overdue"
	HoldReady   Kind = "hold_ready"
	CardExpired Kind = "card_expired"
)

// Kinds lists the kinds in the order screens show them.
var Kinds = []Kind{DueSoon, Overdue, HoldReady, CardExpired}

// Notice is one message to one reader about one or more items.
type Notice struct {
	ID     string   `json:"id"`
	Kind   Kind     `json:"kind"`
	Date   app.Date `json:"date"`
	Reader Reader   `json:"reader"`
	Items  []Item   `json:"items,omitempty"`
	// Band names the overdue band of the most overdue item ("1-7" …).
	Band string `json:"band,omitempty"`
}

// Reader is who a notice goes to.
type Reader struct {
	ID     string   `json:"id"`
	Card   string   `json:"card"`
	Name   string   `json:"name"`
	Class  string   `json:"class,omitempty"`
	Grade  string   `json:"grade,omitempty"`
	Email  string   `json:"email,omitempty"`
	Phone  string   `json:"phone,omitempty"`
	Expiry app.Date `json:"expiry,omitempty"`
}

// Item is a loan or hold a notice is about.
type Item struct {
	Ref         string   `json:"ref"` // loan or hold ID
	Title       string   `json:"title"`
	Barcode     string   `json:"barcode,omitempty"`
	CallNumber  string   `json:"call_number,omitempty"`
	Due         app.Date `json:"due,omitempty"`
	OverdueDays int      `json:"overdue_days,omitempty"`
	PickupBy    app.Date `json:"pickup_by,omitempty"`
}

// MaxOverdue is the most days any item is overdue.
func (n *Notice) MaxOverdue() int {
	m := 0
	for _, it := range n.Items {
		m = max(m, it.OverdueDays)
	}
	return m
}

// NoticeID is the deterministic ID of a notice: the same reader, kind,
// items and day give the same ID on every station.
func NoticeID(readerID string, kind Kind, refs []string, day app.Date) string {
	sorted := append([]string(nil), refs...)
	sort.Strings(sorted)
	h := sha256.New()
	h.Write([]byte(readerID + "\x00" + string(kind) + "\x00" + string(day) + "\x00" + strings.Join(sorted, ",")))
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Options tune which notices are made.
type Options struct {
	// DueSoonDays: loans due from today to this many days ahead (default 3).
	DueSoonDays int
	// Bands are the upper ends of the overdue bands in days (default 7, 14,
	// 30: bands 1–7, 8–14, 15–30 and over 30).
	Bands []int
}

func (o Options) bands() []int {
	if len(o.Bands) == 0 {
		return []int{7, 14, 30}
	}
	return o.Bands
}

// BandOf names the band of days overdue: "1-7", "8-14", "15-30", "31+".
func BandOf(days int, bands []int) string {
	lo := 1
	for _, hi := range bands {
		if days <= hi {
			return strconv.Itoa(lo) + "-" + strconv.Itoa(hi)
		}
		lo = hi + 1
	}
	return strconv.Itoa(lo) + "+"
}

// Generate makes the notices of kind for today, one per reader, ordered by
// class, then name.
func Generate(lib *app.Library, kind Kind, opts Options) ([]*Notice, error) {
	today := lib.Today()
	var out []*Notice
	switch kind {
	case DueSoon, Overdue:
		var loans []app.LoanView
		var err error
		if kind == Overdue {
			loans, err = lib.OverdueLoans()
		} else {
			days := opts.DueSoonDays
			if days <= 0 {
				days = 3
			}
			loans, err = lib.LoansDueBetween(today, today.AddDays(days+1))
		}
		if err != nil {
			return nil, err
		}
		per := map[string]*Notice{}
		for _, v := range loans {
			if v.Loan.ReaderID == "" {
				continue
			}
			n := per[v.Loan.ReaderID]
			if n == nil {
				r, err := lib.Reader(v.Loan.ReaderID)
				if err != nil {
					return nil, errors.Wrapf(err, "reading the reader of loan %s", v.Loan.ID)
				}
				n = &Notice{Kind: kind, Date: today, Reader: readerOf(r)}
				per[r.ID] = n
				out = append(out, n)
			}
			it := Item{Ref: v.Loan.ID, Due: v.Loan.Due, OverdueDays: v.OverdueDays}
			if v.Title != nil {
				it.Title, it.CallNumber = v.Title.Title, v.Title.CallNumber
			}
			if v.Copy != nil {
				it.Barcode = v.Copy.Barcode
				if v.Copy.CallNumber != "" {
					it.CallNumber = v.Copy.CallNumber
				}
			}
			n.Items = append(n.Items, it)
		}
	case HoldReady:
		ready, err := lib.PickupShelf()
		if err != nil {
			return nil, err
		}
		per := map[string]*Notice{}
		for _, v := range ready {
			if v.Reader == nil {
				continue
			}
			n := per[v.Reader.ID]
			if n == nil {
				n = &Notice{Kind: kind, Date: today, Reader: readerOf(v.Reader)}
				per[v.Reader.ID] = n
				out = append(out, n)
			}
			it := Item{Ref: v.Hold.ID, PickupBy: v.Hold.PickupBy}
			if v.Title != nil {
				it.Title, it.CallNumber = v.Title.Title, v.Title.CallNumber
			}
			if v.Copy != nil {
				it.Barcode = v.Copy.Barcode
			}
			n.Items = append(n.Items, it)
		}
	case CardExpired:
		err := lib.View(func(tx app.Tx) error {
			return tx.ForEach(app.CollReaders, func(id string, raw []byte) error {
				var r app.Reader
				if _, err := tx.Get(app.CollReaders, id, &r); err != nil {
					return err
				}
				if r.Deleted || r.Status == app.ReaderArchived || !r.Expired(today) {
					return nil
				}
				out = append(out, &Notice{Kind: kind, Date: today, Reader: readerOf(&r)})
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, app.Refuse(app.ReasonInvalidInput, "field", "notice_kind", "value", string(kind))
	}
	for _, n := range out {
		sort.Slice(n.Items, func(i, j int) bool {
			if n.Items[i].Due != n.Items[j].Due {
				return n.Items[i].Due < n.Items[j].Due
			}
			return n.Items[i].Title < n.Items[j].Title
		})
		refs := make([]string, len(n.Items))
		for i, it := range n.Items {
			refs[i] = it.Ref
		}
		if kind == CardExpired {
			refs = []string{string(n.Reader.Expiry)}
		}
		n.ID = NoticeID(n.Reader.ID, kind, refs, today)
		if kind == Overdue {
			n.Band = BandOf(n.MaxOverdue(), opts.bands())
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Reader, out[j].Reader
		if a.Class != b.Class {
			return a.Class < b.Class
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Card < b.Card
	})
	return out, nil
}

func readerOf(r *app.Reader) Reader {
	return Reader{ID: r.ID, Card: r.Card, Name: r.Name, Class: r.Class, Grade: r.Grade, Email: r.Email, Phone: r.Phone, Expiry: r.Expiry}
}

// Group is notices that share a class or an overdue band.
type Group struct {
	Key     string
	Notices []*Notice
}

// ByClass groups notices by the reader's class ("" last), keeping their
// order within each class.
func ByClass(ns []*Notice) []Group {
	return group(ns, func(n *Notice) string { return n.Reader.Class })
}

// ByBand groups overdue notices by band, least overdue first.
func ByBand(ns []*Notice) []Group {
	gs := group(ns, func(n *Notice) string { return n.Band })
	sort.SliceStable(gs, func(i, j int) bool { return bandStart(gs[i].Key) < bandStart(gs[j].Key) })
	return gs
}

func bandStart(b string) int {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func group(ns []*Notice, key func(*Notice) string) []Group {
	idx := map[string]int{}
	var out []Group
	for _, n := range ns {
		k := key(n)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Group{Key: k})
		}
		out[i].Notices = append(out[i].Notices, n)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if (out[i].Key == "") != (out[j].Key == "") {
			return out[j].Key == ""
		}
		return out[i].Key < out[j].Key
	})
	return out
}
