package app

import "time"

// Collection names a kind of stored record.
type Collection string

// The collections. Storage keeps each in its own bucket.
const (
	CollTitles     Collection = "titles"
	CollCopies     Collection = "copies"
	CollReaders    Collection = "readers"
	CollCardTypes  Collection = "cardtypes"
	CollRules      Collection = "rules"
	CollClosedDays Collection = "closeddays"
	CollLoans      Collection = "loans"
	CollHolds      Collection = "holds"
	CollFines      Collection = "fines"
	CollStaff      Collection = "staff"
	CollSettings   Collection = "settings"
	CollFeedback   Collection = "feedback"
	CollExceptions Collection = "exceptions"
	CollConflicts  Collection = "conflicts"
	CollOutbox     Collection = "outbox"
	CollNotices    Collection = "notices"
)

// SyncedCollections are shared by every station and covered by the state hash.
var SyncedCollections = []Collection{
	CollTitles, CollCopies, CollReaders, CollCardTypes, CollRules, CollClosedDays,
	CollLoans, CollHolds, CollFines, CollStaff, CollSettings, CollFeedback,
	CollExceptions, CollOutbox, CollNotices, CollDaily,
}

// IndexEntry is one secondary-index key of a record. Unique indexes hold one
// record per key; storage refuses a second with ErrDuplicate.
type IndexEntry struct {
	Index  string
	Key    string
	Unique bool
}

// Record is anything the Store keeps.
type Record interface {
	Collection() Collection
	RecordID() string
	Indexes() []IndexEntry
}

// Meta is embedded in every synced record: its ID, the version of its last
// write, the versions of fields written since (for per-field last-writer-wins)
// and its tombstone.
type Meta struct {
	ID      string             `json:"id"`
	Ver     Version            `json:"ver"`
	Fields  map[string]Version `json:"fver,omitempty"`
	Deleted bool               `json:"deleted,omitempty"`
}

// RecordID returns the record's ID.
func (m *Meta) RecordID() string { return m.ID }

// FieldVersion returns the version that last wrote field f.
func (m *Meta) FieldVersion(f string) Version {
	if v, ok := m.Fields[f]; ok {
		return v
	}
	return m.Ver
}

// ItemType names a kind of copy: book, magazine, reference, av … Libraries
// may add their own.
type ItemType string

// Built-in item types.
const (
	ItemBook      ItemType = "book"
	ItemMagazine  ItemType = "magazine"
	ItemReference ItemType = "reference"
	ItemAV        ItemType = "av"
)

// Title is a bibliographic record.
type Title struct {
	Meta
	ISBNs        []string `json:"isbns,omitempty"`
	Title        string   `json:"title"`
	Subtitle     string   `json:"subtitle,omitempty"`
	Authors      []string `json:"authors,omitempty"`
	Publisher    string   `json:"publisher,omitempty"`
	Place        string   `json:"place,omitempty"`
	Year         string   `json:"year,omitempty"`
	Language     string   `json:"language,omitempty"`
	Subjects     []string `json:"subjects,omitempty"`
	CLC          string   `json:"clc,omitempty"`
	Dewey        string   `json:"dewey,omitempty"`
	CallNumber   string   `json:"call_number,omitempty"`
	Series       string   `json:"series,omitempty"`
	Summary      string   `json:"summary,omitempty"`
	SourceMARC   []byte   `json:"marc,omitempty"`
	SourceFormat string   `json:"marc_format,omitempty"`
	// SourceID is the control number (MARC 001) of the imported record, so
	// importing the same file again matches instead of doubling.
	SourceID string `json:"source_id,omitempty"`
}

// Collection implements Record.
func (*Title) Collection() Collection { return CollTitles }

// Indexes implements Record: ISBNs and search tokens, and the facets
// statistics count by (IdxTitleFacets), which a withdrawn title keeps: its
// past loans still count under its class.
func (t *Title) Indexes() []IndexEntry {
	facets := IndexEntry{Index: IdxTitleFacets, Key: TitleFacetsKey(t)}
	if t.Deleted {
		return []IndexEntry{facets}
	}
	out := []IndexEntry{facets}
	for _, isbn := range t.ISBNs {
		out = append(out, IndexEntry{Index: IdxTitleISBN, Key: isbn})
	}
	if t.SourceID != "" {
		out = append(out, IndexEntry{Index: IdxTitleSource, Key: t.SourceID})
	}
	for _, tok := range TitleTokens(t) {
		out = append(out, IndexEntry{Index: IdxTitleSearch, Key: tok})
	}
	return out
}

// CopyStatus is where a copy is in its life.
type CopyStatus string

