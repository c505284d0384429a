package sip2

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"
)

// fakeBackend is an in-memory Backend with just enough rules to exercise
// every answer: loans, renewals, holds, fines and blocks.
type fakeBackend struct {
	mu      sync.Mutex
	patrons map[string]*fakePatron
	items   map[string]*fakeItem
	due     time.Time
	// checkouts and checkins count successful calls, for the concurrency
	// test's bookkeeping.
	checkouts, checkins int
}

type fakePatron struct {
	name, password string
	blocked        bool
	fees           int64
	holds          []string
}

type fakeItem struct {
	title, loanedTo string
	renewals        int
	holdQueue       []string
	props           string
}

var (
	errNoSuchPatron = errors.New("fake: no such patron")
	errNoSuchItem   = errors.New("fake: no such item")
	errOnLoan       = errors.New("fake: on loan to someone else")
	errBlocked      = errors.New("fake: patron blocked")
	errBroken       = errors.New("fake: disk on fire")
)

// brokenItem makes the fake fail with a fault rather than a refusal.
const brokenItem = "BROKEN"

var (
	_ Backend               = (*fakeBackend)(nil)
	_ PatronEnabler         = (*fakeBackend)(nil)
	_ ItemPropertiesUpdater = (*fakeBackend)(nil)
)

func newFakeBackend() *fakeBackend {
	b := &fakeBackend{
		patrons: map[string]*fakePatron{
			"P1":          {name: "Ada Lovelace", password: "1234"},
			"P2":          {name: "王小明", password: "8888", fees: 250},
			"BLOCKED":     {name: "Blocked Person", blocked: true},
			"djfiander":   {name: "David", password: "6789"},
			"patronId":    {name: "Pat", password: "patronPassword"},
			"08300005811": {name: "Gossip"},
		},
		items: map[string]*fakeItem{
			"I1":           {title: "Digital ävionics handbook"},
			"I2":           {title: "三体"},
			"1565921879":   {title: "Perl 5 Desktop Reference"},
			"itemId":       {title: "Item"},
			"830$28170815": {title: "Reading Room book", loanedTo: "P1"},
		},
		due: time.Date(2026, 12, 24, 23, 59, 0, 0, time.UTC),
	}
	for i := range 40 {
		b.items[itemName(i)] = &fakeItem{title: "Book " + itemName(i)}
	}
	return b
}

func itemName(i int) string { return "C" + string(rune('A'+i/26)) + string(rune('A'+i%26)) }

func (b *fakeBackend) Status(context.Context, StatusRequest) (SystemStatus, error) {
	return SystemStatus{
		Online: true, CheckinOK: true, CheckoutOK: true, RenewalPolicy: true,
		Timeout: 50, Retries: 3, LibraryName: "Circa Test Library", Location: "desk",
	}, nil
}

func (b *fakeBackend) patron(id, password string) (*fakePatron, error) {
	p, ok := b.patrons[id]
	if !ok {
		return nil, Refuse("Unknown card "+id, errNoSuchPatron)
	}
	if password != "" && password != p.password {
		return nil, Refuse("Wrong PIN", nil)
	}
	return p, nil
}

func (b *fakeBackend) Patron(_ context.Context, q PatronQuery) (Patron, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.patrons[q.Patron]
	if !ok {
		return Patron{ID: q.Patron}, nil
	}
	out := Patron{
		ID: q.Patron, Name: p.name, Valid: true, Language: "001",
		PasswordValid: q.Password == p.password,
		Fees:          Money{Minor: p.fees, Currency: "CNY"},
		HoldItems:     append([]string(nil), p.holds...),
		Email:         "reader@example.org",
	}
	if p.blocked {
		out.Flags = ChargeDenied | RenewalDenied | HoldDenied
	}
	for id, it := range b.items {
		if it.loanedTo == q.Patron {
			out.ChargedItems = append(out.ChargedItems, id)
		}
	}
	sort.Strings(out.ChargedItems)
	if p.fees > 0 {
		out.FineItems = []string{"overdue fine 2.50"}
	}
	return out, nil
}

func (b *fakeBackend) Checkout(_ context.Context, req CheckoutRequest) (LoanResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if req.Item == brokenItem {
		return LoanResult{}, errBroken
	}
	p, err := b.patron(req.Patron, req.PatronPassword)
	if err != nil {
		return LoanResult{}, err
	}
	it, ok := b.items[req.Item]
	if !ok {
		return LoanResult{}, Refuse("Unknown item "+req.Item, errNoSuchItem)
	}
	res := LoanResult{Item: Item{ID: req.Item, Title: it.title, MediaType: "001"}}
	if p.blocked {
		return res, Refuse("Your card is blocked", errBlocked)
	}
	switch it.loanedTo {
	case "":
		it.loanedTo = req.Patron
	case req.Patron:
		it.renewals++
		res.Renewal = true
	default:
		return res, Refuse("This item is on loan to someone else", errOnLoan)
	}
	b.checkouts++
	res.Item.DueDate = b.due
	res.TransactionID = "T" + req.Item
	return res, nil
}

func (b *fakeBackend) Checkin(_ context.Context, req CheckinRequest) (CheckinResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	it, ok := b.items[req.Item]
	if !ok {
		return CheckinResult{}, Refuse("Unknown item "+req.Item, errNoSuchItem)
	}
	res := CheckinResult{Item: Item{ID: req.Item, Title: it.title, PermanentLocation: "Main"}}
	if it.loanedTo == "" {
		return res, Refuse("This item was not on loan", nil)
	}
	res.Patron, it.loanedTo = it.loanedTo, ""
	if len(it.holdQueue) > 0 {
		res.AlertType, res.HoldPatronID = "01", it.holdQueue[0]
	}
	b.checkins++
	return res, nil
}

