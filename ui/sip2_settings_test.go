package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/internal/sip2app"
)

func TestSIP2SettingsShowsAccountsAndSaves(t *testing.T) {
	f := newFixture(t)
	if err := sip2app.AddAccount(f.lib, f.admin, sip2app.Account{User: "kiosk1", Location: "MAIN", Payments: true}, "pw"); err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	page := NewSIP2Settings(w, f.lib, func() app.Actor { return f.admin })
	w.SetContent(page)

	found := false
	var save *widget.Button
	var enabled *widget.Check
	walk(page, func(o fyne.CanvasObject) bool {
		switch o := o.(type) {
		case *widget.Label:
			if strings.Contains(o.Text, "kiosk1") && strings.Contains(o.Text, "MAIN") {
				found = true
			}
		case *widget.Button:
			if o.Text == tr("common.save") {
				save = o
			}
		case *widget.Check:
			if o.Text == tr("sip2.ui.enabled") {
				enabled = o
			}
		}
		return true
	})
	if !found || save == nil || enabled == nil {
		t.Fatalf("account line %v, save %v, enabled %v", found, save != nil, enabled != nil)
	}
	test.Tap(enabled)
	test.Tap(save)
	cfg, err := sip2app.LoadConfig(f.lib)
	if err != nil || !cfg.Enabled || cfg.Listen != sip2app.DefaultListen {
		t.Errorf("after save: %v %+v", err, cfg)
	}
}
