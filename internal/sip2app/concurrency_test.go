package sip2app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/internal/sip2app"
	"github.com/circa-library/circa/sip2"
)

// TestConcurrentClients has 50 units lend and take back the same few
// books at once. Every loan a unit was told of is in the event log once,
// no copy is ever lent twice, and all ends with every book on the shelf.
func TestConcurrentClients(t *testing.T) {
	const clients, rounds = 50, 8
	f := newFixture(t, sip2.UTF8, account("kiosk1", "pw1", nil))
	barcodes := []string{"B1", "B2", "B3", "B4", "B5", "B6", "H1"}
	for i := range clients {
		f.reader(fmt.Sprintf("P%02d", i), fmt.Sprintf("读者%d", i), "REG", "")
	}
	var lent, returned atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := dial(t, f.addr, sip2.UTF8)
			if !c.login("kiosk1", "pw1") {
				errs <- fmt.Errorf("client %d: login refused", i)
				return
			}
			card := fmt.Sprintf("P%02d", i)
			for r := range rounds {
				b := barcodes[(i+r)%len(barcodes)]
				if resp := c.checkout(card, b); resp.FixedField(sip2.FOK) == "1" {
					lent.Add(1)
					if resp := c.checkin(b); resp.FixedField(sip2.FOK) != "1" || resp.Field("AA") != card {
						errs <- fmt.Errorf("client %d: checkin of %s it had: %s", i, b, resp)
						return
					}
					returned.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if lent.Load() == 0 || lent.Load() != returned.Load() {
		t.Fatalf("%d loans, %d returns", lent.Load(), returned.Load())
	}
	if n := int64(len(f.eventsOf(app.EvCheckout, "sip2:kiosk1"))); n != lent.Load() {
		t.Errorf("%d checkout events for %d loans the units were told of", n, lent.Load())
	}

	// Replay the log: a copy is never lent while out, never returned twice.
	out := map[string]string{} // copy → open loan
	err := f.lib.View(func(tx app.Tx) error {
		return tx.EventsAfter(f.lib.Station(), 0, func(e *app.Event) error {
			switch e.Kind {
			case app.EvCheckout:
				var p app.CheckoutPayload
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					return err
				}
				if out[p.Loan.CopyID] != "" {
					t.Errorf("copy %s lent while loan %s was open", p.Loan.CopyID, out[p.Loan.CopyID])
				}
				out[p.Loan.CopyID] = p.Loan.ID
			case app.EvCheckin:
				var p app.CheckinPayload
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					return err
				}
				if p.LoanID != "" && out[p.CopyID] != p.LoanID {
					t.Errorf("copy %s returned from loan %s, open was %q", p.CopyID, p.LoanID, out[p.CopyID])
				}
				out[p.CopyID] = ""
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range barcodes {
		cp, _ := f.lib.CopyByBarcode(b)
		if cp.Status != app.CopyAvailable {
			t.Errorf("%s ends %s", b, cp.Status)
		}
	}
}

// TestStart runs the server from the station's settings, and not at all
// when they leave it off.
func TestStart(t *testing.T) {
	f := newFixture(t, sip2.UTF8)
	cfg, err := sip2app.LoadConfig(f.lib)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Enabled || cfg.Listen != "127.0.0.1:6001" {
		t.Errorf("default config %+v: want off, on 127.0.0.1:6001", cfg)
	}
	stop, err := sip2app.Start(context.Background(), f.lib, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop()

	if err := sip2app.SaveConfig(f.lib, f.admin, sip2app.Config{Enabled: true, Listen: "127.0.0.1:0", Charset: "CP850"}); err != nil {
		t.Fatal(err)
	}
	if err := sip2app.SaveConfig(f.lib, f.admin, sip2app.Config{Charset: "EBCDIC"}); err == nil {
		t.Error("an unknown character set was saved")
	}
	if err := sip2app.SaveConfig(f.lib, app.Actor{Username: "k", Role: app.RoleKiosk}, sip2app.Config{}); err == nil {
		t.Error("the kiosk changed the SIP2 settings")
	}
	cfg, _ = sip2app.LoadConfig(f.lib)
	if !cfg.Enabled || cfg.Charset != "CP850" || cfg.Listen != "127.0.0.1:0" {
		t.Errorf("saved config reads %+v", cfg)
	}
	stop, err = sip2app.Start(context.Background(), f.lib, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop()

	if err := sip2app.SaveConfig(f.lib, f.admin, sip2app.Config{Enabled: true, Listen: "127.0.0.1:0", TLSCert: "/nonexistent.pem", TLSKey: "/nonexistent.key"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sip2app.Start(context.Background(), f.lib, nil); err == nil {
		t.Error("started with a missing certificate")
	}
}

func TestAccounts(t *testing.T) {
	f := newFixture(t, sip2.UTF8)
	kiosk := app.Actor{Username: "k", Role: app.RoleKiosk}
	if err := sip2app.AddAccount(f.lib, kiosk, sip2app.Account{User: "x"}, "pw"); err == nil {
		t.Error("the kiosk role added an account")
	}
	for _, bad := range []string{"", "a b", "a|b"} {
		if err := sip2app.AddAccount(f.lib, f.admin, sip2app.Account{User: bad}, "pw"); err == nil {
			t.Errorf("user %q accepted", bad)
		}
	}
	if err := sip2app.AddAccount(f.lib, f.admin, sip2app.Account{User: "x"}, ""); err == nil {
		t.Error("an empty password accepted")
	}
	if err := sip2app.AddAccount(f.lib, f.admin, sip2app.Account{User: "k2", Location: "BR2", Payments: true}, "pw"); err != nil {
		t.Fatal(err)
	}
	list, err := sip2app.ListAccounts(f.lib)
	if err != nil || len(list) != 1 || list[0].User != "k2" || list[0].Location != "BR2" || !list[0].Payments {
		t.Fatalf("list: %v %+v", err, list)
	}
	if !app.VerifySecret(list[0].PasswordHash, "pw") || list[0].PasswordHash == "pw" {
		t.Error("the password is not kept as an argon2id hash")
	}
	if err := sip2app.RemoveAccount(f.lib, f.admin, "k2"); err != nil {
		t.Fatal(err)
	}
	if err := sip2app.RemoveAccount(f.lib, f.admin, "k2"); err == nil {
		t.Error("removed an account twice")
	}
	if list, _ := sip2app.ListAccounts(f.lib); len(list) != 0 {
		t.Errorf("after remove: %+v", list)
	}
}
