package sip2

import (
	"context"
	"log/slog"
	"time"
)

// session is the state of one connection: who logged in, whether the
// terminal uses checksums, and the last answer, for 97.
type session struct {
	srv      *Server
	log      *slog.Logger
	text     ScreenText
	account  Account
	loggedIn bool // by a 93 or, if allowed, anonymously
	// checksums is set once the terminal has sent a checksum: from then on
	// the server's own 96 answers carry one too.
	checksums    bool
	last         []byte
	badInARow    int
	failedLogins int
	hangUp       bool
}

func newSession(s *Server, log *slog.Logger) *session {
	sess := &session{srv: s, log: log, text: s.Text.orDefault()}
	if a, ok := s.Accounts.Anonymous(); ok {
		sess.account, sess.loggedIn = a, true
	}
	return sess
}

// answer turns one received line into the bytes to send back.
func (s *session) answer(ctx context.Context, line []byte, tooLong bool) []byte {
	if tooLong {
		s.log.Warn("sip2: message too long", "max", positive(s.srv.MaxMessageSize, DefaultMaxMessageSize))
		return s.resend()
	}
	m, err := Parse(line, s.srv.Charset)
	if err != nil {
		// Log what was parsed, with passwords masked, never the raw line.
		what := "unreadable"
		if m != nil {
			what = m.String()
		}
		s.log.Warn("sip2: unusable message", "err", err, "bytes", len(line), "message", what)
		return s.resend()
	}
	s.badInARow = 0
	if m.Checksum {
		s.checksums = true
	}
	if m.Command == RequestACSResend {
		if s.last == nil {
			return s.resend()
		}
		return s.last // as sent, with its own sequence number
	}
	resp := s.dispatch(ctx, m)
	if resp == nil {
		s.log.Warn("sip2: message is not a request", "command", string(m.Command))
		return s.resend()
	}
	resp.Seq, resp.Checksum = m.Seq, m.Checksum
	s.log.Debug("sip2: answered", "request", string(m.Command), "response", string(resp.Command))
	b, err := resp.Format(s.srv.Charset)
	if err != nil {
		s.log.Error("sip2: cannot format response", "err", err)
		return s.resend()
	}
	if max := positive(s.srv.MaxMessageSize, DefaultMaxMessageSize); len(b) > max {
		// Only an enormous screen message can get here: item lists are cut
		// to fit before. Keep the answer and lose the text.
		resp.Fields = dropFields(resp.Fields, FieldScreenMessage, FieldPrintLine)
		if b, err = resp.Format(s.srv.Charset); err != nil {
			return s.resend()
		}
	}
	s.last = b
	return b
}

// resend answers a message the server could not use with 96, asking the
// terminal to send it again, and hangs up on a terminal that keeps failing.
func (s *session) resend() []byte {
	s.badInARow++
	if s.badInARow >= maxBadMessages {
		s.log.Warn("sip2: too many unusable messages, hanging up")
		s.hangUp = true
	}
	m := NewMessage(RequestSCResend)
	m.Checksum = s.checksums
	b, _ := m.Format(UTF8)
	s.last = b
	return b
}

func dropFields(fs []Field, ids ...string) []Field {
	var out []Field
next:
	for _, f := range fs {
		for _, id := range ids {
			if f.ID == id {
				continue next
			}
		}
		out = append(out, f)
	}
	return out
}

// backend is the Backend this session may use: the real one once logged
// in, one that refuses everything before.
func (s *session) backend() Backend {
	if s.loggedIn {
		return s.srv.Backend
	}
	return refuseAll{Refuse(s.text.LoginRequired, ErrLoginRequired)}
}

// login handles a 93. A failed login leaves the session logged out, even if
// an earlier login had succeeded, since the terminal is now someone else.
func (s *session) login(ctx context.Context, m *Message) *Message {
	user, loc := m.Field(FieldLoginUserID), m.Field(FieldLocationCode)
	a, err := s.srv.Accounts.Authenticate(ctx, user, m.Field(FieldLoginPassword), loc)
	resp := NewMessage(LoginResponse)
	if err != nil {
		s.failedLogins++
		s.loggedIn = false
		if anon, ok := s.srv.Accounts.Anonymous(); ok {
			s.account, s.loggedIn = anon, true
		}
		s.log.Warn("sip2: login refused", "user", user, "location", loc, "err", err)
		if s.failedLogins >= maxFailedLogins {
			s.log.Warn("sip2: too many failed logins, hanging up", "user", user)
			s.hangUp = true
		}
		return resp.SetFixedField(FOK, "0")
	}
	s.account, s.loggedIn, s.failedLogins = a, true, 0
	s.log.Info("sip2: logged in", "user", a.User, "location", a.Location)
	return resp.SetFixedField(FOK, "1")
}

// header collects what every request shares.
func (s *session) header(m *Message) Header {
	return Header{Account: s.account, Institution: m.Field(FieldInstitutionID), Date: s.date(m.FixedField(FTransactionDate))}
}

// date reads a date the terminal sent, in the server's local time when it
// has no zone. A date the server cannot read counts as none: a terminal's
// clock format is no reason to refuse a loan.
func (s *session) date(v string) time.Time {
	t, _ := ParseDate(v, s.srv.now().Location())
	return t
}

// institution is the AO of a response: the request's, or the account's.
func (s *session) institution(m *Message) string {
	if v := m.Field(FieldInstitutionID); v != "" {
		return v
	}
	return s.account.Institution
}

// refusal turns a backend error into the screen message of a negative
// answer. Faults are logged; the patron sees the fault text.
func (s *session) refusal(err error, what string) string {
	if r, ok := AsRefusal(err); ok {
		return r.Message
	}
	s.log.Error("sip2: backend failed", "request", what, "err", err)
	return s.text.Fault
}

func (s *session) nowDate() string { return FormatDate(s.srv.now()) }

// refuseAll is the Backend of a session that has not logged in.
type refuseAll struct{ err error }

func (r refuseAll) Status(context.Context, StatusRequest) (SystemStatus, error) {
	return SystemStatus{}, r.err
}
func (r refuseAll) Patron(context.Context, PatronQuery) (Patron, error) { return Patron{}, r.err }
func (r refuseAll) Checkout(context.Context, CheckoutRequest) (LoanResult, error) {
	return LoanResult{}, r.err
}
func (r refuseAll) Checkin(context.Context, CheckinRequest) (CheckinResult, error) {
	return CheckinResult{}, r.err
}
func (r refuseAll) Renew(context.Context, RenewRequest) (LoanResult, error) {
	return LoanResult{}, r.err
}
func (r refuseAll) RenewAll(context.Context, PatronQuery) (RenewAllResult, error) {
	return RenewAllResult{}, r.err
}
func (r refuseAll) Item(context.Context, ItemQuery) (Item, error)         { return Item{}, r.err }
func (r refuseAll) Hold(context.Context, HoldRequest) (HoldResult, error) { return HoldResult{}, r.err }
func (r refuseAll) FeePaid(context.Context, FeePaidRequest) (FeePaidResult, error) {
	return FeePaidResult{}, r.err
}
func (r refuseAll) BlockPatron(context.Context, BlockRequest) (Patron, error) {
	return Patron{}, r.err
}
func (r refuseAll) EnablePatron(context.Context, PatronQuery) (Patron, error) {
	return Patron{}, r.err
}
func (r refuseAll) UpdateItemProperties(context.Context, ItemQuery) (Item, error) {
	return Item{}, r.err
}

var (
	_ PatronEnabler         = refuseAll{}
	_ ItemPropertiesUpdater = refuseAll{}
)
