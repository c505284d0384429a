package sip2

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/errors"
)

// dispatch answers one parsed request, or returns nil if m is not a
// request (a terminal sending responses to the server).
func (s *session) dispatch(ctx context.Context, m *Message) *Message {
	switch m.Command {
	case Login:
		return s.login(ctx, m)
	case SCStatus:
		return s.scStatus(ctx, m)
	case PatronStatusRequest:
		return s.patronStatus(ctx, m)
	case PatronInformation:
		return s.patronInformation(ctx, m)
	case Checkout:
		return s.checkout(ctx, m)
	case Checkin:
		return s.checkin(ctx, m)
	case Renew:
		return s.renew(ctx, m)
	case RenewAll:
		return s.renewAll(ctx, m)
	case ItemInformation:
		return s.itemInformation(ctx, m)
	case ItemStatusUpdate:
		return s.itemStatusUpdate(ctx, m)
	case Hold:
		return s.hold(ctx, m)
	case FeePaid:
		return s.feePaid(ctx, m)
	case EndPatronSession:
		return s.endSession(m)
	case BlockPatron:
		return s.blockPatron(ctx, m)
	case PatronEnable:
		return s.patronEnable(ctx, m)
	}
	return nil
}

// supportedOrder is the order of the requests in BX, the supported
// messages field of 98.
var supportedOrder = []Command{
	PatronStatusRequest, Checkout, Checkin, BlockPatron, SCStatus, RequestACSResend,
	Login, PatronInformation, EndPatronSession, FeePaid, ItemInformation,
	ItemStatusUpdate, PatronEnable, Hold, Renew, RenewAll,
}

func (s *session) supportedMessages() string {
	var sb strings.Builder
	for _, c := range supportedOrder {
		ok := true
		switch c {
		case ItemStatusUpdate:
			_, ok = s.srv.Backend.(ItemPropertiesUpdater)
		case PatronEnable:
			_, ok = s.srv.Backend.(PatronEnabler)
		}
		sb.WriteString(yn(ok))
	}
	return sb.String()
}

func (s *session) scStatus(ctx context.Context, m *Message) *Message {
	req := StatusRequest{Header: s.header(m)}
	req.StatusCode, _ = strconv.Atoi(m.FixedField(FStatusCode))
	req.MaxPrintWidth, _ = strconv.Atoi(m.FixedField(FMaxPrintWidth))
	st, err := s.backend().Status(ctx, req)
	if err != nil {
		st = SystemStatus{Display: Display{ScreenMessage: s.refusal(err, "status")}}
	}
	timeout := "999"
	switch {
	case !st.Online:
		timeout = "000"
	case st.Timeout > 0:
		timeout = fmt.Sprintf("%03d", min(st.Timeout, 998))
	}
	retries := "999"
	if st.Retries > 0 {
		retries = fmt.Sprintf("%03d", min(st.Retries, 998))
	}
	r := NewMessage(ACSStatus).
		SetFixedField(FOnlineStatus, yn(st.Online)).
		SetFixedField(FCheckinOK, yn(st.CheckinOK)).
		SetFixedField(FCheckoutOK, yn(st.CheckoutOK)).
		SetFixedField(FACSRenewalPolicy, yn(st.RenewalPolicy)).
		SetFixedField(FStatusUpdateOK, yn(st.StatusUpdateOK)).
		SetFixedField(FOfflineOK, yn(st.OfflineOK)).
		SetFixedField(FTimeoutPeriod, timeout).
		SetFixedField(FRetriesAllowed, retries).
		SetFixedField(FTransactionDate, s.nowDate()).
		SetFixedField(FProtocolVersion, "2.00").
		Add(FieldInstitutionID, s.institution(m)).
		AddOptional(FieldLibraryName, st.LibraryName).
		Add(FieldSupportedMessages, s.supportedMessages()).
		AddOptional(FieldTerminalLocation, st.Location)
	return addDisplay(r, st.Display)
}

func (s *session) patronQuery(m *Message) PatronQuery {
	return PatronQuery{
		Header:          s.header(m),
		Patron:          m.Field(FieldPatronID),
		Password:        m.Field(FieldPatronPassword),
		Language:        m.FixedField(FLanguage),
		FeeAcknowledged: m.Field(FieldFeeAcknowledged) == "Y",
	}
}

