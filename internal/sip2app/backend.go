package sip2app

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/explain"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/sip2"
)

// Backend answers SIP2 requests from the library. It keeps no state of its
// own: every answer is read from, and every change made through, Lib, so
// it is safe for any number of connections at once.
type Backend struct {
	Lib *app.Library
	// Lang is the language of screen messages for accounts without one of
	// their own; the library's sip2.lang setting (else Chinese) when empty.
	// A patron request that names a language Circa speaks wins over both.
	Lang i18n.Lang
	// Logger hears of the calls made with more than the kiosk role; nothing
	// is logged when nil.
	Logger *slog.Logger
}

var _ sip2.Backend = (*Backend)(nil)

// call is one request: who asks, as whom it acts, in which language it
// answers.
type call struct {
	lib   *app.Library
	acc   Account
	actor app.Actor
	cat   *i18n.Catalogue
	log   *slog.Logger
}

// SIP2 language codes of the languages Circa speaks.
const (
	sipEnglish = "001"
	sipChinese = "019"
)

func (b *Backend) begin(ctx context.Context, h sip2.Header, patronLang string) (*call, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	acc, ok, err := LookupAccount(b.Lib, h.Account.User)
	if err != nil {
		return nil, err
	}
	c := &call{lib: b.Lib, acc: acc, actor: actorFor(h.Account.User), log: b.Logger}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	lang := acc.Lang
	switch patronLang {
	case sipEnglish:
		lang = i18n.English
	case sipChinese:
		lang = i18n.Chinese
	}
	if lang == "" {
		lang = b.Lang
	}
	if lang == "" {
		lang = DefaultLang(b.Lib)
	}
	c.cat = i18n.New(lang)
	if !ok {
		// The account was removed while the terminal stayed connected.
		return nil, sip2.Refuse(c.cat.T("sip2.login_required"), sip2.ErrLoginRequired)
	}
	return c, nil
}

// sipLang is the SIP2 code of the call's language.
func (c *call) sipLang() string {
	if c.cat.Lang() == i18n.English {
		return sipEnglish
	}
	return sipChinese
}

// refuse turns a refusal of the library into one the terminal shows, in
// words for the patron: the self-service wording where there is one, the
// desk's otherwise. Anything else stays a fault.
func (c *call) refuse(err error) error {
	r, ok := app.RefusalOf(err)
	if !ok {
		return err
	}
	return sip2.Refuse(c.refusalText(r), err)
}

func (c *call) refusalText(r *app.Refusal) string {
	if key := "kiosk.refusal." + string(r.Reason); c.cat.Has(key) {
		return c.cat.T(key)
	}
	if !c.cat.Has("refusal." + string(r.Reason)) {
		return c.cat.T("kiosk.ask_librarian")
	}
	return explain.Refusal(c.cat, r)
}

func (c *call) date(d app.Date) string { return explain.Date(c.cat, d) }

// dueTime is the end of a due day in the library's time zone.
func (c *call) dueTime(d app.Date) time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, c.lib.Location())
}

func (c *call) currency() string {
	cur, _ := c.lib.Setting(app.SettingCurrency, "CNY")
	if cur == "" {
		cur = "CNY"
	}
	return cur
}

func (c *call) money(m app.Money) sip2.Money {
	if m == 0 {
		return sip2.Money{}
	}
	return sip2.Money{Minor: int64(m), Currency: c.currency()}
}

// reader finds the card's reader and checks the PIN: always when the
// terminal sent one, and for circulation also when the kiosk would ask for
// one (the card type requires it, or the reader has set one).
func (c *call) reader(card, pin string, circulation bool) (*app.Reader, error) {
	r, err := c.lib.ReaderByCard(card)
	if err != nil {
		return nil, c.refuse(err)
	}
	switch {
	case pin != "":
		if err := c.lib.CheckPIN(r, pin); err != nil {
			return r, c.refuse(err)
		}
	case circulation && c.pinRequired(r):
		return r, c.refuse(app.Refuse(app.ReasonWrongPIN))
	}
	return r, nil
}

func (c *call) pinRequired(r *app.Reader) bool {
	if r.PINHash != "" {
		return true
	}
	ct, _ := c.cardType(r.CardType)
	return ct != nil && ct.RequirePIN
}

