package sip2app_test

import (
	"bufio"
	"context"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/internal/sip2app"
	"github.com/circa-library/circa/sip2"
	"github.com/circa-library/circa/storage/memstore"
)

// start is a Monday, 10:00 in the library's time zone.
var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

type fixture struct {
	t      *testing.T
	lib    *app.Library
	clock  *app.FakeClock
	admin  app.Actor
	addr   string
	titles map[string]*app.Title // by barcode of a copy

	mu     sync.Mutex
	events []*app.Event
}

// newFixture makes a library with a few titles, copies and readers, the
// SIP2 accounts given, and a SIP2 server on 127.0.0.1 in front of it.
func newFixture(t *testing.T, charset sip2.Charset, accounts ...testAccount) *fixture {
	t.Helper()
	clock := app.NewFakeClock(start)
	store := memstore.New()
	lib, err := app.Open(store, app.Options{Clock: clock, Rand: rand.NewChaCha8([32]byte{7}), Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	admin, err := lib.Setup(app.SetupInput{LibraryName: "测试图书馆", AdminUsername: "admin", AdminName: "Admin", AdminPassword: "secret123"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, lib: lib, clock: clock, admin: admin, titles: map[string]*app.Title{}}
	lib.Observe(func(evs []*app.Event) {
		f.mu.Lock()
		f.events = append(f.events, evs...)
		f.mu.Unlock()
	})
	f.title("三体", app.ItemBook, "B1", "B2", "B3", "B4", "B5", "B6")
	f.title("The Hobbit", app.ItemBook, "H1")
	f.title("儿童画报", app.ItemMagazine, "M1")
	f.title("Dictionary", app.ItemReference, "R1")
	f.title("itemTitle", app.ItemBook, "itemId")
	f.reader("C1", "张三", "REG", "")
	f.reader("C2", "Alice", "STU", "")
	f.reader("patronId", "Pat Ron", "REG", "")
	for _, a := range accounts {
		if err := sip2app.AddAccount(lib, admin, a.Account, a.password); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := sip2app.NewServer(lib, sip2app.Config{Listen: "127.0.0.1:0", Charset: charset}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	addr, stop, err := sip2app.Run(context.Background(), srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	f.addr = addr.String()
	return f
}

// testAccount is a SIP2 account for newFixture to add.
type testAccount struct {
	sip2app.Account
	password string
}

func account(user, password string, change func(*sip2app.Account)) testAccount {
	a := testAccount{Account: sip2app.Account{User: user, Location: "MAIN"}, password: password}
	if change != nil {
		change(&a.Account)
	}
	return a
}

func (f *fixture) title(name string, item app.ItemType, barcodes ...string) {
	f.t.Helper()
	t, err := f.lib.AddTitle(f.admin, app.TitleInput{Title: name, Authors: []string{"Author"}})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, b := range barcodes {
		if _, err := f.lib.AddCopy(f.admin, t.ID, app.CopyInput{Barcode: b, ItemType: item, Location: "MAIN"}); err != nil {
			f.t.Fatal(err)
		}
		f.titles[b] = t
	}
}

func (f *fixture) reader(card, name, cardType, pin string) *app.Reader {
	f.t.Helper()
	r, err := f.lib.RegisterReader(f.admin, app.ReaderInput{Card: card, Name: name, CardType: cardType, PIN: pin})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) readerID(card string) string {
	f.t.Helper()
	r, err := f.lib.ReaderByCard(card)
	if err != nil {
		f.t.Fatal(err)
	}
	return r.ID
}

// eventsOf returns the committed events of kind made by staff.
func (f *fixture) eventsOf(kind app.EventKind, staff string) []*app.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*app.Event
	for _, e := range f.events {
		if e.Kind == kind && e.Staff == staff {
			out = append(out, e)
		}
	}
	return out
}

// audit returns the audit entries whose action or facts mention text.
func (f *fixture) audit(text string) []app.AuditEntry {
	f.t.Helper()
	entries, err := f.lib.AuditLog(f.admin, app.AuditFilter{Text: text})
	if err != nil {
		f.t.Fatal(err)
	}
	return entries
}

// client plays a self-check unit.
type client struct {
	t       testing.TB
	conn    net.Conn
	r       *bufio.Reader
	charset sip2.Charset
}

func (f *fixture) dial(charset sip2.Charset) *client {
	f.t.Helper()
	return dial(f.t, f.addr, charset)
}

func dial(t testing.TB, addr string, charset sip2.Charset) *client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &client{t: t, conn: conn, r: bufio.NewReader(conn), charset: charset}
}

// raw sends one line as it is and returns the answer's bytes.
func (c *client) raw(line []byte) ([]byte, error) {
	c.conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.conn.Write(append(line, '\r')); err != nil {
		return nil, err
	}
	resp, err := c.r.ReadBytes('\r')
	if err != nil {
		return nil, err
	}
	return resp[:len(resp)-1], nil
}

// do sends m and parses the answer.
func (c *client) do(m *sip2.Message) *sip2.Message {
	c.t.Helper()
	b, err := m.Format(c.charset)
	if err != nil {
		c.t.Fatal(err)
	}
	resp, err := c.raw(b)
	if err != nil {
		c.t.Fatalf("%s: %v", m.Command, err)
	}
	r, err := sip2.Parse(resp, c.charset)
	if err != nil {
		c.t.Fatalf("answer %q: %v", resp, err)
	}
	return r
}

func (c *client) login(user, password string) bool {
	c.t.Helper()
	r := c.do(sip2.NewMessage(sip2.Login).SetFixedField(sip2.FUIDAlgorithm, "0").SetFixedField(sip2.FPWDAlgorithm, "0").
		Add("CN", user).Add("CO", password).Add("CP", "MAIN"))
	if r.Command != sip2.LoginResponse {
		c.t.Fatalf("login answered %s", r.Command)
	}
	return r.FixedField(sip2.FOK) == "1"
}

func (c *client) checkout(card, barcode string, fields ...string) *sip2.Message {
	c.t.Helper()
	m := sip2.NewMessage(sip2.Checkout).SetFixedField(sip2.FSCRenewalPolicy, "Y").SetFixedField(sip2.FNoBlock, "N").
		Add("AO", "CIRCA").Add("AA", card).Add("AB", barcode)
	return c.do(addFields(m, fields))
}

func (c *client) checkin(barcode string) *sip2.Message {
	c.t.Helper()
	return c.do(sip2.NewMessage(sip2.Checkin).SetFixedField(sip2.FNoBlock, "N").
		Add("AP", "MAIN").Add("AO", "CIRCA").Add("AB", barcode))
}

// patronInfo asks for a 63 with the summary list at position list (0 hold
// items, 1 overdue, 2 charged, 3 fines, 5 unavailable holds), or none.
func (c *client) patronInfo(card string, list int, fields ...string) *sip2.Message {
	c.t.Helper()
	summary := []byte(strings.Repeat(" ", 10))
	if list >= 0 {
		summary[list] = 'Y'
	}
	m := sip2.NewMessage(sip2.PatronInformation).SetFixedField(sip2.FLanguage, "000").
		SetFixedField(sip2.FSummary, string(summary)).Add("AO", "CIRCA").Add("AA", card)
	return c.do(addFields(m, fields))
}

func (c *client) itemInfo(barcode string) *sip2.Message {
	c.t.Helper()
	return c.do(sip2.NewMessage(sip2.ItemInformation).Add("AO", "CIRCA").Add("AB", barcode))
}

// addFields adds "XXvalue" strings as fields.
func addFields(m *sip2.Message, fields []string) *sip2.Message {
	for _, f := range fields {
		m.Add(f[:2], f[2:])
	}
	return m
}

// timeAt is the end of a library day, as a due date goes on the wire.
func timeAt(t *testing.T, day string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", day, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(24*time.Hour - time.Second)
}