// patronAnswer fixes up a Patron after a refusal: the card is treated as
// unusable and the refusal text shown.
func (s *session) patronAnswer(p Patron, err error, q PatronQuery, what string) Patron {
	if p.ID == "" {
		p.ID = q.Patron
	}
	if p.Language == "" {
		p.Language = q.Language
	}
	if err != nil {
		p.ScreenMessage = s.refusal(err, what)
		p.Valid = false
		if p.Flags == 0 {
			p.Flags = ChargeDenied | RenewalDenied | RecallDenied | HoldDenied
		}
	}
	return p
}

// patronResponse builds 24 or 26 (same layout).
func (s *session) patronResponse(c Command, m *Message, p Patron, q PatronQuery) *Message {
	r := NewMessage(c).
		SetFixedField(FPatronStatus, p.Flags.wire()).
		SetFixedField(FLanguage, language(p.Language)).
		SetFixedField(FTransactionDate, s.nowDate()).
		Add(FieldInstitutionID, s.institution(m)).
		Add(FieldPatronID, p.ID).
		Add(FieldPersonalName, p.Name).
		Add(FieldValidPatron, yn(p.Valid))
	if q.Password != "" {
		r.Add(FieldValidPatronPasswd, yn(p.PasswordValid))
	}
	addMoney(r, FieldFeeAmount, p.Fees)
	return addDisplay(r, p.Display)
}

func (s *session) patronStatus(ctx context.Context, m *Message) *Message {
	q := s.patronQuery(m)
	p, err := s.backend().Patron(ctx, q)
	return s.patronResponse(PatronStatusResponse, m, s.patronAnswer(p, err, q, "patron status"), q)
}

func (s *session) blockPatron(ctx context.Context, m *Message) *Message {
	req := BlockRequest{
		Header:       s.header(m),
		Patron:       m.Field(FieldPatronID),
		CardRetained: m.FixedField(FCardRetained) == "Y",
		Reason:       m.Field(FieldBlockedCardMsg),
	}
	s.log.Warn("sip2: block patron", "patron", req.Patron, "reason", req.Reason)
	q := PatronQuery{Header: req.Header, Patron: req.Patron}
	p, err := s.backend().BlockPatron(ctx, req)
	return s.patronResponse(PatronStatusResponse, m, s.patronAnswer(p, err, q, "block patron"), q)
}

func (s *session) patronEnable(ctx context.Context, m *Message) *Message {
	q := s.patronQuery(m)
	var (
		p   Patron
		err error
	)
	if e, ok := s.backend().(PatronEnabler); ok {
		p, err = e.EnablePatron(ctx, q)
	} else {
		p, _ = s.backend().Patron(ctx, q)
		err = Refuse(s.text.Unsupported, nil)
	}
	return s.patronResponse(PatronEnableResponse, m, s.patronAnswer(p, err, q, "patron enable"), q)
}

// summaryLists are the item lists of 64 in the order of the summary field,
// each with the fixed field that counts it.
var summaryLists = []struct {
	id, count string
	list      func(*Patron) []string
}{
	{FieldHoldItems, FHoldItemsCount, func(p *Patron) []string { return p.HoldItems }},
	{FieldOverdueItems, FOverdueItemsCount, func(p *Patron) []string { return p.OverdueItems }},
	{FieldChargedItems, FChargedItemsCount, func(p *Patron) []string { return p.ChargedItems }},
	{FieldFineItems, FFineItemsCount, func(p *Patron) []string { return p.FineItems }},
	{FieldRecallItems, FRecallItemsCount, func(p *Patron) []string { return p.RecallItems }},
	{FieldUnavailableHolds, FUnavailHoldsCount, func(p *Patron) []string { return p.UnavailableHolds }},
}