func (c *call) cardType(code string) (*app.CardType, error) {
	cts, err := c.lib.CardTypes()
	if err != nil {
		return nil, err
	}
	for _, ct := range cts {
		if ct.Code == code {
			return ct, nil
		}
	}
	return nil, nil
}

// mediaType is the SIP2 media type of an item type.
func mediaType(t app.ItemType) string {
	switch t {
	case app.ItemBook, app.ItemReference:
		return "001"
	case app.ItemMagazine:
		return "002"
	case app.ItemAV:
		return "006"
	}
	return "000"
}

// circulationStatus maps a copy's status to SIP2's.
func circulationStatus(s app.CopyStatus) sip2.CirculationStatus {
	switch s {
	case app.CopyAvailable:
		return sip2.StatusAvailable
	case app.CopyOnLoan:
		return sip2.StatusCharged
	case app.CopyOnHoldShelf:
		return sip2.StatusOnHoldShelf
	case app.CopyInTransit:
		return sip2.StatusInTransit
	case app.CopyLost:
		return sip2.StatusLost
	case app.CopyClaimedReturned:
		return sip2.StatusClaimedReturned
	}
	return sip2.StatusOther // damaged, withdrawn
}

func (c *call) item(cp *app.Copy, t *app.Title, loan *app.Loan) sip2.Item {
	it := sip2.Item{ID: cp.Barcode, Status: circulationStatus(cp.Status), MediaType: mediaType(cp.ItemType),
		PermanentLocation: cp.Location, CurrentLocation: cp.Location}
	if t != nil {
		it.Title = t.Title
	}
	if loan != nil && loan.Open() {
		it.DueDate = c.dueTime(loan.Due)
	}
	return it
}

// itemOnly describes a barcode for a refusal's answer, so the screen can
// say which book it was; an unknown barcode gives just the barcode.
func (c *call) itemOnly(barcode string) sip2.Item {
	cp, err := c.lib.CopyByBarcode(barcode)
	if err != nil {
		return sip2.Item{ID: barcode}
	}
	t, _ := c.lib.Title(cp.TitleID)
	return c.item(cp, t, nil)
}

func titleText(t *app.Title) string {
	if t == nil {
		return ""
	}
	return t.Title
}

// Status implements sip2.Backend.
func (b *Backend) Status(ctx context.Context, req sip2.StatusRequest) (sip2.SystemStatus, error) {
	c, err := b.begin(ctx, req.Header, "")
	if err != nil {
		return sip2.SystemStatus{}, err
	}
	name, err := c.lib.Setting(app.SettingLibraryName, "")
	if err != nil {
		return sip2.SystemStatus{}, err
	}
	return sip2.SystemStatus{Online: true, CheckinOK: true, CheckoutOK: true, RenewalPolicy: true,
		StatusUpdateOK: c.acc.Block, LibraryName: name, Location: req.Account.Location}, nil
}

// Patron implements sip2.Backend.
func (b *Backend) Patron(ctx context.Context, q sip2.PatronQuery) (sip2.Patron, error) {
	c, err := b.begin(ctx, q.Header, q.Language)
	if err != nil {
		return sip2.Patron{}, err
	}
	r, err := c.lib.ReaderByCard(q.Patron)
	if err != nil {
		return sip2.Patron{}, c.refuse(err)
	}
	return c.patron(r, q.Password)
}

