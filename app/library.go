package app

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/errors"
)

// Options configure a Library.
type Options struct {
	// Clock defaults to the system clock.
	Clock Clock
	// Rand defaults to crypto/rand.
	Rand io.Reader
	// Station is this station's ID (the SHA-256 of its certificate, from
	// sync). Empty: use the one stored, or make a random one.
	Station string
	// Location is the time zone to use while the library's settings name
	// none (SettingTimeZone); default time.Local.
	Location *time.Location
}

// Library is the domain service every front end drives: the desk, the kiosk,
// SIP2, the CLI and sync replay.
type Library struct {
	store   Store
	clock   Clock
	rand    io.Reader
	ids     *IDSource
	station string
	// loc is the zone in use: SettingTimeZone, else defaultLoc. It changes
	// when the setting does, so it is read atomically.
	loc        atomic.Pointer[time.Location]
	defaultLoc *time.Location

	mu      sync.Mutex // serialises writers so pending belongs to one Update
	pending []*Event
	// tally gathers the daily figures of the update running, written just
	// before it commits (see countLoan).
	tally *dailyTally
	// memo holds the rules and card types of the transaction replaying
	// events, if one is (rulememo.go).
	memo      atomic.Pointer[ruleMemo]
	obsMu     sync.RWMutex
	observers []func([]*Event)
}

// Open wraps a store as a Library, giving the store its station and database
// IDs on first use.
func Open(store Store, opts Options) (*Library, error) {
	l := &Library{store: store, clock: opts.Clock, rand: opts.Rand, defaultLoc: opts.Location}
	if l.clock == nil {
		l.clock = SystemClock{}
	}
	if l.rand == nil {
		l.rand = rand.Reader
	}
	if l.defaultLoc == nil {
		l.defaultLoc = time.Local
	}
	l.loc.Store(l.defaultLoc)
	l.ids = NewIDSource(l.rand)
	err := store.Update(func(tx Tx) error {
		st, err := tx.Meta(MetaStation)
		if err != nil {
			return err
		}
		switch {
		case opts.Station != "":
			l.station = opts.Station
		case len(st) > 0:
			l.station = string(st)
		default:
			l.station = l.randomHex(32)
		}
		if string(st) != l.station {
			if err := tx.SetMeta(MetaStation, []byte(l.station)); err != nil {
				return err
			}
		}
		db, err := tx.Meta(MetaDatabaseID)
		if err != nil {
			return err
		}
		if len(db) == 0 {
			return tx.SetMeta(MetaDatabaseID, []byte(l.randomHex(16)))
		}
		return nil
	})
	if err != nil {
		return nil, errors.Wrap(err, "preparing the library")
	}
	if err := l.refreshZone(); err != nil {
		return nil, errors.Wrap(err, "computing the daily figures")
	}
	return l, nil
}

func (l *Library) randomHex(n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(l.rand, b); err != nil {
		panic(errors.Wrap(err, "reading randomness"))
	}
	return hex.EncodeToString(b)
}

// Store returns the underlying store (for sync, backup and reports).
func (l *Library) Store() Store { return l.store }

// Clock returns the library's clock.
func (l *Library) Clock() Clock { return l.clock }

// Station returns this station's ID.
func (l *Library) Station() string { return l.station }

// Location returns the library's time zone.
func (l *Library) Location() *time.Location { return l.loc.Load() }

// Today is the current day in the library's time zone.
func (l *Library) Today() Date { return DateOf(l.clock.Now(), l.Location()) }

// NewID makes a record ID.
func (l *Library) NewID() string { return l.ids.New(l.clock.Now()) }

// Observe registers fn to be called with the events of every committed
// change (after the commit, outside the transaction). The desk uses it to
// refresh screens, sync to wake up.
func (l *Library) Observe(fn func([]*Event)) {
	l.obsMu.Lock()
	l.observers = append(l.observers, fn)
	l.obsMu.Unlock()
}

