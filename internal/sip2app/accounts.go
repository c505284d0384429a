package sip2app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/sip2"
)

// Account is one SIP2 login as the library keeps it.
type Account struct {
	// User is the login user ID (CN).
	User string `json:"-"`
	// Location is the terminal's location code, used when the login sends
	// none (CP).
	Location string `json:"location,omitempty"`
	// Institution is the AO answered when a request leaves it empty.
	Institution string `json:"institution,omitempty"`
	// Lang is the language of the screen messages; the library's default
	// SIP2 language when empty.
	Lang i18n.Lang `json:"lang,omitempty"`
	// Payments lets the terminal record payments (37), as a payment
	// machine does.
	Payments bool `json:"payments,omitempty"`
	// Block lets the terminal block cards (01), as a unit that keeps
	// stolen cards does.
	Block bool `json:"block,omitempty"`
	// PasswordHash is the argon2id hash of the login password.
	PasswordHash string `json:"hash"`
}

// maxUserLen keeps user IDs short enough for a setting name and a SIP2
// field; SIP2 forbids '|' inside a field.
const maxUserLen = 64

func checkUser(user string) (string, error) {
	user = strings.TrimSpace(user)
	if user == "" {
		return "", app.Refuse(app.ReasonFieldRequired, "field", "sip2_user")
	}
	if len(user) > maxUserLen {
		return "", app.Refuse(app.ReasonFieldTooLong, "field", "sip2_user", "max", "64")
	}
	for _, r := range user {
		if r == '|' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return "", app.Refuse(app.ReasonInvalidInput, "field", "sip2_user")
		}
	}
	return user, nil
}

// AddAccount creates or replaces the account a.User with password, which
// is stored only as its argon2id hash. The actor needs the settings
// permission.
func AddAccount(lib *app.Library, actor app.Actor, a Account, password string) error {
	if !actor.Can(app.PermSettings) {
		return app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermSettings), "role", string(actor.Role))
	}
	user, err := checkUser(a.User)
	if err != nil {
		return err
	}
	if password == "" || strings.ContainsAny(password, "|\r\n") {
		return app.Refuse(app.ReasonInvalidInput, "field", "sip2_password")
	}
	if strings.ContainsAny(a.Location+a.Institution, "|\r\n") {
		return app.Refuse(app.ReasonInvalidInput, "field", "sip2_location")
	}
	if a.PasswordHash, err = app.HashSecret(password, rand.Reader); err != nil {
		return err
	}
	raw, err := json.Marshal(a)
	if err != nil {
		return errors.Wrap(err, "encoding a SIP2 account")
	}
	return lib.SetSetting(actor, settingAccount+user, string(raw))
}

// RemoveAccount deletes an account; the terminal's next login fails. A
// removed account is an empty setting, which syncs like any change.
func RemoveAccount(lib *app.Library, actor app.Actor, user string) error {
	a, ok, err := LookupAccount(lib, user)
	if err != nil {
		return err
	}
	if !ok {
		return app.Refuse(app.ReasonUnknownStaff)
	}
	return lib.SetSetting(actor, settingAccount+a.User, "")
}

// LookupAccount returns the account user, and false if there is none.
func LookupAccount(lib *app.Library, user string) (Account, bool, error) {
	user = strings.TrimSpace(user)
	if user == "" {
		return Account{}, false, nil
	}
	v, err := lib.Setting(settingAccount+user, "")
	if err != nil || v == "" {
		return Account{}, false, err
	}
	a, err := decodeAccount(user, v)
	if err != nil {
		return Account{}, false, err
	}
	return a, true, nil
}

func decodeAccount(user, raw string) (Account, error) {
	var a Account
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		return Account{}, errors.Wrapf(err, "reading SIP2 account %s", user)
	}
	a.User = user
	return a, nil
}

// ListAccounts returns every account, by user ID.
func ListAccounts(lib *app.Library) ([]Account, error) {
	var out []Account
	err := lib.View(func(tx app.Tx) error {
		var ids []string
		err := tx.ForEach(app.CollSettings, func(id string, _ []byte) error {
			if strings.HasPrefix(id, settingAccount) {
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			var s app.Setting
			if found, err := tx.Get(app.CollSettings, id, &s); err != nil || !found || s.Deleted || s.Value == "" {
				if err != nil {
					return err
				}
				continue
			}
			a, err := decodeAccount(strings.TrimPrefix(id, settingAccount), s.Value)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].User < out[j].User })
	return out, err
}

// Accounts checks SIP2 logins against the accounts in the library's
// settings. A wrong login is refused and written to the audit log as
// "sip2_login_failed".
type Accounts struct {
	Lib    *app.Library
	Logger *slog.Logger

	// mu lets one argon2id check run at a time: each takes 64 MiB, and
	// fifty units logging in at opening time must not take 3 GiB. A login
	// that succeeded is remembered, keyed to the stored hash, so the next
	// login of that unit with the same password costs a SHA-256.
	mu   sync.Mutex
	good map[string][32]byte // user → SHA-256(hash, password) of the last good login
}

var _ sip2.Accounts = (*Accounts)(nil)

func loginDigest(hash, password string) [32]byte {
	return sha256.Sum256([]byte(hash + "\x00" + password))
}

// Authenticate implements sip2.Accounts.
func (s *Accounts) Authenticate(_ context.Context, user, password, location string) (sip2.Account, error) {
	a, ok, err := LookupAccount(s.Lib, user)
	if err != nil {
		return sip2.Account{}, err
	}
	if !ok {
		// Spend what a wrong password costs, so that timing does not tell
		// which user IDs exist.
		a.User, a.PasswordHash = "", decoyHash()
	}
	if s.verify(a, password) && ok {
		acc := sip2.Account{User: a.User, Institution: a.Institution, Location: a.Location}
		if location != "" {
			acc.Location = location
		}
		return acc, nil
	}
	// What a stranger typed goes into the log cut to a sane length.
	user, location = clip(user), clip(location)
	facts := map[string]string{"user": user}
	if location != "" {
		facts["location"] = location
	}
	if err := s.Lib.Audit(actorFor(user), "sip2_login_failed", facts); err != nil && s.Logger != nil {
		s.Logger.Error("sip2: writing a failed login to the audit log", "user", user, "error", err.Error())
	}
	return sip2.Account{}, errors.Wrapf(sip2.ErrLoginRefused, "user %q", user)
}

var decoy struct {
	once sync.Once
	hash string
}

func decoyHash() string {
	decoy.once.Do(func() { decoy.hash, _ = app.HashSecret("decoy", rand.Reader) })
	return decoy.hash
}

func (s *Accounts) verify(a Account, password string) bool {
	d := loginDigest(a.PasswordHash, password)
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.good[a.User]; ok && subtle.ConstantTimeCompare(g[:], d[:]) == 1 {
		return true
	}
	if !app.VerifySecret(a.PasswordHash, password) || a.User == "" {
		return false
	}
	if s.good == nil {
		s.good = map[string][32]byte{}
	}
	s.good[a.User] = d
	return true
}

// Anonymous implements sip2.Accounts: every terminal must log in.
func (s *Accounts) Anonymous() (sip2.Account, bool) { return sip2.Account{}, false }

func clip(s string) string {
	if len(s) > maxUserLen {
		s = s[:maxUserLen]
	}
	return strings.ToValidUTF8(s, "?")
}

// actorFor is who a terminal acts as: never staff, always named after its
// login so the audit log says which machine did what.
func actorFor(user string) app.Actor {
	if user == "" {
		user = "anonymous"
	}
	return app.Actor{Username: "sip2:" + user, Role: app.RoleKiosk}
}
