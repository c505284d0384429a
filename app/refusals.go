package app

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cockroachdb/errors"
)

// Reason names why Circa refused something. It is the one list of refusal and
// sync-exception kinds: the UI translates "refusal.<reason>", SIP2 maps it to
// screen messages and the sync wire carries it as is.
type Reason string

// The reasons. Add new ones here and to assets/i18n.
const (
	ReasonInvalidInput      Reason = "invalid_input"
	ReasonFieldRequired     Reason = "field_required"
	ReasonFieldTooLong      Reason = "field_too_long"
	ReasonInvalidISBN       Reason = "invalid_isbn"
	ReasonInvalidDate       Reason = "invalid_date"
	ReasonUnknownTitle      Reason = "unknown_title"
	ReasonUnknownCopy       Reason = "unknown_copy"
	ReasonUnknownReader     Reason = "unknown_reader"
	ReasonUnknownLoan       Reason = "unknown_loan"
	ReasonUnknownHold       Reason = "unknown_hold"
	ReasonUnknownFine       Reason = "unknown_fine"
	ReasonUnknownCardType   Reason = "unknown_card_type"
	ReasonUnknownStaff      Reason = "unknown_staff"
	ReasonUnknownTimeZone   Reason = "unknown_time_zone"
	ReasonDuplicateBarcode  Reason = "duplicate_barcode"
	ReasonDuplicateCard     Reason = "duplicate_card"
	ReasonDuplicateCardType Reason = "duplicate_card_type"
	ReasonDuplicateStaff    Reason = "duplicate_staff"
	ReasonCardListedTwice   Reason = "card_listed_twice"
	ReasonColumnMissing     Reason = "column_missing"
	ReasonCardExpired       Reason = "card_expired"
	ReasonReaderBlocked     Reason = "reader_blocked"
	ReasonReaderArchived    Reason = "reader_archived"
	ReasonLoanLimit         Reason = "loan_limit"
	ReasonHoldLimit         Reason = "hold_limit"
	ReasonCopyNotLoanable   Reason = "copy_not_loanable"
	ReasonCopyOnLoan        Reason = "copy_on_loan"
	ReasonCopyOnHoldShelf   Reason = "copy_on_hold_shelf"
	ReasonFinesOverLimit    Reason = "fines_over_limit"
	ReasonSuspended         Reason = "suspended"
	ReasonNotOnLoan         Reason = "not_on_loan"
	ReasonRenewalLimit      Reason = "renewal_limit"
	ReasonRenewHoldWaiting  Reason = "renew_hold_waiting"
	ReasonRenewTooOverdue   Reason = "renew_too_overdue"
	ReasonAlreadyHeld       Reason = "already_held"
	ReasonAlreadyHasCopy    Reason = "already_has_copy"
	ReasonHoldNotActive     Reason = "hold_not_active"
	ReasonNothingOwed       Reason = "nothing_owed"
	ReasonOverpayment       Reason = "overpayment"
	ReasonOwesSomething     Reason = "owes_something"
	ReasonHasLoans          Reason = "has_loans"
	ReasonSelfServiceDenied Reason = "self_service_denied"
	ReasonWrongPIN          Reason = "wrong_pin"
	ReasonPermissionDenied  Reason = "permission_denied"
	ReasonWrongPassword     Reason = "wrong_password"
	ReasonLockedOut         Reason = "locked_out"
	ReasonLastAdmin         Reason = "last_admin"
	ReasonNoDefaultRule     Reason = "no_default_rule"
	ReasonCopyLentTwice     Reason = "copy_lent_twice"
	ReasonHoldFilledTwice   Reason = "hold_filled_twice"
	ReasonClockAhead        Reason = "clock_ahead"
	ReasonStorageFull       Reason = "storage_full"
	ReasonReadOnly          Reason = "read_only"
	ReasonDatabaseLocked    Reason = "database_locked"
	ReasonDatabaseDamaged   Reason = "database_damaged"
	ReasonDatabaseForeign   Reason = "database_foreign"
	ReasonDatabaseTooNew    Reason = "database_too_new"
)