// Copy statuses.
const (
	CopyAvailable       CopyStatus = "available"
	CopyOnLoan          CopyStatus = "on_loan"
	CopyOnHoldShelf     CopyStatus = "on_hold_shelf"
	CopyInTransit       CopyStatus = "in_transit"
	CopyLost            CopyStatus = "lost"
	CopyClaimedReturned CopyStatus = "claimed_returned"
	CopyDamaged         CopyStatus = "damaged"
	CopyWithdrawn       CopyStatus = "withdrawn"
)

// Copy is one physical item. It is encoded by hand (recordjson.go): a field
// added here goes there too, which TestEncodeRecordKnowsEveryField checks.
type Copy struct {
	Meta
	Barcode    string     `json:"barcode"`
	TitleID    string     `json:"title_id"`
	ItemType   ItemType   `json:"item_type"`
	Location   string     `json:"location,omitempty"`
	CallNumber string     `json:"call_number,omitempty"`
	Status     CopyStatus `json:"status"`
	Price      Money      `json:"price,omitempty"`
	Note       string     `json:"note,omitempty"`
	// LoanID is the open loan while Status is on_loan (or lost / claimed
	// returned while that loan stays open).
	LoanID string `json:"loan_id,omitempty"`
	// HoldID is the hold the copy waits for on the hold shelf.
	HoldID string `json:"hold_id,omitempty"`
}

// Collection implements Record.
func (*Copy) Collection() Collection { return CollCopies }

// Indexes implements Record: barcode (unique) and title.
func (c *Copy) Indexes() []IndexEntry {
	if c.Deleted {
		return nil
	}
	return []IndexEntry{
		{Index: IdxCopyBarcode, Key: NormalizeBarcode(c.Barcode), Unique: true},
		{Index: IdxCopyTitle, Key: c.TitleID},
	}
}

// ReaderStatus says whether a reader may borrow.
type ReaderStatus string

// Reader statuses. Expiry is a date, not a status: see Reader.Expired.
const (
	ReaderActive   ReaderStatus = "active"
	ReaderBlocked  ReaderStatus = "blocked"
	ReaderArchived ReaderStatus = "archived"
)

// HistoryPolicy says whether a reader's loan history is kept.
type HistoryPolicy string

// History policies.
const (
	HistoryKeep      HistoryPolicy = "keep"
	HistoryAnonymise HistoryPolicy = "anonymise"
)

// Reader is a library member.
type Reader struct {
	Meta
	Card        string        `json:"card"`
	Name        string        `json:"name"`
	Phone       string        `json:"phone,omitempty"`
	Email       string        `json:"email,omitempty"`
	Class       string        `json:"class,omitempty"`
	Grade       string        `json:"grade,omitempty"`
	CardType    string        `json:"card_type"`
	Status      ReaderStatus  `json:"status"`
	BlockReason string        `json:"block_reason,omitempty"`
	Expiry      Date          `json:"expiry,omitempty"`
	PINHash     string        `json:"pin_hash,omitempty"`
	Guardian    string        `json:"guardian,omitempty"`
	History     HistoryPolicy `json:"history"`
	Notes       string        `json:"notes,omitempty"`
	// SuspendedUntil is set when overdue returns earn suspension days.
	SuspendedUntil Date `json:"suspended_until,omitempty"`
	Registered     Date `json:"registered,omitempty"`
}

// Collection implements Record.
func (*Reader) Collection() Collection { return CollReaders }

// Indexes implements Record: card (unique), class and search tokens.
func (r *Reader) Indexes() []IndexEntry {
	if r.Deleted {
		return nil
	}
	out := []IndexEntry{{Index: IdxReaderCard, Key: NormalizeBarcode(r.Card), Unique: true}}
	if r.Class != "" {
		out = append(out, IndexEntry{Index: IdxReaderClass, Key: r.Class})
	}
	for _, tok := range ReaderTokens(r) {
		out = append(out, IndexEntry{Index: IdxReaderSearch, Key: tok})
	}
	return out
}

// Expired reports whether the card has expired on day today.
func (r *Reader) Expired(today Date) bool {
	return !r.Expiry.IsZero() && r.Expiry.Before(today)
}

// CardType is a kind of membership: 普通, VIP, 教师, 学生 …
type CardType struct {
	Meta
	Code string `json:"code"`
	Name string `json:"name"`
	// NameEN is the English name where Name is Chinese.
	NameEN string `json:"name_en,omitempty"`
	// ValidDays is how long a new or renewed card lasts (0: no expiry).
	ValidDays int `json:"valid_days,omitempty"`
	// RequirePIN asks for the PIN at the self-service kiosk.
	RequirePIN bool `json:"require_pin,omitempty"`
	// MaxFines blocks borrowing while unpaid fines exceed it (0: never).
	MaxFines Money `json:"max_fines,omitempty"`
}