// patron describes a reader with their standing and their lists. Phone
// and e-mail go only to a terminal that sent the right PIN.
func (c *call) patron(r *app.Reader, pin string) (sip2.Patron, error) {
	p := sip2.Patron{ID: r.Card, Name: r.Name, Valid: r.Status != app.ReaderArchived, Language: c.sipLang()}
	if pin != "" {
		p.PasswordValid = c.lib.CheckPIN(r, pin) == nil
		if p.PasswordValid {
			p.Email, p.Phone = r.Email, r.Phone
		}
	}
	loans, err := c.lib.LoansOf(r.ID, false)
	if err != nil {
		return p, err
	}
	for _, l := range loans {
		code := l.Loan.CopyID
		if l.Copy != nil {
			code = l.Copy.Barcode
		}
		p.ChargedItems = append(p.ChargedItems, code)
		if l.OverdueDays > 0 {
			p.OverdueItems = append(p.OverdueItems, code)
		}
	}
	holds, err := c.lib.HoldsOf(r.ID)
	if err != nil {
		return p, err
	}
	for _, h := range holds {
		switch {
		case h.Hold.Status == app.HoldReady && h.Copy != nil:
			p.HoldItems = append(p.HoldItems, h.Copy.Barcode)
		case h.Hold.Status == app.HoldReady:
			p.HoldItems = append(p.HoldItems, titleText(h.Title))
		default:
			p.UnavailableHolds = append(p.UnavailableHolds, titleText(h.Title))
		}
	}
	fines, err := c.lib.FinesOf(r.ID)
	if err != nil {
		return p, err
	}
	var owed app.Money
	for _, f := range fines {
		left := f.Outstanding()
		if left <= 0 {
			continue
		}
		owed += left
		what := c.fineKind(f.Kind)
		if f.CopyID != "" {
			if cp, err := c.lib.Copy(f.CopyID); err == nil {
				if t, err := c.lib.Title(cp.TitleID); err == nil {
					what = t.Title
				}
			}
		}
		p.FineItems = append(p.FineItems, c.cat.T("sip2.fine_item", "amount", i18n.Money(int64(left)), "what", what))
	}
	p.Fees = c.money(owed)
	rule, err := c.lib.RuleFor(r.CardType, "")
	if err != nil {
		return p, err
	}
	p.ChargedItemsLimit, p.HoldItemsLimit = rule.MaxLoans, rule.MaxHolds
	limit, err := c.fineLimit(r)
	if err != nil {
		return p, err
	}
	p.FeeLimit = c.money(limit)

	// The standing, as the desk's rules would see it before a loan. The
	// refusal of the first problem is the screen message.
	const denied = sip2.ChargeDenied | sip2.RenewalDenied | sip2.RecallDenied | sip2.HoldDenied
	var why error
	today := c.lib.Today()
	switch {
	case r.Status == app.ReaderArchived:
		p.Flags |= denied
		why = app.Refuse(app.ReasonReaderArchived, "reader", r.Name)
	case r.Status == app.ReaderBlocked:
		p.Flags |= denied
		why = app.Refuse(app.ReasonReaderBlocked, "reader", r.Name, "reason", r.BlockReason)
	case r.Expired(today):
		p.Flags |= denied
		why = app.Refuse(app.ReasonCardExpired, "reader", r.Name, "expiry", string(r.Expiry))
	case !r.SuspendedUntil.IsZero() && !r.SuspendedUntil.Before(today):
		p.Flags |= sip2.ChargeDenied
		why = app.Refuse(app.ReasonSuspended, "reader", r.Name, "until", string(r.SuspendedUntil))
	case limit > 0 && owed > limit:
		p.Flags |= sip2.ChargeDenied | sip2.ExcessiveFines
		why = app.Refuse(app.ReasonFinesOverLimit, "owed", strconv.FormatInt(int64(owed), 10),
			"limit", strconv.FormatInt(int64(limit), 10))
	case !rule.SelfService:
		p.Flags |= sip2.ChargeDenied | sip2.RenewalDenied
		why = app.Refuse(app.ReasonSelfServiceDenied)
	}
	if rule.MaxLoans > 0 && len(loans) >= rule.MaxLoans {
		p.Flags |= sip2.TooManyCharged
	}
	if why != nil {
		p.ScreenMessage = c.refusalText(mustRefusal(why))
	}
	return p, nil
}

func (c *call) fineKind(k app.FineKind) string {
	switch k {
	case app.FineOverdue:
		return c.cat.T("sip2.fine.overdue")
	case app.FineLost:
		return c.cat.T("sip2.fine.lost")
	case app.FineDamaged:
		return c.cat.T("sip2.fine.damaged")
	}
	return c.cat.T("sip2.fine.other")
}

func mustRefusal(err error) *app.Refusal {
	r, _ := app.RefusalOf(err)
	return r
}

