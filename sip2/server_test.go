package sip2

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testClock is the server's time in every test.
var testClock = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

const testDate = "20261127   Z090000"

// syncBuffer collects the server log for assertions.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type testServer struct {
	srv     *Server
	backend *fakeBackend
	addr    string
	log     *syncBuffer
	stop    func()
}

func testAccounts() *AccountTable {
	return &AccountTable{
		Users: map[string]TableEntry{
			"sc1":  {Account: Account{Institution: "CIRCA"}, PasswordHash: "hash:secret"},
			"user": {Account: Account{Institution: "CIRCA"}, PasswordHash: "hash:passwd"},
		},
		CheckPassword: func(hash, password string) bool { return hash == "hash:"+password },
	}
}

// startServer runs a Server on 127.0.0.1 with a fresh fake backend until
// the test ends; configure may change it before it starts.
func startServer(t testing.TB, configure func(*Server)) *testServer {
	t.Helper()
	ts := &testServer{backend: newFakeBackend(), log: &syncBuffer{}}
	ts.srv = &Server{
		Addr:     "127.0.0.1:0",
		Backend:  ts.backend,
		Accounts: testAccounts(),
		Logger:   slog.New(slog.NewTextHandler(ts.log, nil)),
		Clock:    func() time.Time { return testClock },
	}
	if configure != nil {
		configure(ts.srv)
	}
	addr, err := ts.srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = addr.String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ts.srv.Serve(ctx) }()
	var once sync.Once
	ts.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Serve: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("Serve did not return after its context ended")
			}
		})
	}
	t.Cleanup(ts.stop)
	return ts
}

// client is a terminal talking to the server over a real TCP connection.
type client struct {
	t    testing.TB
	conn net.Conn
	br   *bufio.Reader
}

func (ts *testServer) dial(t testing.TB) *client {
	t.Helper()
	conn, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &client{t: t, conn: conn, br: bufio.NewReader(conn)}
}

// send writes one message with a CR and returns the answer without its CR.
func (c *client) send(line string) string {
	c.t.Helper()
	resp, err := c.trySend(line)
	if err != nil {
		c.t.Fatalf("sending %q: %v", line, err)
	}
	return resp
}

func (c *client) trySend(line string) (string, error) {
	c.conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.conn.Write([]byte(line + "\r")); err != nil {
		return "", err
	}
	resp, err := c.br.ReadString('\r')
	return strings.TrimSuffix(resp, "\r"), err
}

// request sends a message and parses the answer, which must be valid.
func (c *client) request(line string) *Message {
	c.t.Helper()
	resp := c.send(line)
	m, err := Parse([]byte(resp), UTF8)
	if err != nil {
		c.t.Fatalf("answer to %q is %q: %v", line, resp, err)
	}
	return m
}

func (c *client) login() {
	c.t.Helper()
	if resp := c.send("9300CNsc1|COsecret|CPdesk|"); resp != "941" {
		c.t.Fatalf("login answered %q", resp)
	}
}