// Collection implements Record.
func (*CardType) Collection() Collection { return CollCardTypes }

// Indexes implements Record.
func (c *CardType) Indexes() []IndexEntry {
	if c.Deleted {
		return nil
	}
	return []IndexEntry{{Index: IdxCardTypeCode, Key: c.Code, Unique: true}}
}

// Rule is one cell of the circulation matrix: card type × item type. An empty
// CardType or ItemType matches any; the cell with both empty is the required
// default.
type Rule struct {
	Meta
	CardType       string   `json:"card_type,omitempty"`
	ItemType       ItemType `json:"item_type,omitempty"`
	LoanDays       int      `json:"loan_days"`
	Renewals       int      `json:"renewals"`
	RenewalDays    int      `json:"renewal_days"`
	MaxLoans       int      `json:"max_loans"`
	MaxHolds       int      `json:"max_holds"`
	FinePerDay     Money    `json:"fine_per_day"`
	FineCap        Money    `json:"fine_cap"`
	GraceDays      int      `json:"grace_days"`
	SuspensionDays int      `json:"suspension_days"`
	// RenewOverdueDays is how many days overdue a loan may still be renewed.
	RenewOverdueDays int  `json:"renew_overdue_days"`
	PickupDays       int  `json:"pickup_days"`
	SelfService      bool `json:"self_service"`
	Loanable         bool `json:"loanable"`
}

// Collection implements Record.
func (*Rule) Collection() Collection { return CollRules }

// Indexes implements Record: one rule per cell.
func (r *Rule) Indexes() []IndexEntry {
	if r.Deleted {
		return nil
	}
	return []IndexEntry{{Index: IdxRuleCell, Key: RuleCellKey(r.CardType, r.ItemType), Unique: true}}
}

// RuleCellKey names a cell of the rules matrix.
func RuleCellKey(cardType string, item ItemType) string {
	return cardType + "|" + string(item)
}

// ClosedDay is a day the library is shut; nothing falls due on it.
type ClosedDay struct {
	Meta
	Day    Date   `json:"day"`
	Reason string `json:"reason,omitempty"`
}

// Collection implements Record.
func (*ClosedDay) Collection() Collection { return CollClosedDays }

// Indexes implements Record.
func (c *ClosedDay) Indexes() []IndexEntry {
	if c.Deleted {
		return nil
	}
	return []IndexEntry{{Index: IdxClosedDay, Key: string(c.Day), Unique: true}}
}

// Loan is one borrowing of one copy by one reader. When the reader's history
// is anonymised, ReaderID is cleared and the statistics fields stay. It is
// encoded by hand (recordjson.go): a field added here goes there too, which
// TestEncodeRecordKnowsEveryField checks.
type Loan struct {
	Meta
	CopyID   string     `json:"copy_id"`
	TitleID  string     `json:"title_id"`
	ReaderID string     `json:"reader_id,omitempty"`
	Out      time.Time  `json:"out"`
	Due      Date       `json:"due"`
	Returned *time.Time `json:"returned,omitempty"`
	Renewals int        `json:"renewals"`
	// Statistics kept through anonymisation.
	CardType string   `json:"card_type"`
	Class    string   `json:"class,omitempty"`
	ItemType ItemType `json:"item_type"`
	Station  string   `json:"station,omitempty"`
	Staff    string   `json:"staff,omitempty"`
	// Overrides name the refusals a staff member overrode to make this loan.
	Overrides []Reason `json:"overrides,omitempty"`
	// Lost is set when the loan ended because the copy was lost.
	Lost       bool `json:"lost,omitempty"`
	Anonymised bool `json:"anonymised,omitempty"`
}

// Collection implements Record.
func (*Loan) Collection() Collection { return CollLoans }

// Open reports whether the copy has not come back.
func (l *Loan) Open() bool { return l.Returned == nil }

// Indexes implements Record: open loans by copy, reader and due date; all
// loans by reader (for history) and by day out (for statistics).
func (l *Loan) Indexes() []IndexEntry {
	if l.Deleted {
		return nil
	}
	out := []IndexEntry{{Index: IdxLoanOut, Key: l.Out.UTC().Format(SortableTime)}}
	if l.ReaderID != "" {
		out = append(out, IndexEntry{Index: IdxLoanReader, Key: l.ReaderID})
	}
	if l.Open() {
		out = append(out,
			IndexEntry{Index: IdxLoanOpenCopy, Key: l.CopyID},
			IndexEntry{Index: IdxLoanDue, Key: string(l.Due)},
		)
		if l.ReaderID != "" {
			out = append(out, IndexEntry{Index: IdxLoanOpenReader, Key: l.ReaderID})
		}
	}
	return out
}

