package sip2

import (
	"context"
	"time"

	"github.com/cockroachdb/errors"
)

// Backend is what the server needs from the circulation engine. Each method
// answers one kind of request; the server turns the result into the SIP2
// response. Implementations must be safe for concurrent use: every
// connection calls them from its own goroutine. They should return soon
// after ctx ends: Serve waits for them before it returns.
//
// A method that declines a request for a reason the patron should read
// (card blocked, item on loan to someone else, too many loans) returns a
// *Refusal, made with Refuse, whose Message is the text for the self-check
// screen in the patron's language. The server then answers with ok=0 and
// that message, and uses whatever the method filled into its result (a
// title, a due date) so the screen can say which item it was. Any other
// error is a fault: it is logged, the result is ignored, and the patron sees
// Server.Text.Fault.
type Backend interface {
	// Status reports the state of the library system for a 99 (SC status).
	Status(ctx context.Context, req StatusRequest) (SystemStatus, error)
	// Patron looks a patron up for 23 (patron status) and 63 (patron
	// information). An unknown card is a Patron with Valid false, or a
	// Refusal. The server pages the item lists itself (BP/BQ), so the
	// backend returns them whole.
	Patron(ctx context.Context, req PatronQuery) (Patron, error)
	// Checkout lends an item (11). Checking out an item the patron already
	// has is a renewal; set LoanResult.Renewal then.
	Checkout(ctx context.Context, req CheckoutRequest) (LoanResult, error)
	// Checkin takes an item back (09).
	Checkin(ctx context.Context, req CheckinRequest) (CheckinResult, error)
	// Renew extends one loan (29).
	Renew(ctx context.Context, req RenewRequest) (LoanResult, error)
	// RenewAll extends every loan of a patron that can be extended (65).
	RenewAll(ctx context.Context, req PatronQuery) (RenewAllResult, error)
	// Item describes an item for 17 (item information). An unknown barcode
	// is a Refusal.
	Item(ctx context.Context, req ItemQuery) (Item, error)
	// Hold places (+), cancels (-) or changes (*) a hold (15).
	Hold(ctx context.Context, req HoldRequest) (HoldResult, error)
	// FeePaid records a payment (37).
	FeePaid(ctx context.Context, req FeePaidRequest) (FeePaidResult, error)
	// BlockPatron blocks a card (01), typically because the self-check unit
	// found it on its list of stolen cards, and returns the patron as now
	// blocked: the server answers with a 24.
	BlockPatron(ctx context.Context, req BlockRequest) (Patron, error)
}

// PatronEnabler is implemented by a Backend that supports 25 (patron
// enable). Without it the server answers 25 with the patron's status and a
// refusal message.
type PatronEnabler interface {
	EnablePatron(ctx context.Context, req PatronQuery) (Patron, error)
}

// ItemPropertiesUpdater is implemented by a Backend that supports 19 (item
// status update). Without it the server answers 19 with "not updated".
type ItemPropertiesUpdater interface {
	UpdateItemProperties(ctx context.Context, req ItemQuery) (Item, error)
}

// Refusal is the error a Backend returns when it declines a request for a
// reason the patron should be told.
type Refusal struct {
	// Message is the screen message (AF), in the patron's language.
	Message string
	// Reason is the domain error behind the refusal (ErrReaderBlocked …),
	// if any; errors.Is sees it through the refusal.
	Reason error
}

// Refuse returns a *Refusal with the given screen message and reason; the
// reason may be nil.
func Refuse(message string, reason error) error {
	return &Refusal{Message: message, Reason: reason}
}

// Error describes the refusal for logs: the screen message and the reason.
func (r *Refusal) Error() string {
	if r.Reason != nil {
		return "refused: " + r.Message + ": " + r.Reason.Error()
	}
	return "refused: " + r.Message
}

// Unwrap returns the reason.
func (r *Refusal) Unwrap() error { return r.Reason }

// AsRefusal returns the Refusal inside err, if there is one.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	if errors.As(err, &r) {
		return r, true
	}
	return nil, false
}

// Header carries what every request has in common.
type Header struct {
	// Account is the SIP account the terminal logged in with (or the
	// anonymous account).
	Account Account
	// Institution is the AO field of the request.
	Institution string
	// Date is the transaction date the terminal sent; zero if blank.
	Date time.Time
}