// fineLimit is what a reader may owe and still borrow: the card type's,
// else the library's; 0 is no limit.
func (c *call) fineLimit(r *app.Reader) (app.Money, error) {
	ct, err := c.cardType(r.CardType)
	if err != nil {
		return 0, err
	}
	if ct != nil && ct.MaxFines > 0 {
		return ct.MaxFines, nil
	}
	v, err := c.lib.Setting(app.SettingBlockThreshold, "0")
	if err != nil {
		return 0, err
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return app.Money(n), nil
}

// Checkout implements sip2.Backend. The loan is a self-service one: the
// rules matrix's self-service column applies and nothing can be
// overridden, so a terminal's no-block flag (an offline loan) is refused
// like any other when the rules say no. Checking out an item the patron
// already has renews it, if the terminal allows renewals.
func (b *Backend) Checkout(ctx context.Context, req sip2.CheckoutRequest) (sip2.LoanResult, error) {
	c, err := b.begin(ctx, req.Header, "")
	if err != nil {
		return sip2.LoanResult{}, err
	}
	fail := sip2.LoanResult{Patron: req.Patron, Item: c.itemOnly(req.Item)}
	r, err := c.reader(req.Patron, req.PatronPassword, true)
	if err != nil {
		return fail, err
	}
	if req.Cancel {
		return c.cancelCheckout(r, req.Item, fail)
	}
	res, err := c.lib.CheckOut(c.actor, req.Patron, req.Item, app.CheckOutOptions{SelfService: true})
	if err != nil {
		if rf, ok := app.RefusalOf(err); ok && rf.Reason == app.ReasonCopyOnLoan && rf.Facts["same_reader"] == "true" && req.RenewalAllowed {
			return c.renew(r, req.Item, fail)
		}
		return fail, c.refuse(err)
	}
	return sip2.LoanResult{
		Patron:        r.Card,
		Item:          c.item(res.Copy, res.Title, res.Loan),
		TransactionID: res.Loan.ID,
		Display: sip2.Display{ScreenMessage: c.cat.T("sip2.borrowed", "title", titleText(res.Title),
			"due", c.date(res.Loan.Due))},
	}, nil
}

// cancelCheckout undoes a loan the terminal could not finish (it could not
// desensitise the book, say): the item is checked in again, if it is on
// loan to this patron.
func (c *call) cancelCheckout(r *app.Reader, barcode string, fail sip2.LoanResult) (sip2.LoanResult, error) {
	if _, err := c.openLoanOf(r, barcode); err != nil {
		return fail, err
	}
	res, err := c.lib.CheckIn(c.actor, barcode)
	if err != nil {
		return fail, c.refuse(err)
	}
	return sip2.LoanResult{Patron: r.Card, Item: c.item(res.Copy, res.Title, nil),
		Display: sip2.Display{ScreenMessage: c.cat.T("sip2.checkout_cancelled", "title", titleText(res.Title))}}, nil
}

// openLoanOf returns the open loan of barcode, refusing unless it belongs
// to r.
func (c *call) openLoanOf(r *app.Reader, barcode string) (*app.Loan, error) {
	cp, err := c.lib.CopyByBarcode(barcode)
	if err != nil {
		return nil, c.refuse(err)
	}
	loan, err := c.lib.OpenLoanOf(cp.ID)
	if err != nil {
		return nil, err
	}
	if loan == nil || loan.ReaderID != r.ID {
		return nil, sip2.Refuse(c.cat.T("sip2.not_your_loan"), app.Refuse(app.ReasonNotOnLoan))
	}
	return loan, nil
}

func (c *call) renew(r *app.Reader, barcode string, fail sip2.LoanResult) (sip2.LoanResult, error) {
	loan, err := c.openLoanOf(r, barcode)
	if err != nil {
		return fail, err
	}
	res, err := c.lib.Renew(c.actor, loan.ID, true)
	if err != nil {
		return fail, c.refuse(err)
	}
	cp, err := c.lib.Copy(res.Loan.CopyID)
	if err != nil {
		return fail, err
	}
	return sip2.LoanResult{
		Patron:        r.Card,
		Item:          c.item(cp, res.Title, res.Loan),
		Renewal:       true,
		TransactionID: res.Loan.ID,
		Display: sip2.Display{ScreenMessage: c.cat.T("sip2.renewed", "title", titleText(res.Title),
			"due", c.date(res.Loan.Due))},
	}, nil
}

// Checkin implements sip2.Backend. The return is dated now, whatever
// return date the terminal sent: the rules count late days from when the
// library sees the book.
func (b *Backend) Checkin(ctx context.Context, req sip2.CheckinRequest) (sip2.CheckinResult, error) {
	c, err := b.begin(ctx, req.Header, "")
	if err != nil {
		return sip2.CheckinResult{}, err
	}
	fail := sip2.CheckinResult{Item: c.itemOnly(req.Item)}
	if req.Cancel {
		return fail, sip2.Refuse(c.cat.T("sip2.cancel_checkin"), nil)
	}
	res, err := c.lib.CheckIn(c.actor, req.Item)
	if err != nil {
		return fail, c.refuse(err)
	}
	out := sip2.CheckinResult{Item: c.item(res.Copy, res.Title, nil)}
	title := titleText(res.Title)
	if res.Reader != nil {
		out.Patron = res.Reader.Card
	}
	switch {
	case !res.WasOnLoan:
		out.ScreenMessage = c.cat.T("sip2.not_on_loan", "title", title)
	case res.Action == app.ActionHoldShelf && res.HoldFor != nil:
		out.AlertType, out.HoldPatronID, out.HoldPatronName = "01", res.HoldFor.Card, res.HoldFor.Name
		out.ScreenMessage = c.cat.T("sip2.returned_hold", "title", title)
	case res.Action == app.ActionTransit:
		out.AlertType, out.Destination = "04", res.TransitTo
		out.ScreenMessage = c.cat.T("sip2.returned_transit", "title", title, "to", res.TransitTo)
	default:
		out.ScreenMessage = c.cat.T("sip2.returned", "title", title)
	}
	if res.Fine > 0 {
		out.ScreenMessage += " " + c.cat.T("sip2.fine_due", "amount", i18n.Money(int64(res.Fine)))
	}
	return out, nil
}

// Renew implements sip2.Backend: the patron renews a loan of their own.
func (b *Backend) Renew(ctx context.Context, req sip2.RenewRequest) (sip2.LoanResult, error) {
	c, err := b.begin(ctx, req.Header, "")
	if err != nil {
		return sip2.LoanResult{}, err
	}
	fail := sip2.LoanResult{Patron: req.Patron, Item: c.itemOnly(req.Item)}
	r, err := c.reader(req.Patron, req.PatronPassword, true)
	if err != nil {
		return fail, err
	}
	return c.renew(r, req.Item, fail)
}

// RenewAll implements sip2.Backend.
func (b *Backend) RenewAll(ctx context.Context, q sip2.PatronQuery) (sip2.RenewAllResult, error) {
	c, err := b.begin(ctx, q.Header, q.Language)
	if err != nil {
		return sip2.RenewAllResult{}, err
	}
	r, err := c.reader(q.Patron, q.Password, true)
	if err != nil {
		return sip2.RenewAllResult{}, err
	}
	results, err := c.lib.RenewAll(c.actor, r.ID, true)
	if err != nil {
		return sip2.RenewAllResult{}, c.refuse(err)
	}
	var out sip2.RenewAllResult
	for _, res := range results {
		if res.Loan == nil {
			continue
		}
		code := res.Loan.CopyID
		if cp, err := c.lib.Copy(res.Loan.CopyID); err == nil {
			code = cp.Barcode
		}
		if res.Err == nil {
			out.Renewed = append(out.Renewed, code)
		} else {
			out.Unrenewed = append(out.Unrenewed, code)
		}
	}
	out.ScreenMessage = c.cat.T("sip2.renewed_all", "ok", strconv.Itoa(len(out.Renewed)),
		"refused", strconv.Itoa(len(out.Unrenewed)))
	return out, nil
}

// Item implements sip2.Backend.
func (b *Backend) Item(ctx context.Context, q sip2.ItemQuery) (sip2.Item, error) {
	c, err := b.begin(ctx, q.Header, "")
	if err != nil {
		return sip2.Item{}, err
	}
	cp, err := c.lib.CopyByBarcode(q.Item)
	if err != nil {
		return sip2.Item{ID: q.Item}, c.refuse(err)
	}
	t, err := c.lib.Title(cp.TitleID)
	if err != nil {
		return sip2.Item{ID: q.Item}, c.refuse(err)
	}
	loan, err := c.lib.OpenLoanOf(cp.ID)
	if err != nil {
		return sip2.Item{}, err
	}
	it := c.item(cp, t, loan)
	waiting, err := c.lib.HoldsByStatus(app.HoldWaiting)
	if err != nil {
		return sip2.Item{}, err
	}
	for _, h := range waiting {
		if h.Hold.TitleID == cp.TitleID {
			it.HoldQueueLength++
		}
	}
	if cp.Status == app.CopyOnHoldShelf {
		ready, err := c.lib.HoldsByStatus(app.HoldReady)
		if err != nil {
			return sip2.Item{}, err
		}
		for _, h := range ready {
			if h.Hold.ID == cp.HoldID {
				it.HoldPickupDate = c.dueTime(h.Hold.PickupBy)
			}
		}
	}
	return it, nil
}

// Hold implements sip2.Backend: + places a hold on the item's title (or
// the title AJ names, by record ID or exact title), - cancels the
// patron's hold on it; * is refused, since a hold has nothing to change.
func (b *Backend) Hold(ctx context.Context, req sip2.HoldRequest) (sip2.HoldResult, error) {
	c, err := b.begin(ctx, req.Header, "")
	if err != nil {
		return sip2.HoldResult{}, err
	}
	if req.Mode == sip2.HoldChange {
		return sip2.HoldResult{}, sip2.Refuse(c.cat.T("sip2.hold_change"), nil)
	}
	r, err := c.reader(req.Patron, req.PatronPassword, true)
	if err != nil {
		return sip2.HoldResult{}, err
	}
	t, err := c.holdTitle(req)
	if err != nil {
		return sip2.HoldResult{}, err
	}
	res := sip2.HoldResult{Item: req.Item, Title: t.Title}
	if req.Mode == sip2.HoldDelete {
		holds, err := c.lib.HoldsOf(r.ID)
		if err != nil {
			return res, err
		}
		for _, h := range holds {
			if h.Hold.TitleID == t.ID {
				if err := c.lib.CancelHold(c.actor, h.Hold.ID); err != nil {
					return res, c.refuse(err)
				}
				res.ScreenMessage = c.cat.T("sip2.hold_cancelled", "title", t.Title)
				return res, nil
			}
		}
		return res, sip2.Refuse(c.cat.T("sip2.no_hold", "title", t.Title), app.Refuse(app.ReasonUnknownHold))
	}
	h, err := c.lib.PlaceHold(c.actor, r.ID, t.ID)
	if err != nil {
		return res, c.refuse(err)
	}
	holds, err := c.lib.HoldsOf(r.ID)
	if err != nil {
		return res, err
	}
	for _, v := range holds {
		if v.Hold.ID == h.ID {
			res.QueuePosition = v.Position
		}
	}
	copies, err := c.lib.CopiesOf(t.ID)
	if err != nil {
		return res, err
	}
	for _, cp := range copies {
		if cp.Status == app.CopyAvailable {
			res.Available = true
		}
	}
	res.PickupLocation = c.acc.Location
	res.ScreenMessage = c.cat.T("sip2.hold_placed", "title", t.Title, "position", strconv.Itoa(max(res.QueuePosition, 1)))
	return res, nil
}

// holdTitle finds the title a hold request means.
func (c *call) holdTitle(req sip2.HoldRequest) (*app.Title, error) {
	if req.Item != "" {
		cp, err := c.lib.CopyByBarcode(req.Item)
		if err != nil {
			return nil, c.refuse(err)
		}
		t, err := c.lib.Title(cp.TitleID)
		if err != nil {
			return nil, c.refuse(err)
		}
		return t, nil
	}
	if req.Title != "" {
		if t, err := c.lib.Title(req.Title); err == nil {
			return t, nil
		}
		found, err := c.lib.SearchTitles(req.Title, 20)
		if err != nil {
			return nil, err
		}
		var match *app.Title
		for _, t := range found {
			if strings.EqualFold(strings.TrimSpace(t.Title), strings.TrimSpace(req.Title)) {
				if match != nil {
					match = nil // two titles of that name: the terminal must send a barcode
					break
				}
				match = t
			}
		}
		if match != nil {
			return match, nil
		}
	}
	return nil, c.refuse(app.Refuse(app.ReasonUnknownTitle))
}

// FeePaid implements sip2.Backend for accounts allowed to take payments:
// the payment settles the patron's oldest fines first, as at the desk,
// recorded as taken by "sip2:" + user with the assistant's permission.
func (b *Backend) FeePaid(ctx context.Context, req sip2.FeePaidRequest) (sip2.FeePaidResult, error) {
	c, err := b.begin(ctx, req.Header, "")
	if err != nil {
		return sip2.FeePaidResult{}, err
	}
	if !c.acc.Payments {
		return sip2.FeePaidResult{}, sip2.Refuse(c.cat.T("sip2.payments_off"),
			app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermTakePayments), "role", string(app.RoleKiosk)))
	}
	if cur := c.currency(); req.Amount.Currency != "" && !strings.EqualFold(req.Amount.Currency, cur) {
		return sip2.FeePaidResult{}, sip2.Refuse(c.cat.T("sip2.wrong_currency", "currency", req.Amount.Currency, "library", cur),
			app.Refuse(app.ReasonInvalidInput, "field", "amount"))
	}
	r, err := c.lib.ReaderByCard(req.Patron)
	if err != nil {
		return sip2.FeePaidResult{}, c.refuse(err)
	}
	note := "SIP2"
	for _, s := range []string{req.PaymentType, req.FeeID, req.TransactionID} {
		if s != "" {
			note += " " + s
		}
	}
	if len(note) > 190 {
		note = note[:190]
	}
	payer := app.Actor{Username: c.actor.Username, Role: app.RoleAssistant}
	paid, err := c.lib.Pay(payer, r.ID, app.Money(req.Amount.Minor), strings.ToValidUTF8(note, "?"))
	if err != nil {
		return sip2.FeePaidResult{}, c.refuse(err)
	}
	c.log.Info("sip2: payment recorded", "account", c.acc.User, "card", r.Card, "amount", req.Amount.String())
	res := sip2.FeePaidResult{TransactionID: req.TransactionID}
	if res.TransactionID == "" && len(paid) > 0 {
		res.TransactionID = paid[0].ID
	}
	res.ScreenMessage = c.cat.T("sip2.paid", "amount", i18n.Money(req.Amount.Minor))
	return res, nil
}