// HoldStatus is where a reservation stands.
type HoldStatus string

// Hold statuses.
const (
	HoldWaiting   HoldStatus = "waiting"
	HoldReady     HoldStatus = "ready"
	HoldFilled    HoldStatus = "filled"
	HoldCancelled HoldStatus = "cancelled"
	HoldExpired   HoldStatus = "expired"
)

// Hold is a reader's place in a title's queue.
type Hold struct {
	Meta
	TitleID  string     `json:"title_id"`
	ReaderID string     `json:"reader_id"`
	Placed   time.Time  `json:"placed"`
	Status   HoldStatus `json:"status"`
	CopyID   string     `json:"copy_id,omitempty"`
	// ReadySince and PickupBy are set when a copy waits on the hold shelf.
	ReadySince *time.Time `json:"ready_since,omitempty"`
	PickupBy   Date       `json:"pickup_by,omitempty"`
	Closed     *time.Time `json:"closed,omitempty"`
	ClosedBy   string     `json:"closed_by,omitempty"`
}

// Collection implements Record.
func (*Hold) Collection() Collection { return CollHolds }

// Active reports whether the hold is still waiting or ready.
func (h *Hold) Active() bool { return h.Status == HoldWaiting || h.Status == HoldReady }

// Indexes implements Record: active holds queue by title in the order placed.
func (h *Hold) Indexes() []IndexEntry {
	if h.Deleted {
		return nil
	}
	out := []IndexEntry{{Index: IdxHoldReader, Key: h.ReaderID}}
	if h.Active() {
		out = append(out, IndexEntry{Index: IdxHoldQueue, Key: h.TitleID + "|" + h.Placed.UTC().Format(SortableTime)})
		out = append(out, IndexEntry{Index: IdxHoldStatus, Key: string(h.Status)})
	}
	return out
}

// FineKind says what a charge is for.
type FineKind string

// Fine kinds.
const (
	FineOverdue FineKind = "overdue"
	FineLost    FineKind = "lost"
	FineDamaged FineKind = "damaged"
	FineOther   FineKind = "other"
)

// Fine is a charge to a reader, and the payments and waivers against it.
type Fine struct {
	Meta
	ReaderID string    `json:"reader_id"`
	LoanID   string    `json:"loan_id,omitempty"`
	CopyID   string    `json:"copy_id,omitempty"`
	Kind     FineKind  `json:"kind"`
	Amount   Money     `json:"amount"`
	Created  time.Time `json:"created"`
	Payments []Payment `json:"payments,omitempty"`
}

// Payment is money paid or waived against a fine.
type Payment struct {
	ID     string    `json:"id"`
	Amount Money     `json:"amount"`
	Waived bool      `json:"waived,omitempty"`
	Note   string    `json:"note,omitempty"`
	Staff  string    `json:"staff"`
	At     time.Time `json:"at"`
}

// Collection implements Record.
func (*Fine) Collection() Collection { return CollFines }

// Outstanding is what is still owed on the fine.
func (f *Fine) Outstanding() Money {
	left := f.Amount
	for _, p := range f.Payments {
		left -= p.Amount
	}
	return left
}

// Indexes implements Record.
func (f *Fine) Indexes() []IndexEntry {
	if f.Deleted {
		return nil
	}
	out := []IndexEntry{{Index: IdxFineReader, Key: f.ReaderID}}
	if f.Outstanding() > 0 {
		out = append(out, IndexEntry{Index: IdxFineOpen, Key: f.ReaderID})
	}
	return out
}

// Role is what a staff account may do.
type Role string

// Roles, from most to least trusted.
const (
	RoleAdmin     Role = "admin"
	RoleLibrarian Role = "librarian"
	RoleAssistant Role = "assistant"
	RoleKiosk     Role = "kiosk"
)

// Staff is a staff account. Passwords are stored as argon2id hashes only.
type Staff struct {
	Meta
	Username     string `json:"username"`
	Name         string `json:"name"`
	Role         Role   `json:"role"`
	PasswordHash string `json:"password_hash"`
	Disabled     bool   `json:"disabled,omitempty"`
}

// Collection implements Record.
func (*Staff) Collection() Collection { return CollStaff }

// Indexes implements Record.
func (s *Staff) Indexes() []IndexEntry {
	if s.Deleted {
		return nil
	}
	return []IndexEntry{{Index: IdxStaffUsername, Key: s.Username, Unique: true}}
}