// closed reports whether the server hung up within a few seconds.
func (c *client) closed() bool {
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, err := c.br.ReadByte(); err != nil {
			return !isTimeout(err)
		}
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// withChecksum appends a sequence number and checksum, as a terminal in
// error detection mode does.
func withChecksum(line string, seq int) string {
	line += fmt.Sprintf("AY%dAZ", seq)
	return line + fmt.Sprintf("%04X", checksum([]byte(line)))
}

// absent, as a wanted field value, means the field must not be there.
const absent = "\x00absent"

// TestMessages drives every request through one logged-in connection, in
// an order where each step depends on the ones before.
func TestMessages(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t)
	c.login()
	const d = "20261127    090000"
	tests := []struct {
		name    string
		request string
		prefix  string            // the answer starts with this
		fields  map[string]string // and has these fields (or not, if absent)
	}{
		{"SC status", "9900302.00", "98YYYYNN050003" + testDate + "2.00",
			map[string]string{"AO": "CIRCA", "AM": "Circa Test Library", "BX": "YYYYYYYYYYYYYYYY", "AN": "desk"}},
		{"patron status with PIN", "23001" + d + "AOCIRCA|AAP1|ACx|AD1234|", "24" + strings.Repeat(" ", 14) + "001" + testDate,
			map[string]string{"AA": "P1", "AE": "Ada Lovelace", "BL": "Y", "CQ": "Y"}},
		{"patron status with wrong PIN", "23001" + d + "AOCIRCA|AAP1|AD0000|", "24",
			map[string]string{"BL": "Y", "CQ": "N"}},
		{"patron status of unknown card", "23001" + d + "AOCIRCA|AAnobody|", "24",
			map[string]string{"AA": "nobody", "BL": "N"}},
		{"patron information with fines", "63019" + d + "   Y      AOCIRCA|AAP2|", "64              001" + testDate + "000000000000000100000000",
			map[string]string{"AE": "王小明", "BH": "CNY", "BV": "2.50", "AV": "overdue fine 2.50", "BE": "reader@example.org"}},
		{"checkout", "11YN" + d + strings.Repeat(" ", 18) + "AOCIRCA|AAP1|ABI1|AC|", "121NUY" + testDate,
			map[string]string{"AA": "P1", "AB": "I1", "AJ": "Digital ävionics handbook", "AH": "20261224   Z235900", "BK": "TI1", "CK": "001"}},
		{"checkout again is a renewal", "11YN" + d + strings.Repeat(" ", 18) + "AOCIRCA|AAP1|ABI1|", "121YUY", nil},
		{"checkout of an item on loan", "11YN" + d + strings.Repeat(" ", 18) + "AOCIRCA|AAP2|ABI1|", "120NUN",
			map[string]string{"AF": "This item is on loan to someone else", "AH": "", "AJ": "Digital ävionics handbook"}},
		{"checkout by a blocked patron", "11YN" + d + strings.Repeat(" ", 18) + "AOCIRCA|AABLOCKED|ABI2|", "120NUN",
			map[string]string{"AF": "Your card is blocked"}},
		{"checkout failing in the backend", "11YN" + d + strings.Repeat(" ", 18) + "AOCIRCA|AAP1|ABBROKEN|", "120NUN",
			map[string]string{"AF": "The library system cannot do this now. Please ask at the desk."}},
		{"patron information, charged items", "63001" + d + "  Y       AOCIRCA|AAP1|", "64              001" + testDate + "000000000002000000000000",
			map[string]string{"AU": "830$28170815"}},
		{"patron information, second charged item only", "63001" + d + "  Y       AOCIRCA|AAP1|BP2|BQ2|", "64",
			map[string]string{"AU": "I1"}},
		{"patron information, range past the end", "63001" + d + "  Y       AOCIRCA|AAP1|BP3|BQ9|", "64", map[string]string{"AU": absent}},
		{"patron information, range backwards", "63001" + d + "  Y       AOCIRCA|AAP1|BP2|BQ1|", "64", map[string]string{"AU": absent}},
		{"renew", "29NN" + d + strings.Repeat(" ", 18) + "AOCIRCA|AAP1|ABI1|", "301YUY",
			map[string]string{"AH": "20270107   Z235900"}},
		{"hold", "15+" + d + "AOCIRCA|AAP2|ABI1|BSMain|", "161N" + testDate,
			map[string]string{"BR": "1", "BS": "Main", "AB": "I1", "AJ": "Digital ävionics handbook"}},
		{"renew refused because of the hold", "29NN" + d + strings.Repeat(" ", 18) + "AOCIRCA|AAP1|ABI1|", "300NUN",
			map[string]string{"AF": "Someone is waiting for this item"}},
		{"renew all", "65" + d + "AOCIRCA|AAP1|", "66100010001" + testDate,
			map[string]string{"BM": "830$28170815", "BN": "I1"}},
		{"hold cancelled", "15-" + d + "AOCIRCA|AAP2|ABI1|", "161N", nil},
		{"hold cancelled twice", "15-" + d + "AOCIRCA|AAP2|ABI1|", "160N",
			map[string]string{"AF": "You have no hold on this item"}},
		{"hold with unknown mode", "15x" + d + "AOCIRCA|AAP2|ABI1|", "160N",
			map[string]string{"AF": "This is not available here. Please ask at the desk."}},
		{"checkin", "09N" + d + d + "APdesk|AOCIRCA|ABI1|AC|", "101YUN" + testDate,
			map[string]string{"AB": "I1", "AQ": "Main", "AA": "P1", "AJ": "Digital ävionics handbook"}},
		{"checkin of an item not on loan", "09N" + d + d + "APdesk|AOCIRCA|ABI1|", "100NUN",
			map[string]string{"AF": "This item was not on loan", "AQ": "Main"}},
		{"item information", "17" + d + "AOCIRCA|ABI2|", "18030001" + testDate,
			map[string]string{"AB": "I2", "AJ": "三体", "CK": "001", "AQ": "Main"}},
		{"item information of unknown item", "17" + d + "AOCIRCA|ABnope|", "18010001",
			map[string]string{"AB": "nope", "AJ": "", "AF": "Unknown item nope"}},
		{"item status update", "19" + d + "AOCIRCA|ABI2|CHfragile|", "201" + testDate,
			map[string]string{"AB": "I2", "CH": "fragile"}},
		{"fee paid", "37" + d + "0100CNYBV2.50|AOCIRCA|AAP2|BKtx1|", "38Y" + testDate,
			map[string]string{"AA": "P2", "BK": "PAY-P2"}},
		{"fee paid with a bad amount", "37" + d + "0100CNYBV2,50|AOCIRCA|AAP2|", "38N", nil},
		{"block patron", "01N" + d + "AOCIRCA|ALcard on stolen list|AAP1|AC|", "24YY Y          001", map[string]string{"BL": "Y"}},
		{"patron enable", "25" + d + "AOCIRCA|AAP1|", "26" + strings.Repeat(" ", 14) + "001", nil},
		{"end session", "35" + d + "AOCIRCA|AAP1|", "36Y" + testDate, map[string]string{"AO": "CIRCA", "AA": "P1"}},
		{"request resend repeats the last answer", "97", "36Y" + testDate, map[string]string{"AA": "P1"}},
		{"checksum mode", withChecksum("35"+d+"AOCIRCA|AAP1|", 4), "36Y", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			m := c.request(tt.request)
			got, _ := m.Format(UTF8)
			if !strings.HasPrefix(string(got), tt.prefix) {
				t.Errorf("answer %q does not start with %q", got, tt.prefix)
			}
			for id, want := range tt.fields {
				if v, ok := m.FieldOK(id); want == absent && ok {
					t.Errorf("answer %q has %s", got, id)
				} else if want != absent && (!ok || v != want) {
					t.Errorf("answer %q: %s = %q (present %v), want %q", got, id, v, ok, want)
				}
			}
			if strings.Contains(tt.request, "AZ") != m.Checksum {
				t.Errorf("answer %q: checksum %v, request %q", got, m.Checksum, tt.request)
			}
		})
	}
}