// Display is text a response can carry for the self-check screen and slip.
type Display struct {
	ScreenMessage string // AF
	PrintLine     string // AG
}

// Money is an amount in minor units (cents, fen) and its ISO 4217 currency.
// SIP2 writes it as a decimal, "2.00", with the currency in BH.
type Money struct {
	Minor    int64
	Currency string
}

// StatusRequest is a 99 (SC status).
type StatusRequest struct {
	Header
	// StatusCode is 0 when the unit is fine, 1 out of paper, 2 shutting down.
	StatusCode    int
	MaxPrintWidth int
}

// SystemStatus answers a 99 with a 98 (ACS status).
type SystemStatus struct {
	Online         bool
	CheckinOK      bool
	CheckoutOK     bool
	RenewalPolicy  bool // the terminal may renew items
	StatusUpdateOK bool // the terminal may change patron status (01 block)
	OfflineOK      bool
	// Timeout is how long the terminal should wait for an answer, in tenths
	// of seconds; 0 means "not given".
	Timeout int
	// Retries is how often the terminal may resend; 0 means "not given".
	Retries     int
	LibraryName string // AM
	Location    string // AN, the terminal's location
	Display
}

// PatronQuery identifies a patron: 23, 63, 65, 25.
type PatronQuery struct {
	Header
	Patron   string // AA, the card number
	Password string // AD; empty when the terminal sent none
	// Language is the three-digit SIP2 language code the terminal asked
	// for ("000" unknown, "001" English, "019" Chinese …).
	Language string
	// FeeAcknowledged is BO; only 65 (renew all) carries it.
	FeeAcknowledged bool
}

// PatronFlags is the 14-character patron status field of 24 and 64: one
// bit per condition, Y on the wire when set.
type PatronFlags uint16

// Patron status conditions, in wire order.
const (
	ChargeDenied PatronFlags = 1 << iota
	RenewalDenied
	RecallDenied
	HoldDenied
	CardLost
	TooManyCharged
	TooManyOverdue
	TooManyRenewals
	TooManyClaimsOfReturn
	TooManyLost
	ExcessiveFines
	ExcessiveFees
	RecallOverdue
	TooManyBilled
)

// Patron answers 23, 63, 01 and 25.
type Patron struct {
	ID       string // AA
	Name     string // AE
	Valid    bool   // BL: the card exists and may be used
	Language string // three-digit SIP2 code; "000" when unknown
	Flags    PatronFlags
	// PasswordValid is CQ; sent only when the request carried a password.
	PasswordValid bool
	Fees          Money // BV total owed and BH currency; zero when nothing
	FeeLimit      Money // CC
	// Limits are sent when positive: BZ holds, CA overdue, CB charged.
	HoldItemsLimit, OverdueItemsLimit, ChargedItemsLimit int
	// Item lists, in the order the terminal should show them. Counts in
	// 64 are their lengths.
	HoldItems        []string // AS, holds ready for pickup
	OverdueItems     []string // AT
	ChargedItems     []string // AU
	FineItems        []string // AV
	RecallItems      []string // BU
	UnavailableHolds []string // CD
	Address          string   // BD
	Email            string   // BE
	Phone            string   // BF
	Display
}

// CirculationStatus is an item's state as SIP2 names it (18).
type CirculationStatus int

// Circulation states of SIP2 2.00.
const (
	StatusOther CirculationStatus = iota + 1
	StatusOnOrder
	StatusAvailable
	StatusCharged
	StatusChargedNoRecall
	StatusInProcess
	StatusRecalled
	StatusOnHoldShelf
	StatusWaitingReshelving
	StatusInTransit
	StatusClaimedReturned
	StatusLost
	StatusMissing
)

// Item describes a copy: 17's answer, and the item part of other answers.
type Item struct {
	ID                string // AB, the barcode
	Title             string // AJ
	Status            CirculationStatus
	MediaType         string // CK, three digits: "001" book, "002" magazine …
	Owner             string // BG
	PermanentLocation string // AQ
	CurrentLocation   string // AP
	SortBin           string // CL
	Properties        string // CH
	DueDate           time.Time
	RecallDate        time.Time // CJ
	HoldPickupDate    time.Time // CM
	HoldQueueLength   int       // CF
	Fee               Money     // BV/BH, what borrowing costs
	FeeType           string    // BT, two digits: "01" other …
	// Display is shown only where the item is the whole answer (17, 19);
	// loan and checkin answers have their own.
	Display
}