func (s *session) patronInformation(ctx context.Context, m *Message) *Message {
	q := s.patronQuery(m)
	p, err := s.backend().Patron(ctx, q)
	p = s.patronAnswer(p, err, q, "patron information")
	r := NewMessage(PatronInformationResponse).
		SetFixedField(FPatronStatus, p.Flags.wire()).
		SetFixedField(FLanguage, language(p.Language)).
		SetFixedField(FTransactionDate, s.nowDate())
	for _, l := range summaryLists {
		r.SetFixedField(l.count, fmt.Sprintf("%04d", min(len(l.list(&p)), 9999)))
	}
	r.Add(FieldInstitutionID, s.institution(m)).
		Add(FieldPatronID, p.ID).
		Add(FieldPersonalName, p.Name)
	addCount(r, FieldHoldItemsLimit, p.HoldItemsLimit)
	addCount(r, FieldOverdueItemsLimit, p.OverdueItemsLimit)
	addCount(r, FieldChargedItemsLimit, p.ChargedItemsLimit)
	r.Add(FieldValidPatron, yn(p.Valid))
	if q.Password != "" {
		r.Add(FieldValidPatronPasswd, yn(p.PasswordValid))
	}
	addMoney(r, FieldFeeAmount, p.Fees)
	addMoney(r, FieldFeeLimit, p.FeeLimit)
	r.AddOptional(FieldHomeAddress, p.Address).
		AddOptional(FieldEmail, p.Email).
		AddOptional(FieldHomePhone, p.Phone)
	addDisplay(r, p.Display)

	// The requested lists go last in our layout, so cutting them short to
	// respect the size limit is simple.
	start, end := summaryRange(m)
	summary := m.FixedField(FSummary)
	budget := s.budget(r)
	for i, l := range summaryLists {
		if i >= len(summary) || summary[i] != 'Y' {
			continue
		}
		items := l.list(&p)
		if start > len(items) || end < start {
			continue
		}
		if !s.addWithin(r, &budget, l.id, items[start-1:min(end, len(items))]) {
			break
		}
	}
	return r
}

// addWithin appends one field per value while they fit in budget bytes,
// and reports whether all of them did.
func (s *session) addWithin(r *Message, budget *int, id string, values []string) bool {
	for _, v := range values {
		if *budget -= len(v) + 3; *budget < 0 {
			s.log.Warn("sip2: list cut to fit the message size limit", "command", string(r.Command), "field", id)
			return false
		}
		r.Add(id, v)
	}
	return true
}

// summaryRange reads BP and BQ, the 1-based inclusive range of list items
// the terminal wants; all of them when absent.
func summaryRange(m *Message) (start, end int) {
	start, end = 1, 1<<30
	if v, err := strconv.Atoi(strings.TrimSpace(m.Field(FieldStartItem))); err == nil && v > 0 {
		start = v
	}
	if v, err := strconv.Atoi(strings.TrimSpace(m.Field(FieldEndItem))); err == nil && v > 0 {
		end = v
	}
	return start, end
}

// budget is how many more bytes r may grow by, leaving room for the
// trailer and for multi-byte characters in the wire charset.
func (s *session) budget(r *Message) int {
	b, _ := r.Format(UTF8)
	return positive(s.srv.MaxMessageSize, DefaultMaxMessageSize)*2/3 - len(b) - 16
}

func (s *session) checkout(ctx context.Context, m *Message) *Message {
	req := CheckoutRequest{
		Header:          s.header(m),
		Patron:          m.Field(FieldPatronID),
		PatronPassword:  m.Field(FieldPatronPassword),
		Item:            m.Field(FieldItemID),
		ItemProperties:  m.Field(FieldItemProperties),
		RenewalAllowed:  m.FixedField(FSCRenewalPolicy) == "Y",
		NoBlock:         m.FixedField(FNoBlock) == "Y",
		FeeAcknowledged: m.Field(FieldFeeAcknowledged) == "Y",
		Cancel:          m.Field(FieldCancel) == "Y",
	}
	req.NoBlockDueDate = s.date(m.FixedField(FNBDueDate))
	res, err := s.backend().Checkout(ctx, req)
	return s.loanResponse(CheckoutResponse, m, res, err, req.Patron, req.Item, "checkout")
}

func (s *session) renew(ctx context.Context, m *Message) *Message {
	req := RenewRequest{
		Header:            s.header(m),
		Patron:            m.Field(FieldPatronID),
		PatronPassword:    m.Field(FieldPatronPassword),
		Item:              m.Field(FieldItemID),
		Title:             m.Field(FieldTitleID),
		ItemProperties:    m.Field(FieldItemProperties),
		ThirdPartyAllowed: m.FixedField(FThirdPartyAllowed) == "Y",
		NoBlock:           m.FixedField(FNoBlock) == "Y",
		FeeAcknowledged:   m.Field(FieldFeeAcknowledged) == "Y",
	}
	req.NoBlockDueDate = s.date(m.FixedField(FNBDueDate))
	res, err := s.backend().Renew(ctx, req)
	return s.loanResponse(RenewResponse, m, res, err, req.Patron, req.Item, "renew")
}

