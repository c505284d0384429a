package notices_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"net/textproto"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/notices"
	"github.com/circa-library/circa/app/reports/fixture"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/storage/memstore"
)

// fakeSMTP is a tiny SMTP server on 127.0.0.1. behave decides, per DATA, what
// it answers: "ok", "temp" (451), "perm" (554) or "hang" (no answer until the
// client gives up).
type fakeSMTP struct {
	t      *testing.T
	tls    *tls.Config // offer STARTTLS with this certificate when set
	tlsOK  int         // messages accepted over TLS
	ln     net.Listener
	mu     sync.Mutex
	behave func(n int) string
	datas  int
	got    []string // Message-IDs accepted
	wg     sync.WaitGroup
	closed chan struct{}
}

func newFakeSMTP(t *testing.T, behave func(n int) string) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{t: t, ln: ln, behave: behave, closed: make(chan struct{})}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		close(s.closed)
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *fakeSMTP) setBehaviour(b func(n int) string) {
	s.mu.Lock()
	s.behave = b
	s.mu.Unlock()
}

func (s *fakeSMTP) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *fakeSMTP) accepted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

func (s *fakeSMTP) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.serve(c)
		}()
	}
}

var msgIDRE = regexp.MustCompile(`(?m)^Message-ID: <([^>]+)>`)

func (s *fakeSMTP) serve(c net.Conn) {
	go func() { <-s.closed; c.Close() }()
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 fake ESMTP")
	secure := false
	s.mu.Lock()
	tlsConf := s.tls
	s.mu.Unlock()
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		switch verb {
		case "EHLO", "HELO":
			tp.PrintfLine("250-fake")
			if tlsConf != nil && !secure {
				tp.PrintfLine("250-STARTTLS")
			}
			tp.PrintfLine("250 AUTH PLAIN")
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, tlsConf)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, tp, secure = tc, textproto.NewConn(tc), true
		case "AUTH":
			tp.PrintfLine("235 ok")
		case "MAIL", "RCPT", "RSET", "NOOP":
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go on")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.datas++
			b := s.behave(s.datas)
			s.mu.Unlock()
			switch b {
			case "ok":
				m := msgIDRE.FindSubmatch(data)
				s.mu.Lock()
				if m != nil {
					s.got = append(s.got, string(m[1]))
				}
				if secure {
					s.tlsOK++
				}
				s.mu.Unlock()
				tp.PrintfLine("250 queued")
			case "temp":
				tp.PrintfLine("451 try again later")
			case "perm":
				tp.PrintfLine("554 no such mailbox")
			case "hang":
				<-s.closed
				return
			}
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 what")
		}
	}
}

func mailer(s *fakeSMTP, lib *app.Library) *notices.SMTPMailer {
	return &notices.SMTPMailer{Config: notices.SMTPConfig{Host: "127.0.0.1", Port: s.port(), User: "desk", Password: "pw",
		From: "Library <library@example.org>", TLS: "none", Clock: lib.Clock()}}
}

func queueOverdueAndDue(t *testing.T, lib *app.Library, ob *notices.Outbox) int {
	t.Helper()
	ts, err := notices.LoadTemplates(lib, i18n.Chinese)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, k := range []notices.Kind{notices.Overdue, notices.DueSoon} {
		ns, err := notices.Generate(lib, k, notices.Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := ob.Queue(app.System, ns, ts)
		if err != nil {
			t.Fatal(err)
		}
		n += res.Queued
	}
	return n
}

func exactlyOnce(t *testing.T, got []string, want int) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("%s delivered %d times", id, c)
		}
	}
	if len(seen) != want {
		t.Errorf("%d distinct messages delivered, want %d", len(seen), want)
	}
}