// CheckoutRequest is an 11 (checkout).
type CheckoutRequest struct {
	Header
	Patron          string // AA
	PatronPassword  string // AD
	Item            string // AB
	ItemProperties  string // CH
	RenewalAllowed  bool   // SC renewal policy: the terminal may renew
	NoBlock         bool   // the terminal lent it offline; record it anyway
	NoBlockDueDate  time.Time
	FeeAcknowledged bool // BO
	Cancel          bool // BI: undo a checkout the terminal could not finish
}

// RenewRequest is a 29 (renew).
type RenewRequest struct {
	Header
	Patron            string // AA
	PatronPassword    string // AD
	Item              string // AB
	Title             string // AJ
	ItemProperties    string // CH
	ThirdPartyAllowed bool
	NoBlock           bool
	NoBlockDueDate    time.Time
	FeeAcknowledged   bool // BO
}

// LoanResult answers 11 and 29.
type LoanResult struct {
	Patron        string // AA; the request's when empty
	Item          Item   // at least the due date on success
	Renewal       bool   // an existing loan was extended
	TransactionID string // BK
	Display
}

// CheckinRequest is a 09 (checkin).
type CheckinRequest struct {
	Header
	Item            string // AB
	CurrentLocation string // AP, where the item is being returned
	ItemProperties  string // CH
	ReturnDate      time.Time
	NoBlock         bool
	Cancel          bool // BI
}

// CheckinResult answers 09.
type CheckinResult struct {
	Item   Item   // PermanentLocation is the required AQ
	Patron string // AA, the patron whose loan ended
	// AlertType is CV, set when staff must handle the item: "01" hold for
	// this branch, "02" hold for another, "04" send to another branch,
	// "99" other. A non-empty AlertType sets the alert flag.
	AlertType      string
	Destination    string // CT
	HoldPatronID   string // CY
	HoldPatronName string // DA
	Display
}

// RenewAllResult answers 65.
type RenewAllResult struct {
	Renewed   []string // BM, item barcodes
	Unrenewed []string // BN
	Display
}

// ItemQuery is a 17 (item information) or a 19 (item status update).
type ItemQuery struct {
	Header
	Item       string // AB
	Properties string // CH, only in 19
}

// HoldMode is the first fixed field of 15.
type HoldMode byte

// Hold modes.
const (
	HoldAdd    HoldMode = '+'
	HoldDelete HoldMode = '-'
	HoldChange HoldMode = '*'
)

// HoldRequest is a 15 (hold).
type HoldRequest struct {
	Header
	Mode            HoldMode
	Patron          string    // AA
	PatronPassword  string    // AD
	Item            string    // AB
	Title           string    // AJ
	PickupLocation  string    // BS
	Expiration      time.Time // BW
	HoldType        int       // BY: 1 other, 2 any copy of the title, 3 this copy, 4 any copy at a location; 0 none given
	FeeAcknowledged bool      // BO
}

// HoldResult answers 15.
type HoldResult struct {
	Available      bool // the item is on the shelf now
	QueuePosition  int  // BR, sent when positive
	Expiration     time.Time
	PickupLocation string // BS
	Item           string // AB
	Title          string // AJ
	Display
}

// FeePaidRequest is a 37 (fee paid).
type FeePaidRequest struct {
	Header
	Patron         string // AA
	PatronPassword string // AD
	FeeType        string // two digits: "01" other, "04" overdue …
	PaymentType    string // two digits: "00" cash, "01" VISA, "02" credit card
	Amount         Money  // BV, with the fixed currency field
	FeeID          string // CG
	TransactionID  string // BK
}

// FeePaidResult answers 37.
type FeePaidResult struct {
	TransactionID string // BK
	Display
}

// BlockRequest is a 01 (block patron).
type BlockRequest struct {
	Header
	Patron       string // AA
	CardRetained bool   // the machine kept the card
	Reason       string // AL, the blocked card message
}