// loanResponse builds 12 or 30 (same layout).
func (s *session) loanResponse(c Command, m *Message, res LoanResult, err error, patron, item, what string) *Message {
	ok := err == nil
	if !ok {
		res.ScreenMessage = s.refusal(err, what)
		res.Renewal = false
	}
	if res.Patron == "" {
		res.Patron = patron
	}
	if res.Item.ID == "" {
		res.Item.ID = item
	}
	due := ""
	if ok {
		due = dateField(res.Item.DueDate)
	}
	r := NewMessage(c).
		SetFixedField(FOK, ok10(ok)).
		SetFixedField(FRenewalOK, yn(res.Renewal)).
		SetFixedField(FMagneticMedia, "U").
		SetFixedField(FDesensitize, yn(ok)).
		SetFixedField(FTransactionDate, s.nowDate()).
		Add(FieldInstitutionID, s.institution(m)).
		Add(FieldPatronID, res.Patron).
		Add(FieldItemID, res.Item.ID).
		Add(FieldTitleID, res.Item.Title).
		Add(FieldDueDate, due).
		AddOptional(FieldFeeType, res.Item.FeeType)
	addMoney(r, FieldFeeAmount, res.Item.Fee)
	r.AddOptional(FieldMediaType, res.Item.MediaType).
		AddOptional(FieldItemProperties, res.Item.Properties).
		AddOptional(FieldTransactionID, res.TransactionID)
	return addDisplay(r, res.Display)
}

func (s *session) checkin(ctx context.Context, m *Message) *Message {
	req := CheckinRequest{
		Header:          s.header(m),
		Item:            m.Field(FieldItemID),
		CurrentLocation: m.Field(FieldCurrentLocation),
		ItemProperties:  m.Field(FieldItemProperties),
		NoBlock:         m.FixedField(FNoBlock) == "Y",
		Cancel:          m.Field(FieldCancel) == "Y",
	}
	req.ReturnDate = s.date(m.FixedField(FReturnDate))
	res, err := s.backend().Checkin(ctx, req)
	ok := err == nil
	if !ok {
		res.ScreenMessage = s.refusal(err, "checkin")
	}
	if res.Item.ID == "" {
		res.Item.ID = req.Item
	}
	r := NewMessage(CheckinResponse).
		SetFixedField(FOK, ok10(ok)).
		SetFixedField(FResensitize, yn(ok)).
		SetFixedField(FMagneticMedia, "U").
		SetFixedField(FAlert, yn(res.AlertType != "")).
		SetFixedField(FTransactionDate, s.nowDate()).
		Add(FieldInstitutionID, s.institution(m)).
		Add(FieldItemID, res.Item.ID).
		Add(FieldPermanentLocation, res.Item.PermanentLocation).
		AddOptional(FieldTitleID, res.Item.Title).
		AddOptional(FieldSortBin, res.Item.SortBin).
		AddOptional(FieldPatronID, res.Patron).
		AddOptional(FieldMediaType, res.Item.MediaType).
		AddOptional(FieldItemProperties, res.Item.Properties).
		AddOptional(FieldAlertType, res.AlertType).
		AddOptional(FieldDestination, res.Destination).
		AddOptional(FieldHoldPatronID, res.HoldPatronID).
		AddOptional(FieldHoldPatronName, res.HoldPatronName)
	return addDisplay(r, res.Display)
}

