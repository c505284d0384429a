package app

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/cockroachdb/errors"
)

// Sign-in lock-out: after maxFailures wrong passwords in a row an account
// waits lockoutBase, doubling with each further failure up to lockoutMax.
const (
	maxFailures = 5
	lockoutBase = 30 * time.Second
	lockoutMax  = 15 * time.Minute
	minPassword = 6
)

// StaffInput is what an admin fills in for a staff account.
type StaffInput struct {
	Username string
	Name     string
	Role     Role
	Password string
}

func validRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// AddStaff creates a staff account. The first account of a library may be
// made by System (first run); later ones need the manage-staff permission.
func (l *Library) AddStaff(actor Actor, in StaffInput) (*Staff, error) {
	if err := require(actor, PermManageStaff); err != nil {
		return nil, err
	}
	username, err := checkCode("username", in.Username)
	if err != nil {
		return nil, err
	}
	name, err := checkText("name", in.Name, false, maxShortField)
	if err != nil {
		return nil, err
	}
	if !validRole(in.Role) {
		return nil, Refuse(ReasonInvalidInput, "field", "role")
	}
	if len([]rune(in.Password)) < minPassword {
		return nil, Refuse(ReasonInvalidInput, "field", "password", "min", strconv.Itoa(minPassword))
	}
	hash, err := HashSecret(in.Password, l.rand)
	if err != nil {
		return nil, err
	}
	s := &Staff{Meta: Meta{ID: l.NewID()}, Username: username, Name: name, Role: in.Role, PasswordHash: hash}
	err = l.update(func(tx Tx) error {
		if id, err := lookupOne(tx, IdxStaffUsername, username); err != nil {
			return err
		} else if id != "" {
			return Refuse(ReasonDuplicateStaff, "username", username)
		}
		return l.createRecord(tx, actor, s)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func staffByUsername(tx Tx, username string) (*Staff, error) {
	id, err := lookupOne(tx, IdxStaffUsername, NormalizeBarcode(username))
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, Refuse(ReasonUnknownStaff, "username", username)
	}
	return getRecord[Staff](tx, CollStaff, id, ReasonUnknownStaff)
}

// StaffList lists the staff accounts.
func (l *Library) StaffList() ([]*Staff, error) { return listAll[Staff](l, CollStaff) }

// HasStaff reports whether any staff account exists (false on first run).
func (l *Library) HasStaff() (bool, error) {
	var n int
	err := l.view(func(tx Tx) error {
		var err error
		n, err = tx.Count(CollStaff)
		return err
	})
	return n > 0, err
}

// UpdateStaff changes an account's name, role, password or disabled flag. The
// last enabled admin cannot be demoted or disabled.
func (l *Library) UpdateStaff(actor Actor, username string, name string, role Role, password string, disabled bool) error {
	if err := require(actor, PermManageStaff); err != nil {
		return err
	}
	if !validRole(role) {
		return Refuse(ReasonInvalidInput, "field", "role")
	}
	if password != "" && len([]rune(password)) < minPassword {
		return Refuse(ReasonInvalidInput, "field", "password", "min", strconv.Itoa(minPassword))
	}
	return l.update(func(tx Tx) error {
		old, err := staffByUsername(tx, username)
		if err != nil {
			return err
		}
		if old.Role == RoleAdmin && !old.Disabled && (role != RoleAdmin || disabled) {
			all, err := listAllTx[Staff](tx, CollStaff)
			if err != nil {
				return err
			}
			admins := 0
			for _, s := range all {
				if s.Role == RoleAdmin && !s.Disabled {
					admins++
				}
			}
			if admins <= 1 {
				return Refuse(ReasonLastAdmin)
			}
		}
		upd := *old
		upd.Name, upd.Role, upd.Disabled = name, role, disabled
		if password != "" {
			if upd.PasswordHash, err = HashSecret(password, l.rand); err != nil {
				return err
			}
		}
		return l.updateRecord(tx, actor, old, &upd)
	})
}

type loginFailures struct {
	Count int       `json:"n"`
	Until time.Time `json:"until"`
}

func failureKey(username string) string { return "local/login_failures/" + username }

// SignIn checks a staff password and returns the actor to act as. Repeated
// wrong passwords lock the account out for a growing delay; every failure
// is in the audit log.
func (l *Library) SignIn(username, password string) (Actor, error) {
	username = NormalizeBarcode(username)
	var actor Actor
	var refusal error
	err := l.update(func(tx Tx) error {
		raw, err := tx.Meta(failureKey(username))
		if err != nil {
			return err
		}
		var f loginFailures
		if len(raw) > 0 {
			_ = json.Unmarshal(raw, &f)
		}
		now := l.clock.Now()
		if now.Before(f.Until) {
			refusal = Refuse(ReasonLockedOut, "seconds", strconv.Itoa(int(f.Until.Sub(now).Seconds())+1))
			return nil
		}
		s, err := staffByUsername(tx, username)
		if err == nil && !s.Disabled && VerifySecret(s.PasswordHash, password) {
			actor = Actor{Username: s.Username, Role: s.Role}
			if len(raw) > 0 {
				return tx.SetMeta(failureKey(username), nil)
			}
			return nil
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		f.Count++
		if f.Count >= maxFailures {
			d := lockoutBase << min(f.Count-maxFailures, 5)
			f.Until = now.Add(min(d, lockoutMax))
		}
		enc, _ := json.Marshal(f)
		if err := tx.SetMeta(failureKey(username), enc); err != nil {
			return err
		}
		refusal = Refuse(ReasonWrongPassword)
		_, err = l.commit(tx, Actor{Username: username}, EvAudit, AuditPayload{Action: "sign_in_failed",
			Facts: map[string]string{"username": username, "count": strconv.Itoa(f.Count)}})
		return err
	})
	if err != nil {
		return Actor{}, err
	}
	return actor, refusal
}