// BlockPatron implements sip2.Backend. Only accounts allowed to block
// cards may; the block is made as "sip2:" + user with the block-readers
// permission. Any other account's request is refused and written to the
// audit log as "sip2_block_refused", so staff still hear of it.
func (b *Backend) BlockPatron(ctx context.Context, req sip2.BlockRequest) (sip2.Patron, error) {
	c, err := b.begin(ctx, req.Header, "")
	if err != nil {
		return sip2.Patron{}, err
	}
	r, err := c.lib.ReaderByCard(req.Patron)
	if err != nil {
		return sip2.Patron{}, c.refuse(err)
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		reason = c.cat.T("sip2.blocked_by_terminal", "user", c.acc.User)
	}
	if len(reason) > 190 {
		reason = strings.ToValidUTF8(reason[:190], "")
	}
	if !c.acc.Block {
		facts := map[string]string{"card": r.Card, "reason": reason, "card_retained": strconv.FormatBool(req.CardRetained)}
		if err := c.lib.Audit(c.actor, "sip2_block_refused", facts); err != nil {
			return sip2.Patron{}, err
		}
		p, err := c.patron(r, "")
		if err != nil {
			return p, err
		}
		return p, sip2.Refuse(c.cat.T("sip2.block_off"),
			app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermBlockReaders), "role", string(app.RoleKiosk)))
	}
	blocker := app.Actor{Username: c.actor.Username, Role: app.RoleLibrarian}
	blocked, err := c.lib.BlockReader(blocker, r.ID, reason)
	if err != nil {
		return sip2.Patron{}, c.refuse(err)
	}
	c.log.Warn("sip2: card blocked by a terminal", "account", c.acc.User, "card", r.Card, "reason", reason)
	return c.patron(blocked, "")
}