func TestOutboxFailHangSucceed(t *testing.T) {
	f := school(t)
	srv := newFakeSMTP(t, func(int) string { return "temp" })
	ob := notices.NewOutbox(f.Lib)
	ob.Timeout = 300 * time.Millisecond
	queued := queueOverdueAndDue(t, f.Lib, ob)
	if queued < 3 {
		t.Fatalf("only %d messages queued", queued)
	}
	ctx := context.Background()
	m := mailer(srv, f.Lib)

	res, err := ob.SendPending(ctx, m)
	if err != nil || res.Sent != 0 || res.Deferred != queued || res.LastError == nil {
		t.Fatalf("server says 451: %+v, %v", res, err)
	}
	// Within the retry wait nothing is tried.
	srv.setBehaviour(func(int) string { return "ok" })
	if res, _ := ob.SendPending(ctx, m); res.Sent != 0 {
		t.Fatalf("retried before the wait was over: %+v", res)
	}
	srv.setBehaviour(func(int) string { return "hang" })
	f.Clock.Advance(ob.Retry + time.Second)
	start := time.Now()
	res, err = ob.SendPending(ctx, m)
	if err != nil || res.Sent != 0 || res.LastError == nil {
		t.Fatalf("server hangs: %+v, %v", res, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a hanging server held the sender %v", d)
	}
	// Second message refused for good, the others accepted.
	srv.setBehaviour(func(n int) string {
		if n == 3 {
			return "perm"
		}
		return "ok"
	})
	f.Clock.Advance(ob.Retry + time.Second)
	res, err = ob.SendPending(ctx, m)
	if err != nil || res.Sent != queued-1 || res.Failed != 1 {
		t.Fatalf("server accepts: %+v, %v", res, err)
	}
	f.Clock.Advance(time.Hour)
	if res, err := ob.SendPending(ctx, m); err != nil || res.Sent+res.Failed+res.Deferred != 0 {
		t.Errorf("a second round did something: %+v, %v", res, err)
	}
	exactlyOnce(t, srv.accepted(), queued-1)
	entries, err := ob.Entries()
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[notices.Status]int{}
	for _, e := range entries {
		statuses[e.Status()]++
	}
	if statuses[notices.StatusSent] != queued-1 || statuses[notices.StatusFailed] != 1 {
		t.Errorf("statuses %v", statuses)
	}
	// The reader's page shows what went to them.
	hist, err := ob.NoticesOf(entries[0].ReaderID)
	if err != nil || len(hist) == 0 || hist[0].To == "" {
		t.Errorf("NoticesOf: %+v, %v", hist, err)
	}
	// Queueing the same notices again changes nothing.
	if again := queueOverdueAndDue(t, f.Lib, ob); again != 0 {
		t.Errorf("%d notices queued twice", again)
	}
}

func TestOutboxAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture.New(t, fixture.Options{Titles: 6, CopiesPerTitle: 1, Readers: 4, Seed: 9, Store: db})
	for i := 0; i < 4; i++ {
		if _, err := f.Lib.CheckOut(app.System, f.Readers[i].Card, f.Copies[i].Barcode, app.CheckOutOptions{Override: true}); err != nil {
			t.Fatal(err)
		}
	}
	f.Clock.Advance(80 * 24 * time.Hour)
	srv := newFakeSMTP(t, func(n int) string {
		if n == 2 {
			return "temp"
		}
		return "ok"
	})
	queued := queueOverdueAndDue(t, f.Lib, notices.NewOutbox(f.Lib))
	if queued != 4 {
		t.Fatalf("%d queued, want 4", queued)
	}
	res, err := notices.NewOutbox(f.Lib).SendPending(context.Background(), mailer(srv, f.Lib))
	if err != nil || res.Sent != 1 {
		t.Fatalf("first round: %+v, %v", res, err)
	}
	db.Close()

	reopen := func() (*app.Library, *storage.DB) {
		db, err := storage.Open(path, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		lib, err := app.Open(db, app.Options{Clock: f.Clock, Location: fixture.Zone})
		if err != nil {
			t.Fatal(err)
		}
		return lib, db
	}
	lib, db := reopen()
	ob := notices.NewOutbox(lib)
	pending, err := ob.Pending()
	if err != nil || len(pending) != 3 {
		t.Fatalf("after restart %d pending, want 3 (%v)", len(pending), err)
	}
	res, err = ob.SendPending(context.Background(), mailer(srv, lib))
	if err != nil || res.Sent != 3 {
		t.Fatalf("after restart: %+v, %v", res, err)
	}
	db.Close()
	lib, db = reopen()
	defer db.Close()
	res, err = notices.NewOutbox(lib).SendPending(context.Background(), mailer(srv, lib))
	if err != nil || res.Sent != 0 {
		t.Errorf("after a second restart: %+v, %v", res, err)
	}
	exactlyOnce(t, srv.accepted(), 4)
}

// replicate copies the events b lacks from a, as sync would, but only into
// the log (b's records stay as they were).
func replicate(t *testing.T, a, b *app.Library) {
	t.Helper()
	evs := missing(t, a, b)
	err := b.Store().Update(func(tx app.Tx) error {
		for _, ev := range evs {
			if err := tx.AppendEvent(ev); err != nil {
				return err
			}
			if err := app.ObserveHLC(tx, ev.HLC, b.Clock()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// missing returns copies of the events of a that b lacks.
func missing(t *testing.T, a, b *app.Library) []*app.Event {
	t.Helper()
	var evs []*app.Event
	err := b.View(func(btx app.Tx) error {
		have, err := btx.Vector()
		if err != nil {
			return err
		}
		return a.View(func(atx app.Tx) error {
			vec, err := atx.Vector()
			if err != nil {
				return err
			}
			for st := range vec {
				if err := atx.EventsAfter(st, have[st], func(e *app.Event) error {
					c := *e
					evs = append(evs, &c)
					return nil
				}); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestOutboxTwoStations(t *testing.T) {
	f := school(t)
	a := f.Lib
	bClock := app.NewFakeClock(f.Clock.Now().Add(time.Minute))
	b, err := app.Open(memstore.New(), app.Options{Clock: bClock, Location: fixture.Zone, Station: "station-b"})
	if err != nil {
		t.Fatal(err)
	}
	srv := newFakeSMTP(t, func(int) string { return "ok" })
	obA, obB := notices.NewOutbox(a), notices.NewOutbox(b)
	obA.Timeout, obB.Timeout = time.Second, time.Second

	// Both stations queue the same notices while apart: one message each.
	ts, _ := notices.LoadTemplates(a, i18n.English)
	var all []*notices.Notice
	for _, k := range []notices.Kind{notices.Overdue, notices.DueSoon} {
		ns, err := notices.Generate(a, k, notices.Options{})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ns...)
	}
	if _, err := obA.Queue(app.System, all, ts); err != nil {
		t.Fatal(err)
	}
	if _, err := obB.Queue(app.System, all, ts); err != nil {
		t.Fatal(err)
	}
	replicate(t, a, b)
	replicate(t, b, a)
	pa, _ := obA.Pending()
	pb, _ := obB.Pending()
	if len(pa) != len(all) || len(pb) != len(all) {
		t.Fatalf("pending after sync: %d and %d, want %d", len(pa), len(pb), len(all))
	}

	// B claims the first message but its server is down; after sync, A
	// leaves that one to B and sends the rest.
	down := newFakeSMTP(t, func(int) string { return "temp" })
	if res, err := obB.SendPending(context.Background(), mailer(down, b)); err != nil || res.Sent != 0 {
		t.Fatalf("B with the server down: %+v, %v", res, err)
	}
	replicate(t, b, a)
	res, err := obA.SendPending(context.Background(), mailer(srv, a))
	if err != nil || res.Sent != len(all)-1 || res.Deferred != 1 {
		t.Fatalf("A: %+v, %v; want %d sent and B's claim left to B", res, err, len(all)-1)
	}
	sentA := res.Sent
	// B hears from A, then retries: only its own claim is left to it. (Had
	// B not heard, it would have claimed and sent A's too: without a mail
	// station, stations cut off from each other can both send. See the
	// package comment.)
	replicate(t, a, b)
	bClock.Advance(10 * time.Minute)
	res, err = obB.SendPending(context.Background(), mailer(srv, b))
	if err != nil || res.Sent != 1 {
		t.Fatalf("B's retry: %+v, %v", res, err)
	}
	replicate(t, b, a)
	replicate(t, a, b)
	for _, ob := range []*notices.Outbox{obA, obB} {
		if res, err := ob.SendPending(context.Background(), mailer(srv, a)); err != nil || res.Sent != 0 {
			t.Errorf("after everything synced a station still sent: %+v, %v", res, err)
		}
	}
	exactlyOnce(t, srv.accepted(), len(all))
	t.Logf("A sent %d, B sent %d", sentA, res.Sent)
}

func TestMailStationOnly(t *testing.T) {
	f := school(t)
	srv := newFakeSMTP(t, func(int) string { return "ok" })
	if err := f.Lib.SetSetting(app.System, notices.SettingMailStation, "station-elsewhere"); err != nil {
		t.Fatal(err)
	}
	ob := notices.NewOutbox(f.Lib)
	n := queueOverdueAndDue(t, f.Lib, ob)
	res, err := ob.SendPending(context.Background(), mailer(srv, f.Lib))
	if err != nil || res.Sent != 0 || res.Deferred != n {
		t.Errorf("a station that is not the mail station sent: %+v, %v", res, err)
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "fake smtp"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

func TestSTARTTLS(t *testing.T) {
	f := school(t)
	srv := newFakeSMTP(t, func(int) string { return "ok" })
	serverTLS, pool := selfSigned(t)
	srv.mu.Lock()
	srv.tls = serverTLS
	srv.mu.Unlock()
	ob := notices.NewOutbox(f.Lib)
	n := queueOverdueAndDue(t, f.Lib, ob)
	m := mailer(srv, f.Lib)
	m.Config.TLS = "starttls"
	m.Config.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	res, err := ob.SendPending(context.Background(), m)
	if err != nil || res.Sent != n {
		t.Fatalf("over STARTTLS: %+v, %v", res, err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.tlsOK != n {
		t.Errorf("%d of %d messages went over TLS", srv.tlsOK, n)
	}

	// A server without STARTTLS is refused rather than sent the password in
	// the clear.
	plain := newFakeSMTP(t, func(int) string { return "ok" })
	m2 := mailer(plain, f.Lib)
	m2.Config.TLS = "starttls"
	err = m2.Send(context.Background(), &notices.Entry{ID: "x", To: "a@example.org", Subject: "s", Body: "b"})
	var perm *notices.PermanentError
	if !errors.As(err, &perm) || len(plain.accepted()) != 0 {
		t.Errorf("no STARTTLS offered: %v", err)
	}
}

// syncTo applies a's events that b lacks on b, as sync does: records and
// settings follow, not only the log.
func syncTo(t *testing.T, a, b *app.Library) {
	t.Helper()
	evs := missing(t, a, b)
	if err := b.Transact(func(tx app.Tx) error { return b.ApplyRemote(tx, evs) }); err != nil {
		t.Fatal(err)
	}
}

// TestMailStationAcrossStations: the mail station is library data that
// syncs; once a second station has it, that station never sends, even cut
// off from the mail station and with its own claims, while the mail station
// delivers everything exactly once through a server that fails, hangs and
// then accepts.
func TestMailStationAcrossStations(t *testing.T) {
	f := school(t)
	a := f.Lib
	if err := a.SetSetting(app.System, notices.SettingMailStation, a.Station()); err != nil {
		t.Fatal(err)
	}
	bClock := app.NewFakeClock(f.Clock.Now().Add(time.Minute))
	b, err := app.Open(memstore.New(), app.Options{Clock: bClock, Location: fixture.Zone, Station: "station-b"})
	if err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, b)
	if got, _ := b.Setting(notices.SettingMailStation, ""); got != a.Station() {
		t.Fatalf("station B's mail station is %q, want A's %q", got, a.Station())
	}
	obA, obB := notices.NewOutbox(a), notices.NewOutbox(b)
	obA.Timeout, obA.Retry = 300*time.Millisecond, time.Minute
	// Apart, both queue the same notices; B tries to send with a working
	// server and must not.
	n := queueOverdueAndDue(t, a, obA)
	if nb := queueOverdueAndDue(t, b, obB); nb != n || n == 0 {
		t.Fatalf("queued %d on A and %d on B", n, nb)
	}
	good := newFakeSMTP(t, func(int) string { return "ok" })
	if res, err := obB.SendPending(context.Background(), mailer(good, b)); err != nil || res.Sent != 0 || res.Deferred != n {
		t.Fatalf("station B sent: %+v, %v", res, err)
	}
	// A meets a failing server, then a hanging one, then a good one.
	for _, answer := range []string{"temp", "hang"} {
		srv := newFakeSMTP(t, func(int) string { return answer })
		if res, err := obA.SendPending(context.Background(), mailer(srv, a)); err != nil || res.Sent != 0 || res.LastError == nil {
			t.Fatalf("A with a server that answers %s: %+v, %v", answer, res, err)
		}
		f.Clock.Advance(2 * time.Minute)
	}
	syncTo(t, b, a)
	res, err := obA.SendPending(context.Background(), mailer(good, a))
	if err != nil || res.Sent != n {
		t.Fatalf("A: %+v, %v; want %d sent", res, err, n)
	}
	syncTo(t, a, b)
	for _, ob := range []*notices.Outbox{obA, obB} {
		if res, err := ob.SendPending(context.Background(), mailer(good, a)); err != nil || res.Sent != 0 {
			t.Errorf("after sync a station sent again: %+v, %v", res, err)
		}
	}
	if p, _ := obB.Pending(); len(p) != 0 {
		t.Errorf("B still has %d messages pending after sync", len(p))
	}
	exactlyOnce(t, good.accepted(), n)
}