func TestChecksumEcho(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t)
	resp := c.send(withChecksum("9300CNsc1|COsecret|CPdesk|", 7))
	if resp != "941AY7AZFDF6" {
		t.Errorf("login answer = %q", resp)
	}
	if _, err := Parse([]byte(resp), UTF8); err != nil {
		t.Errorf("answer does not verify: %v", err)
	}
	bad := withChecksum("9900302.00", 8)
	bad = bad[:len(bad)-1] + "0"
	if resp := c.send(bad); resp[:2] != "96" || !strings.Contains(resp, "AZ") {
		t.Errorf("answer to a wrong checksum = %q, want 96 with checksum", resp)
	}
	if resp := c.send("97"); resp[:2] != "96" {
		t.Errorf("97 after a 96 = %q, want the 96 again", resp)
	}
}

// TestTranscriptRequests sends every request of the shared transcripts to
// the server, each on a fresh logged-in connection, and checks that the
// answer is the right message.
func TestTranscriptRequests(t *testing.T) {
	ts := startServer(t, nil)
	for _, file := range transcriptFiles(t) {
		t.Run(file, func(t *testing.T) {
			for _, l := range dataLines(t, file) {
				m, err := Parse(l, UTF8)
				if err != nil || !isRequest(m.Command) {
					continue // ACS responses in the tzeumer capture
				}
				c := ts.dial(t)
				c.login()
				want := responseTo[m.Command]
				if m.Command == RequestACSResend {
					want = LoginResponse // the last answer was the login's
				}
				resp := c.request(string(l))
				if resp.Command != want {
					t.Errorf("%q answered with %s, want %s", l, resp.Command, want)
				}
				if m.Command != RequestACSResend && (resp.Checksum != m.Checksum || resp.Seq != m.Seq) {
					t.Errorf("%q answered with checksum %v seq %d", l, resp.Checksum, resp.Seq)
				}
				c.conn.Close()
			}
		})
	}
}

