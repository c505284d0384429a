package sip2

import (
	"context"

	"github.com/cockroachdb/errors"
)

var (
	// ErrLoginRefused marks a 93 (login) whose user ID or password is wrong.
	ErrLoginRefused = errors.New("sip2: login refused")
	// ErrLoginRequired is the reason of the refusals a terminal gets for
	// circulation messages sent before a 93 (login).
	ErrLoginRequired = errors.New("sip2: login required")
)

// Account is one SIP2 login, usually one per self-check unit or per
// integration (a kiosk, an automated return machine, a discovery layer).
type Account struct {
	// User is the login user ID (CN).
	User string
	// Institution is the AO the server puts in responses when a request
	// leaves it empty.
	Institution string
	// Location is the location code (CP) the terminal gave at login, or the
	// account's configured one.
	Location string
}

// Accounts decides which terminals may talk to the server.
type Accounts interface {
	// Authenticate checks the user ID and password of a 93 (login). The
	// password arrives as the terminal sent it; comparing it with a stored
	// hash is the implementation's business. A wrong login returns an error
	// (marked ErrLoginRefused by convention): the server logs it and
	// answers 940.
	Authenticate(ctx context.Context, user, password, location string) (Account, error)
	// Anonymous returns the account used by sessions that send circulation
	// messages without logging in, and false when every session must log in
	// with a 93 first.
	Anonymous() (Account, bool)
}

// AccountTable is an Accounts kept in memory, for a configuration file or
// the settings screen. Password hashing lives with the caller: the table
// stores hashes and asks CheckPassword to compare.
type AccountTable struct {
	// Users maps login user IDs to their accounts.
	Users map[string]TableEntry
	// CheckPassword reports whether password matches hash.
	CheckPassword func(hash, password string) bool
	// AllowAnonymous, when set, is the account of sessions that never send
	// a 93; leave it nil to require a login.
	AllowAnonymous *Account
}

// TableEntry is one user of an AccountTable.
type TableEntry struct {
	Account
	PasswordHash string
}

// Authenticate implements Accounts.
func (t *AccountTable) Authenticate(_ context.Context, user, password, location string) (Account, error) {
	e, ok := t.Users[user]
	if !ok || t.CheckPassword == nil || !t.CheckPassword(e.PasswordHash, password) {
		return Account{}, errors.Wrapf(ErrLoginRefused, "user %q", user)
	}
	a := e.Account
	a.User = user
	if location != "" {
		a.Location = location
	}
	return a, nil
}

// Anonymous implements Accounts.
func (t *AccountTable) Anonymous() (Account, bool) {
	if t.AllowAnonymous == nil {
		return Account{}, false
	}
	return *t.AllowAnonymous, true
}
