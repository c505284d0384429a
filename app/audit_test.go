package app_test

import (
	"testing"

	"github.com/circa-library/circa/app"
)

func TestAuditLog(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ti := f.title("Book")
		f.copyOf(ti, "B1", app.ItemBook)
		f.reader("R1", "Reader", "REG")
		lib := app.Actor{Username: "li", Role: app.RoleLibrarian}
		must[*app.CheckOutResult](t)(f.lib.CheckOut(lib, "R1", "B1", app.CheckOutOptions{}))
		if err := f.lib.Audit(f.admin, "export_readers", map[string]string{"format": "csv"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.lib.SignIn("admin", "wrong"); app.ReasonOf(err) != app.ReasonWrongPassword {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := f.lib.AuditLog(lib, app.AuditFilter{}); app.ReasonOf(err) != app.ReasonPermissionDenied {
			t.Errorf("a librarian read the audit log: %v", err)
		}
		all := must[[]app.AuditEntry](t)(f.lib.AuditLog(f.admin, app.AuditFilter{}))
		if len(all) < 10 || !all[0].At.After(all[len(all)-1].At) && all[0].At != all[len(all)-1].At {
			t.Fatalf("audit log: %d entries, not newest first", len(all))
		}
		outs := must[[]app.AuditEntry](t)(f.lib.AuditLog(f.admin, app.AuditFilter{Kind: app.EvCheckout}))
		if len(outs) != 1 || outs[0].Staff != "li" || outs[0].Station != f.lib.Station() {
			t.Errorf("check-outs: %+v", outs)
		}
		exp := must[[]app.AuditEntry](t)(f.lib.AuditLog(f.admin, app.AuditFilter{Text: "export"}))
		if len(exp) != 1 || exp[0].Facts["format"] != "csv" {
			t.Errorf("exports: %+v", exp)
		}
		failed := must[[]app.AuditEntry](t)(f.lib.AuditLog(f.admin, app.AuditFilter{Text: "sign_in_failed"}))
		if len(failed) != 1 || failed[0].Facts["username"] != "ADMIN" {
			t.Errorf("failed sign-ins: %+v", failed)
		}
		for _, e := range all {
			for k := range e.Facts {
				if k == "password_hash" || k == "pin_hash" {
					t.Errorf("audit shows a hash: %+v", e)
				}
			}
		}
	})
}

func TestSignInLockOut(t *testing.T) {
	f := newFixture(t, storeMakers["memory"](t))
	for i := 0; i < 5; i++ {
		if _, err := f.lib.SignIn("admin", "nope"); app.ReasonOf(err) != app.ReasonWrongPassword {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, err := f.lib.SignIn("admin", "secret123"); app.ReasonOf(err) != app.ReasonLockedOut {
		t.Fatalf("right password during lock-out: %v", err)
	}
	f.clock.Advance(31e9)
	a, err := f.lib.SignIn("Admin", "secret123")
	if err != nil || a.Role != app.RoleAdmin {
		t.Fatalf("after the lock-out: %+v %v", a, err)
	}
	// Unknown accounts are locked out the same way, telling nothing.
	if _, err := f.lib.SignIn("ghost", "x"); app.ReasonOf(err) != app.ReasonWrongPassword {
		t.Fatalf("unknown account: %v", err)
	}
}

func TestRoleChecks(t *testing.T) {
	f := newFixture(t, storeMakers["memory"](t))
	ti := f.title("Book")
	f.copyOf(ti, "B1", app.ItemBook)
	r := f.reader("R1", "Reader", "REG")
	kiosk := app.Actor{Username: "kiosk", Role: app.RoleKiosk}
	asst := app.Actor{Username: "asst", Role: app.RoleAssistant}
	lib := app.Actor{Username: "li", Role: app.RoleLibrarian}
	tests := []struct {
		name  string
		actor app.Actor
		do    func(a app.Actor) error
	}{
		{"kiosk checks out at the desk", kiosk, func(a app.Actor) error {
			_, err := f.lib.CheckOut(a, "R1", "B1", app.CheckOutOptions{})
			return err
		}},
		{"kiosk overrides", kiosk, func(a app.Actor) error {
			_, err := f.lib.CheckOut(a, "R1", "B1", app.CheckOutOptions{Override: true, SelfService: true})
			return err
		}},
		{"assistant edits the catalogue", asst, func(a app.Actor) error {
			_, err := f.lib.AddTitle(a, app.TitleInput{Title: "x"})
			return err
		}},
		{"assistant registers a reader", asst, func(a app.Actor) error {
			_, err := f.lib.RegisterReader(a, app.ReaderInput{Card: "X", Name: "x", CardType: "REG"})
			return err
		}},
		{"assistant blocks a reader", asst, func(a app.Actor) error {
			_, err := f.lib.BlockReader(a, r.ID, "x")
			return err
		}},
		{"assistant waives a fine", asst, func(a app.Actor) error {
			_, err := f.lib.Waive(a, "fine", 1, "x")
			return err
		}},
		{"librarian changes settings", lib, func(a app.Actor) error {
			return f.lib.SetSetting(a, app.SettingLibraryName, "x")
		}},
		{"librarian changes rules", lib, func(a app.Actor) error {
			_, err := f.lib.SaveRule(a, app.Rule{LoanDays: 1, Loanable: true})
			return err
		}},
		{"librarian adds staff", lib, func(a app.Actor) error {
			_, err := f.lib.AddStaff(a, app.StaffInput{Username: "x", Role: app.RoleAdmin, Password: "123456"})
			return err
		}},
		{"librarian reads the audit log", lib, func(a app.Actor) error {
			_, err := f.lib.AuditLog(a, app.AuditFilter{})
			return err
		}},
		{"kiosk charges a fine", kiosk, func(a app.Actor) error {
			_, err := f.lib.Charge(a, r.ID, app.FineOther, 100, "")
			return err
		}},
		{"assistant marks a copy lost", asst, func(a app.Actor) error {
			_, err := f.lib.MarkLost(a, "B1")
			return err
		}},
		{"assistant anonymises history", asst, func(a app.Actor) error {
			_, err := f.lib.AnonymiseHistory(a)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantReason(t, tt.do(tt.actor), app.ReasonPermissionDenied)
		})
	}
	// The kiosk can self-serve where the rules allow it.
	if _, err := f.lib.CheckOut(kiosk, "R1", "B1", app.CheckOutOptions{SelfService: true}); err != nil {
		t.Errorf("self-service check-out: %v", err)
	}
}

func TestFeedback(t *testing.T) {
	f := newFixture(t, storeMakers["memory"](t))
	kiosk := app.Actor{Username: "kiosk", Role: app.RoleKiosk}
	for _, r := range []int{5, 4, 5} {
		if err := f.lib.LeaveFeedback(kiosk, r, "好"); err != nil {
			t.Fatal(err)
		}
	}
	wantReason(t, f.lib.LeaveFeedback(kiosk, 9, ""), app.ReasonInvalidInput)
	if _, err := f.lib.FeedbackList(kiosk); app.ReasonOf(err) != app.ReasonPermissionDenied {
		t.Errorf("the kiosk read the feedback list: %v", err)
	}
	s := must[*app.FeedbackSummary](t)(f.lib.FeedbackList(f.desk))
	if s.Total != 3 || s.Counts[5] != 2 || s.Counts[4] != 1 || s.Average != 4.67 {
		t.Errorf("feedback summary: %+v", s)
	}
}