func (b *fakeBackend) Renew(_ context.Context, req RenewRequest) (LoanResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.patron(req.Patron, req.PatronPassword); err != nil {
		return LoanResult{}, err
	}
	it, ok := b.items[req.Item]
	if !ok {
		return LoanResult{}, Refuse("Unknown item "+req.Item, errNoSuchItem)
	}
	res := LoanResult{Item: Item{ID: req.Item, Title: it.title}}
	if it.loanedTo != req.Patron {
		return res, Refuse("You do not have this item", nil)
	}
	if len(it.holdQueue) > 0 {
		return res, Refuse("Someone is waiting for this item", nil)
	}
	it.renewals++
	res.Renewal, res.Item.DueDate = true, b.due.AddDate(0, 0, 14)
	return res, nil
}

func (b *fakeBackend) RenewAll(_ context.Context, q PatronQuery) (RenewAllResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.patron(q.Patron, q.Password); err != nil {
		return RenewAllResult{}, err
	}
	var res RenewAllResult
	for id, it := range b.items {
		if it.loanedTo != q.Patron {
			continue
		}
		if len(it.holdQueue) > 0 {
			res.Unrenewed = append(res.Unrenewed, id)
		} else {
			it.renewals++
			res.Renewed = append(res.Renewed, id)
		}
	}
	sort.Strings(res.Renewed)
	sort.Strings(res.Unrenewed)
	return res, nil
}

func (b *fakeBackend) Item(_ context.Context, q ItemQuery) (Item, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	it, ok := b.items[q.Item]
	if !ok {
		return Item{}, Refuse("Unknown item "+q.Item, errNoSuchItem)
	}
	out := Item{ID: q.Item, Title: it.title, Status: StatusAvailable, MediaType: "001",
		PermanentLocation: "Main", HoldQueueLength: len(it.holdQueue), Properties: it.props}
	if it.loanedTo != "" {
		out.Status, out.DueDate = StatusCharged, b.due
	}
	return out, nil
}

func (b *fakeBackend) Hold(_ context.Context, req HoldRequest) (HoldResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, err := b.patron(req.Patron, req.PatronPassword)
	if err != nil {
		return HoldResult{}, err
	}
	it, ok := b.items[req.Item]
	if !ok {
		return HoldResult{}, Refuse("Unknown item "+req.Item, errNoSuchItem)
	}
	res := HoldResult{Item: req.Item, Title: it.title, PickupLocation: "Main"}
	switch req.Mode {
	case HoldAdd:
		if p.blocked {
			return res, Refuse("Your card is blocked", errBlocked)
		}
		it.holdQueue = append(it.holdQueue, req.Patron)
		res.QueuePosition = len(it.holdQueue)
		res.Available = it.loanedTo == ""
	case HoldDelete:
		for i, who := range it.holdQueue {
			if who == req.Patron {
				it.holdQueue = append(it.holdQueue[:i], it.holdQueue[i+1:]...)
				return res, nil
			}
		}
		return res, Refuse("You have no hold on this item", nil)
	case HoldChange:
		res.Expiration = req.Expiration
	}
	return res, nil
}

func (b *fakeBackend) FeePaid(_ context.Context, req FeePaidRequest) (FeePaidResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, err := b.patron(req.Patron, req.PatronPassword)
	if err != nil {
		return FeePaidResult{}, err
	}
	if req.Amount.Minor <= 0 {
		return FeePaidResult{}, Refuse("Nothing to pay", nil)
	}
	p.fees -= req.Amount.Minor
	return FeePaidResult{TransactionID: "PAY-" + req.Patron}, nil
}

func (b *fakeBackend) BlockPatron(_ context.Context, req BlockRequest) (Patron, error) {
	b.mu.Lock()
	p, ok := b.patrons[req.Patron]
	if ok {
		p.blocked = true
	}
	b.mu.Unlock()
	if !ok {
		return Patron{}, Refuse("Unknown card "+req.Patron, errNoSuchPatron)
	}
	return b.Patron(context.Background(), PatronQuery{Patron: req.Patron})
}

func (b *fakeBackend) EnablePatron(ctx context.Context, q PatronQuery) (Patron, error) {
	b.mu.Lock()
	p, ok := b.patrons[q.Patron]
	if ok {
		p.blocked = false
	}
	b.mu.Unlock()
	if !ok {
		return Patron{}, Refuse("Unknown card "+q.Patron, errNoSuchPatron)
	}
	return b.Patron(ctx, q)
}

func (b *fakeBackend) UpdateItemProperties(_ context.Context, q ItemQuery) (Item, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	it, ok := b.items[q.Item]
	if !ok {
		return Item{}, Refuse("Unknown item "+q.Item, errNoSuchItem)
	}
	it.props = q.Properties
	return Item{ID: q.Item, Title: it.title, Properties: it.props}, nil
}

// loans returns item → patron for every item on loan.
func (b *fakeBackend) loans() map[string]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]string{}
	for id, it := range b.items {
		if it.loanedTo != "" {
			out[id] = it.loanedTo
		}
	}
	return out
}