func (s *session) renewAll(ctx context.Context, m *Message) *Message {
	q := s.patronQuery(m)
	res, err := s.backend().RenewAll(ctx, q)
	ok := err == nil
	if !ok {
		res = RenewAllResult{Display: Display{ScreenMessage: s.refusal(err, "renew all")}}
	}
	r := NewMessage(RenewAllResponse).
		SetFixedField(FOK, ok10(ok)).
		SetFixedField(FRenewedCount, fmt.Sprintf("%04d", min(len(res.Renewed), 9999))).
		SetFixedField(FUnrenewedCount, fmt.Sprintf("%04d", min(len(res.Unrenewed), 9999))).
		SetFixedField(FTransactionDate, s.nowDate()).
		Add(FieldInstitutionID, s.institution(m))
	addDisplay(r, res.Display)
	budget := s.budget(r)
	if s.addWithin(r, &budget, FieldRenewedItems, res.Renewed) {
		s.addWithin(r, &budget, FieldUnrenewedItems, res.Unrenewed)
	}
	return r
}

func (s *session) itemQuery(m *Message) ItemQuery {
	return ItemQuery{Header: s.header(m), Item: m.Field(FieldItemID), Properties: m.Field(FieldItemProperties)}
}

func (s *session) itemInformation(ctx context.Context, m *Message) *Message {
	q := s.itemQuery(m)
	it, err := s.backend().Item(ctx, q)
	if err != nil {
		it.ScreenMessage = s.refusal(err, "item information")
	}
	if it.ID == "" {
		it.ID = q.Item
	}
	status := it.Status
	if status < StatusOther || status > StatusMissing {
		status = StatusOther
	}
	feeType := it.FeeType
	if feeType == "" {
		feeType = "01"
	}
	r := NewMessage(ItemInformationResponse).
		SetFixedField(FCirculationStatus, fmt.Sprintf("%02d", int(status))).
		SetFixedField(FSecurityMarker, "00").
		SetFixedField(FFeeType, feeType).
		SetFixedField(FTransactionDate, s.nowDate())
	addCount(r, FieldHoldQueueLength, it.HoldQueueLength)
	r.AddOptional(FieldDueDate, dateField(it.DueDate)).
		AddOptional(FieldRecallDate, dateField(it.RecallDate)).
		AddOptional(FieldHoldPickupDate, dateField(it.HoldPickupDate)).
		Add(FieldItemID, it.ID).
		Add(FieldTitleID, it.Title).
		AddOptional(FieldOwner, it.Owner)
	addMoney(r, FieldFeeAmount, it.Fee)
	r.AddOptional(FieldMediaType, it.MediaType).
		AddOptional(FieldPermanentLocation, it.PermanentLocation).
		AddOptional(FieldCurrentLocation, it.CurrentLocation).
		AddOptional(FieldItemProperties, it.Properties)
	return addDisplay(r, it.Display)
}

func (s *session) itemStatusUpdate(ctx context.Context, m *Message) *Message {
	q := s.itemQuery(m)
	var (
		it  Item
		err error
	)
	if u, ok := s.backend().(ItemPropertiesUpdater); ok {
		it, err = u.UpdateItemProperties(ctx, q)
	} else {
		err = Refuse(s.text.Unsupported, nil)
	}
	ok := err == nil
	if !ok {
		it.ScreenMessage = s.refusal(err, "item status update")
	}
	if it.ID == "" {
		it.ID = q.Item
	}
	r := NewMessage(ItemStatusUpdateResponse).
		SetFixedField(FItemPropertiesOK, ok10(ok)).
		SetFixedField(FTransactionDate, s.nowDate()).
		Add(FieldItemID, it.ID).
		AddOptional(FieldTitleID, it.Title).
		AddOptional(FieldItemProperties, it.Properties)
	return addDisplay(r, it.Display)
}