// update runs fn in one durable transaction and then tells observers.
func (l *Library) update(fn func(Tx) error) error {
	l.mu.Lock()
	l.pending = l.pending[:0]
	err := l.store.Update(func(tx Tx) error {
		l.tally = newDailyTally(tx, l.Location())
		defer func() { l.tally = nil }()
		if err := fn(tx); err != nil {
			return err
		}
		return l.tally.flush()
	})
	evs := append([]*Event(nil), l.pending...)
	l.pending = l.pending[:0]
	l.mu.Unlock()
	if err != nil {
		return err
	}
	if touchesSettings(evs) {
		if err := l.refreshZone(); err != nil {
			return err
		}
	}
	if len(evs) > 0 {
		l.obsMu.RLock()
		obs := append([]func([]*Event){}, l.observers...)
		l.obsMu.RUnlock()
		for _, o := range obs {
			o(evs)
		}
	}
	return nil
}

// view runs fn in a read-only transaction.
func (l *Library) view(fn func(Tx) error) error { return l.store.View(fn) }

// View runs fn in a read-only transaction, for readers outside app (reports,
// export) that need a consistent snapshot.
func (l *Library) View(fn func(Tx) error) error { return l.store.View(fn) }

// Audit records an action that changes no record, such as an export of reader
// data, in the event log.
func (l *Library) Audit(actor Actor, action string, facts map[string]string) error {
	return l.update(func(tx Tx) error {
		_, err := l.commit(tx, actor, EvAudit, AuditPayload{Action: action, Facts: facts})
		return err
	})
}

// Actor is who does something: a signed-in staff member, the kiosk, or the
// system itself (scheduled jobs, sync).
type Actor struct {
	Username string
	Role     Role
}

// System is the actor for scheduled jobs and sync.
var System = Actor{Username: "system", Role: RoleAdmin}

// Permission is something a role may or may not do.
type Permission string

// Permissions.
const (
	PermCirculate     Permission = "circulate"
	PermOverride      Permission = "override"
	PermEditCatalogue Permission = "edit_catalogue"
	PermEditReaders   Permission = "edit_readers"
	PermBlockReaders  Permission = "block_readers"
	PermTakePayments  Permission = "take_payments"
	PermWaiveFines    Permission = "waive_fines"
	PermSettings      Permission = "settings"
	PermManageStaff   Permission = "manage_staff"
	PermExportReaders Permission = "export_readers"
	PermViewAudit     Permission = "view_audit"
	PermSelfService   Permission = "self_service"
	PermImport        Permission = "import"
	PermResolveSync   Permission = "resolve_sync"
	PermBackup        Permission = "backup"
)

var rolePerms = map[Role][]Permission{
	RoleAdmin: {PermCirculate, PermOverride, PermEditCatalogue, PermEditReaders, PermBlockReaders,
		PermTakePayments, PermWaiveFines, PermSettings, PermManageStaff, PermExportReaders,
		PermViewAudit, PermSelfService, PermImport, PermResolveSync, PermBackup},
	RoleLibrarian: {PermCirculate, PermOverride, PermEditCatalogue, PermEditReaders, PermBlockReaders,
		PermTakePayments, PermWaiveFines, PermSelfService, PermImport, PermResolveSync, PermBackup},
	RoleAssistant: {PermCirculate, PermTakePayments, PermSelfService},
	RoleKiosk:     {PermSelfService},
}

// Can reports whether the actor's role grants p.
func (a Actor) Can(p Permission) bool {
	for _, q := range rolePerms[a.Role] {
		if q == p {
			return true
		}
	}
	return false
}

// require refuses unless the actor may do p.
func require(a Actor, p Permission) error {
	if a.Can(p) {
		return nil
	}
	return Refuse(ReasonPermissionDenied, "permission", string(p), "role", string(a.Role))
}

// Roles lists the staff roles in order of trust.
var Roles = []Role{RoleAdmin, RoleLibrarian, RoleAssistant, RoleKiosk}