func TestLogin(t *testing.T) {
	ts := startServer(t, nil)
	t.Run("circulation before login is refused", func(t *testing.T) {
		c := ts.dial(t)
		m := c.request("11YN20261127    090000" + strings.Repeat(" ", 18) + "AOCIRCA|AAP1|ABI2|")
		if m.Command != CheckoutResponse || m.FixedField(FOK) != "0" || m.Field(FieldScreenMessage) != "This terminal is not logged in." {
			t.Errorf("got %v", m)
		}
		if loans := ts.backend.loans(); loans["I2"] != "" {
			t.Errorf("I2 was lent without a login")
		}
		if m := c.request("9900302.00"); m.FixedField(FOnlineStatus) != "N" {
			t.Errorf("SC status before login: %v", m)
		}
	})
	t.Run("wrong password is answered 940 and logged", func(t *testing.T) {
		c := ts.dial(t)
		if resp := c.send("9300CNsc1|COwrong|CPdesk|"); resp != "940" {
			t.Errorf("answer %q", resp)
		}
		if !strings.Contains(ts.log.String(), "login refused") {
			t.Errorf("log does not mention the refused login:\n%s", ts.log)
		}
		c.login()
		if m := c.request("17" + "20261127    090000" + "AOCIRCA|ABI2|"); m.Field(FieldTitleID) != "三体" {
			t.Errorf("item information after a later good login: %v", m)
		}
	})
	t.Run("three wrong logins hang up", func(t *testing.T) {
		c := ts.dial(t)
		for range maxFailedLogins {
			if resp := c.send("9300CNnobody|COx|"); resp != "940" {
				t.Fatalf("answer %q", resp)
			}
		}
		if !c.closed() {
			t.Error("connection still open")
		}
	})
	t.Run("anonymous access when the accounts allow it", func(t *testing.T) {
		ts := startServer(t, func(s *Server) {
			a := testAccounts()
			a.AllowAnonymous = &Account{User: "kiosk", Institution: "ANON"}
			s.Accounts = a
		})
		c := ts.dial(t)
		m := c.request("17" + "20261127    090000" + "ABI2|")
		if m.Field(FieldTitleID) != "三体" {
			t.Errorf("got %v", m)
		}
		if m := c.request("35" + "20261127    090000" + "AAP1|"); m.Field(FieldInstitutionID) != "ANON" {
			t.Errorf("AO = %q, want the anonymous account's", m.Field(FieldInstitutionID))
		}
	})
}