func (s *session) hold(ctx context.Context, m *Message) *Message {
	req := HoldRequest{
		Header:          s.header(m),
		Patron:          m.Field(FieldPatronID),
		PatronPassword:  m.Field(FieldPatronPassword),
		Item:            m.Field(FieldItemID),
		Title:           m.Field(FieldTitleID),
		PickupLocation:  m.Field(FieldPickupLocation),
		FeeAcknowledged: m.Field(FieldFeeAcknowledged) == "Y",
	}
	if mode := m.FixedField(FHoldMode); mode != "" {
		req.Mode = HoldMode(mode[0])
	}
	req.Expiration = s.date(m.Field(FieldExpirationDate))
	req.HoldType, _ = strconv.Atoi(m.Field(FieldHoldType))
	var (
		res HoldResult
		err error
	)
	switch req.Mode {
	case HoldAdd, HoldDelete, HoldChange:
		res, err = s.backend().Hold(ctx, req)
	default:
		err = Refuse(s.text.Unsupported, errors.Newf("hold mode %q", string(req.Mode)))
	}
	ok := err == nil
	if !ok {
		res.ScreenMessage = s.refusal(err, "hold")
		res.Available = false
	}
	if res.Item == "" {
		res.Item = req.Item
	}
	if res.Title == "" {
		res.Title = req.Title
	}
	r := NewMessage(HoldResponse).
		SetFixedField(FOK, ok10(ok)).
		SetFixedField(FAvailable, yn(res.Available)).
		SetFixedField(FTransactionDate, s.nowDate()).
		AddOptional(FieldExpirationDate, dateField(res.Expiration))
	addCount(r, FieldQueuePosition, res.QueuePosition)
	r.AddOptional(FieldPickupLocation, res.PickupLocation).
		Add(FieldInstitutionID, s.institution(m)).
		Add(FieldPatronID, req.Patron).
		AddOptional(FieldItemID, res.Item).
		AddOptional(FieldTitleID, res.Title)
	return addDisplay(r, res.Display)
}

func (s *session) feePaid(ctx context.Context, m *Message) *Message {
	req := FeePaidRequest{
		Header:         s.header(m),
		Patron:         m.Field(FieldPatronID),
		PatronPassword: m.Field(FieldPatronPassword),
		FeeType:        m.FixedField(FFeeType),
		PaymentType:    m.FixedField(FPaymentType),
		FeeID:          m.Field(FieldFeeIdentifier),
		TransactionID:  m.Field(FieldTransactionID),
	}
	amount, err := ParseMoney(m.Field(FieldFeeAmount), strings.TrimSpace(m.FixedField(FCurrencyType)))
	req.Amount = amount
	var res FeePaidResult
	if err == nil {
		res, err = s.backend().FeePaid(ctx, req)
	} else {
		err = Refuse(s.text.Unsupported, err)
	}
	ok := err == nil
	if !ok {
		res.ScreenMessage = s.refusal(err, "fee paid")
	}
	if res.TransactionID == "" {
		res.TransactionID = req.TransactionID
	}
	r := NewMessage(FeePaidResponse).
		SetFixedField(FPaymentAccepted, yn(ok)).
		SetFixedField(FTransactionDate, s.nowDate()).
		Add(FieldInstitutionID, s.institution(m)).
		Add(FieldPatronID, req.Patron).
		AddOptional(FieldTransactionID, res.TransactionID)
	return addDisplay(r, res.Display)
}

// endSession answers 35. Circa keeps no per-patron state on the server, so
// there is nothing to end but the terminal's own session.
func (s *session) endSession(m *Message) *Message {
	return NewMessage(EndPatronSessionResponse).
		SetFixedField(FEndSession, "Y").
		SetFixedField(FTransactionDate, s.nowDate()).
		Add(FieldInstitutionID, s.institution(m)).
		Add(FieldPatronID, m.Field(FieldPatronID))
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

func ok10(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// wire renders the flags as the 14-character patron status.
func (f PatronFlags) wire() string {
	b := []byte(strings.Repeat(" ", patronStatusLen))
	for i := range b {
		if f&(1<<i) != 0 {
			b[i] = 'Y'
		}
	}
	return string(b)
}

// language returns a three-digit language code, "000" (unknown) if code
// is not one.
func language(code string) string {
	if len(code) == 3 && strings.Trim(code, "0123456789") == "" {
		return code
	}
	return "000"
}

// dateField renders an optional date: empty for the zero time.
func dateField(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return FormatDate(t)
}

func addDisplay(r *Message, d Display) *Message {
	return r.AddOptional(FieldScreenMessage, d.ScreenMessage).AddOptional(FieldPrintLine, d.PrintLine)
}

func addCount(r *Message, id string, n int) {
	if n > 0 {
		r.Add(id, strconv.Itoa(n))
	}
}

// addMoney adds an amount and, before it, its currency (BH), unless the
// amount is zero.
func addMoney(r *Message, id string, m Money) {
	if m.Minor == 0 {
		return
	}
	if m.Currency != "" && r.Field(FieldCurrencyType) == "" {
		r.Add(FieldCurrencyType, m.Currency)
	}
	r.Add(id, m.String())
}