// Refusal is the error Circa returns when a rule says no. Facts carry what a
// message needs ("reader" → name, "due" → date); Overridable says whether a
// staff member with the right role may go ahead anyway.
type Refusal struct {
	Reason      Reason
	Facts       map[string]string
	Overridable bool
}

// Error formats the refusal for logs; screens translate Reason instead.
func (r *Refusal) Error() string {
	if len(r.Facts) == 0 {
		return string(r.Reason)
	}
	keys := make([]string, 0, len(r.Facts))
	for k := range r.Facts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(string(r.Reason))
	for i, k := range keys {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%s", k, r.Facts[k])
	}
	return b.String()
}

// Args returns the facts as name/value pairs for a translation catalogue.
func (r *Refusal) Args() []any {
	keys := make([]string, 0, len(r.Facts))
	for k := range r.Facts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		out = append(out, k, r.Facts[k])
	}
	return out
}

// Sentinels that callers test with errors.Is. Every Refusal is marked with
// ErrRefused and with the sentinel of its reason, where there is one.
var (
	ErrRefused       = errors.New("refused")
	ErrNotFound      = errors.New("not found")
	ErrDuplicate     = errors.New("duplicate")
	ErrCopyOnLoan    = errors.New("copy on loan")
	ErrReaderBlocked = errors.New("reader blocked")
	ErrLoanLimit     = errors.New("loan limit reached")
	ErrPermission    = errors.New("permission denied")
	ErrInvalidInput  = errors.New("invalid input")
)

var reasonSentinel = map[Reason]error{
	ReasonUnknownTitle:      ErrNotFound,
	ReasonUnknownCopy:       ErrNotFound,
	ReasonUnknownReader:     ErrNotFound,
	ReasonUnknownLoan:       ErrNotFound,
	ReasonUnknownHold:       ErrNotFound,
	ReasonUnknownFine:       ErrNotFound,
	ReasonUnknownCardType:   ErrNotFound,
	ReasonUnknownStaff:      ErrNotFound,
	ReasonUnknownTimeZone:   ErrInvalidInput,
	ReasonDuplicateBarcode:  ErrDuplicate,
	ReasonDuplicateCard:     ErrDuplicate,
	ReasonDuplicateCardType: ErrDuplicate,
	ReasonDuplicateStaff:    ErrDuplicate,
	ReasonCardListedTwice:   ErrDuplicate,
	ReasonCopyOnLoan:        ErrCopyOnLoan,
	ReasonReaderBlocked:     ErrReaderBlocked,
	ReasonLoanLimit:         ErrLoanLimit,
	ReasonPermissionDenied:  ErrPermission,
	ReasonInvalidInput:      ErrInvalidInput,
	ReasonFieldRequired:     ErrInvalidInput,
	ReasonFieldTooLong:      ErrInvalidInput,
	ReasonInvalidISBN:       ErrInvalidInput,
	ReasonInvalidDate:       ErrInvalidInput,
	ReasonColumnMissing:     ErrInvalidInput,
}

// Refuse makes a Refusal error. facts are name/value pairs.
func Refuse(reason Reason, facts ...string) error {
	return refuse(reason, false, facts)
}

// RefuseOverridable makes a Refusal that a permitted staff member may override.
func RefuseOverridable(reason Reason, facts ...string) error {
	return refuse(reason, true, facts)
}

func refuse(reason Reason, overridable bool, facts []string) error {
	r := &Refusal{Reason: reason, Overridable: overridable}
	if len(facts) > 0 {
		r.Facts = make(map[string]string, len(facts)/2)
		for i := 0; i+1 < len(facts); i += 2 {
			r.Facts[facts[i]] = facts[i+1]
		}
	}
	var err error = r
	err = errors.Mark(err, ErrRefused)
	if s, ok := reasonSentinel[reason]; ok {
		err = errors.Mark(err, s)
	}
	return errors.WithStack(err)
}

// RefusalOf returns the Refusal inside err, if there is one.
func RefusalOf(err error) (*Refusal, bool) {
	var r *Refusal
	if errors.As(err, &r) {
		return r, true
	}
	return nil, false
}

// ReasonOf returns the refusal reason of err, or "" if err is not a refusal.
func ReasonOf(err error) Reason {
	if r, ok := RefusalOf(err); ok {
		return r.Reason
	}
	return ""
}