func TestBadInput(t *testing.T) {
	ts := startServer(t, func(s *Server) { s.MaxMessageSize = 1024 })
	tests := []struct {
		name string
		line string
	}{
		{"garbage", "\x00\xff\xfe hello"},
		{"unknown command", "42abc|"},
		{"truncated", "11YN2026"},
		{"one byte", "1"},
		{"wrong checksum", "9300CNsc1|COsecret|AY1AZ0000"},
		{"response instead of request", "941"},
		{"over-long", "17" + strings.Repeat("x", 5000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ts.dial(t)
			c.login()
			if resp := c.send(tt.line); resp != "96" {
				t.Errorf("answer %q, want 96", resp)
			}
			// The connection still works afterwards.
			if m := c.request("17" + "20261127    090000" + "ABI2|"); m.Command != ItemInformationResponse {
				t.Errorf("next answer %v", m)
			}
		})
	}
	t.Run("endless garbage hangs up", func(t *testing.T) {
		c := ts.dial(t)
		for i := range maxBadMessages {
			resp, err := c.trySend("zz")
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			if resp != "96" {
				t.Fatalf("message %d answered %q", i, resp)
			}
		}
		if !c.closed() {
			t.Error("connection still open")
		}
	})
	t.Run("LF and CRLF terminators", func(t *testing.T) {
		c := ts.dial(t)
		for _, term := range []string{"\n", "\r\n"} {
			c.conn.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := c.conn.Write([]byte("9300CNsc1|COsecret|" + term)); err != nil {
				t.Fatal(err)
			}
			resp, err := c.br.ReadString('\n')
			if err != nil || resp != "941"+term {
				t.Errorf("answer %q (%v), want 941%q", resp, err, term)
			}
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	ts := startServer(t, func(s *Server) { s.IdleTimeout = 100 * time.Millisecond })
	t.Run("silent", func(t *testing.T) {
		c := ts.dial(t)
		c.login()
		if !c.closed() {
			t.Error("idle connection still open")
		}
	})
	t.Run("message never finished", func(t *testing.T) {
		c := ts.dial(t)
		if _, err := c.conn.Write([]byte("9300CNsc1|CO")); err != nil {
			t.Fatal(err)
		}
		if !c.closed() {
			t.Error("connection with a half message still open")
		}
	})
	if !strings.Contains(ts.log.String(), "idle timeout") {
		t.Errorf("log does not mention the idle timeout:\n%s", ts.log)
	}
}

func TestMaxConns(t *testing.T) {
	ts := startServer(t, func(s *Server) { s.MaxConns = 2 })
	a, b := ts.dial(t), ts.dial(t)
	a.login()
	b.login()
	c := ts.dial(t)
	if !c.closed() {
		t.Error("third connection was served")
	}
	a.conn.Close()
	// The slot frees up once the server has seen the close.
	deadline := time.Now().Add(5 * time.Second)
	for {
		d := ts.dial(t)
		if _, err := d.trySend("9300CNsc1|COsecret|"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no connection accepted after one closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeStops(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t)
	c.login()
	ts.stop()
	if !c.closed() {
		t.Error("connection open after Serve returned")
	}
	if _, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		t.Error("listener still accepting")
	}
}

func TestServerConfig(t *testing.T) {
	tests := []struct {
		name string
		srv  *Server
	}{
		{"no backend", &Server{Addr: "127.0.0.1:0", Accounts: testAccounts()}},
		{"no accounts", &Server{Addr: "127.0.0.1:0", Backend: newFakeBackend()}},
		{"bad charset", &Server{Addr: "127.0.0.1:0", Backend: newFakeBackend(), Accounts: testAccounts(), Charset: "KOI8"}},
		{"TLS without certificate", &Server{Addr: "127.0.0.1:0", Backend: newFakeBackend(), Accounts: testAccounts(), TLSConfig: &tls.Config{}}},
		{"bad address", &Server{Addr: "256.0.0.1:-1", Backend: newFakeBackend(), Accounts: testAccounts()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.srv.Serve(context.Background()); err == nil {
				t.Error("Serve succeeded")
			}
		})
	}
}

func TestServerCharset(t *testing.T) {
	ts := startServer(t, func(s *Server) { s.Charset = GB18030 })
	c := ts.dial(t)
	c.login()
	resp := c.send("23019" + "20261127    090000" + "AOCIRCA|AAP2|")
	if want := "AE\xcd\xf5\xd0\xa1\xc3\xf7|"; !strings.Contains(resp, want) {
		t.Errorf("answer %q does not carry the name in GB18030 (%q)", resp, want)
	}
	m, err := Parse([]byte(resp), GB18030)
	if err != nil || m.Field(FieldPersonalName) != "王小明" {
		t.Errorf("Parse = %v, %v", m, err)
	}
}

func TestSummaryListFitsSizeLimit(t *testing.T) {
	ts := startServer(t, func(s *Server) { s.MaxMessageSize = 512 })
	for i := range 40 {
		ts.backend.items[itemName(i)].loanedTo = "P1"
	}
	c := ts.dial(t)
	c.login()
	resp := c.send("63001" + "20261127    090000" + "  Y       AOCIRCA|AAP1|")
	if len(resp) > 512 {
		t.Errorf("answer is %d bytes, limit 512", len(resp))
	}
	m, err := Parse([]byte(resp), UTF8)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.FieldValues(FieldChargedItems)); n == 0 || n >= 41 {
		t.Errorf("%d charged items listed, want some but not all 41", n)
	}
	if m.FixedField(FChargedItemsCount) != "0041" {
		t.Errorf("charged count = %q, want the full 0041", m.FixedField(FChargedItemsCount))
	}
}

// unsupportedBackend hides the fake's optional interfaces.
type unsupportedBackend struct{ Backend }

func TestOptionalMessages(t *testing.T) {
	ts := startServer(t, func(s *Server) { s.Backend = unsupportedBackend{newFakeBackend()} })
	c := ts.dial(t)
	c.login()
	if m := c.request("9900302.00"); m.Field(FieldSupportedMessages) != "YYYYYYYYYYYNNYYY" {
		t.Errorf("BX = %q", m.Field(FieldSupportedMessages))
	}
	if m := c.request("19" + "20261127    090000" + "ABI2|CHx|"); m.FixedField(FItemPropertiesOK) != "0" {
		t.Errorf("item status update: %v", m)
	}
	if m := c.request("25" + "20261127    090000" + "AAP1|"); m.Command != PatronEnableResponse || m.Field(FieldValidPatron) != "N" {
		t.Errorf("patron enable: %v", m)
	}
}
