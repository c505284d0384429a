package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/notices"
)

func openMailSettings(t *testing.T, d *desk) *mailSettings {
	t.Helper()
	d.show(ScreenSettings)
	for i, item := range d.settings.tabs.Items {
		if item.Text == tr("settings.mail") {
			d.settings.tabs.SelectIndex(i)
			if d.settings.mail == nil {
				t.Fatal("the Email tab was not built when opened")
			}
			return d.settings.mail
		}
	}
	t.Fatal("no Email tab in Settings")
	return nil
}

func TestMailSettingsSaveAndTest(t *testing.T) {
	f := newFixture(t)
	d := signedInDesk(t, f, f.admin)
	m := openMailSettings(t, d)
	save := findButton(t, d.settings.tabs.Selected().Content, tr("common.save"))

	m.host.SetText("mail.example.org")
	m.port.SetText("25x")
	test.Tap(save)
	if !strings.Contains(m.status.Text, tr("settings.mail.port")) {
		t.Fatalf("a bad port is not refused in words: %q", m.status.Text)
	}
	if v, _ := f.lib.Setting(notices.SettingSMTPHost, ""); v != "" {
		t.Fatal("a refused form saved the host")
	}
	m.port.SetText("465")
	m.from.SetText("not an address")
	test.Tap(save)
	if !strings.Contains(m.status.Text, tr("settings.mail.from")) {
		t.Fatalf("a bad sender is not refused in words: %q", m.status.Text)
	}

	m.from.SetText("Village Library <library@example.org>")
	m.user.SetText("library")
	m.pw.SetText("s3cret")
	m.security.SetSelectedIndex(1)
	m.station.SetChecked(true)
	test.Tap(save)
	cfg, err := notices.SMTPConfigOf(f.lib)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "mail.example.org" || cfg.Port != 465 || cfg.TLS != "implicit" || cfg.User != "library" ||
		cfg.Password != "s3cret" || cfg.From != "Village Library <library@example.org>" {
		t.Fatalf("saved %+v", cfg)
	}
	if st, _ := f.lib.Setting(notices.SettingMailStation, ""); st != f.lib.Station() {
		t.Fatalf("mail station %q, want this station", st)
	}
	if m.pw.Text != "" || m.pw.PlaceHolder != tr("settings.mail.password_kept") {
		t.Error("the saved password is shown again or not marked as kept")
	}

	sent := make(chan *notices.Entry, 1)
	shown := make(chan struct{})
	m.send = func(_ context.Context, cfg notices.SMTPConfig, e *notices.Entry) error {
		sent <- e
		return nil
	}
	m.tested = func() { close(shown) }
	test.Tap(findButton(t, d.settings.tabs.Selected().Content, tr("settings.mail.test")))
	select {
	case <-shown:
	case <-time.After(5 * time.Second):
		t.Fatal("no test message sent")
	}
	if e := <-sent; e.To != cfg.From || e.Subject == "" {
		t.Fatalf("test message %+v", e)
	}
	if want := tr("settings.mail.test_sent", "to", cfg.From); m.status.Text != want {
		t.Fatalf("status %q, want %q", m.status.Text, want)
	}

	// Unticking gives the role up; the other settings stay.
	m.station.SetChecked(false)
	test.Tap(save)
	if st, _ := f.lib.Setting(notices.SettingMailStation, ""); st != "" {
		t.Fatalf("mail station %q after unticking", st)
	}
}

func TestMailSettingsNeedTheSettingsRole(t *testing.T) {
	f := newFixture(t)
	lib, _ := f.lib.SignIn("lib", librarianPass)
	if err := notices.SetSMTPPassword(f.lib, lib, "x"); err == nil {
		t.Fatal("a librarian may set the mail password")
	}
	if _, ok := app.RefusalOf(f.lib.SetSetting(lib, notices.SettingSMTPHost, "evil.example")); !ok {
		t.Fatal("a librarian may point the mail at another server")
	}
}