// Setting is one library-wide setting, stored by name (see settings.go).
type Setting struct {
	Meta
	Value string `json:"value"`
}

// Collection implements Record.
func (*Setting) Collection() Collection { return CollSettings }

// Indexes implements Record.
func (*Setting) Indexes() []IndexEntry { return nil }

// Feedback is a rating and comment a reader left at the kiosk.
type Feedback struct {
	Meta
	Rating  int       `json:"rating"`
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"at"`
	Station string    `json:"station,omitempty"`
}

// Collection implements Record.
func (*Feedback) Collection() Collection { return CollFeedback }

// Indexes implements Record.
func (*Feedback) Indexes() []IndexEntry { return nil }

// Exception is something sync found that the rules would have refused; staff
// resolve it with a new, correcting event.
type Exception struct {
	Meta
	Reason   Reason            `json:"reason"`
	Facts    map[string]string `json:"facts,omitempty"`
	EventID  string            `json:"event_id"`
	Station  string            `json:"station"`
	At       time.Time         `json:"at"`
	Resolved bool              `json:"resolved,omitempty"`
	Note     string            `json:"note,omitempty"`
}

// Collection implements Record.
func (*Exception) Collection() Collection { return CollExceptions }

// Indexes implements Record.
func (e *Exception) Indexes() []IndexEntry {
	if e.Resolved || e.Deleted {
		return nil
	}
	return []IndexEntry{{Index: IdxExceptionOpen, Key: e.At.UTC().Format(SortableTime)}}
}

// Conflict keeps a value that lost a last-writer-wins race, so staff can see
// it was "changed elsewhere" and restore it.
type Conflict struct {
	Meta
	Target Collection `json:"target"`
	Of     string     `json:"record_id"`
	Field  string     `json:"field"`
	Value  []byte     `json:"value"`
	Lost   Version    `json:"lost"`
	Won    Version    `json:"won"`
}

// Collection implements Record.
func (*Conflict) Collection() Collection { return CollConflicts }

// Indexes implements Record.
func (c *Conflict) Indexes() []IndexEntry {
	return []IndexEntry{{Index: IdxConflictRecord, Key: c.Of}}
}

// SortableTime formats instants in index keys: fixed width in UTC, so keys
// sort in time order (RFC 3339 with trimmed fractions does not).
const SortableTime = "2006-01-02T15:04:05.000000000Z"

// Secondary index names. Storage keeps each in its own bucket.
const (
	IdxTitleISBN      = "title_isbn"
	IdxTitleSearch    = "title_search"
	IdxTitleSource    = "title_source"
	IdxCopyBarcode    = "copy_barcode"
	IdxCopyTitle      = "copy_title"
	IdxReaderCard     = "reader_card"
	IdxReaderClass    = "reader_class"
	IdxReaderSearch   = "reader_search"
	IdxCardTypeCode   = "cardtype_code"
	IdxRuleCell       = "rule_cell"
	IdxClosedDay      = "closed_day"
	IdxLoanOut        = "loan_out"
	IdxLoanReader     = "loan_reader"
	IdxLoanOpenCopy   = "loan_open_copy"
	IdxLoanOpenReader = "loan_open_reader"
	IdxLoanDue        = "loan_due"
	IdxHoldReader     = "hold_reader"
	IdxHoldQueue      = "hold_queue"
	IdxHoldStatus     = "hold_status"
	IdxFineReader     = "fine_reader"
	IdxFineOpen       = "fine_open"
	IdxStaffUsername  = "staff_username"
	IdxExceptionOpen  = "exception_open"
	IdxConflictRecord = "conflict_record"
	// IdxTitleFacets is in facets.go.
)

// AllIndexes lists every index, so storage can create their buckets.
var AllIndexes = []string{
	IdxTitleISBN, IdxTitleSearch, IdxTitleSource, IdxCopyBarcode, IdxCopyTitle, IdxReaderCard,
	IdxReaderClass, IdxReaderSearch, IdxCardTypeCode, IdxRuleCell, IdxClosedDay,
	IdxLoanOut, IdxLoanReader, IdxLoanOpenCopy, IdxLoanOpenReader, IdxLoanDue,
	IdxHoldReader, IdxHoldQueue, IdxHoldStatus, IdxFineReader, IdxFineOpen,
	IdxStaffUsername, IdxExceptionOpen, IdxConflictRecord, IdxTitleFacets,
}

// AllCollections lists every collection, so storage can create their buckets.
var AllCollections = append(append([]Collection{}, SyncedCollections...), CollConflicts)
