package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

func newTestKiosk(t *testing.T) (*kiosk, *fixture, *time.Time) {
	t.Helper()
	i18n.SetLang(i18n.English)
	a := test.NewApp()
	t.Cleanup(a.Quit)
	f := newFixture(t)
	now := start
	k := newKiosk(a, f.lib, func() time.Time { return now })
	k.win.Resize(fyne.NewSize(1280, 800))
	return k, f, &now
}

// texts returns every label's text on the kiosk's screen.
func (k *kiosk) texts() string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + w.Text + "]\n")
		case *canvas.Text:
			b.WriteString(w.Text + "\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(k.content)
	return b.String() + "banner: " + k.banner.Text
}

func TestKioskBorrowAndReturn(t *testing.T) {
	k, f, _ := newTestKiosk(t)
	test.Type(k.input, "T101")
	k.input.OnSubmitted(k.input.Text)
	if !strings.Contains(k.banner.Text, "scan your library card first") {
		t.Fatalf("a book before a card: %q", k.banner.Text)
	}
	k.scan("R1001")
	if k.reader == nil || !strings.Contains(k.texts(), "Hello, 张三!") {
		t.Fatalf("card scan did not start a session:\n%s", k.texts())
	}
	k.scan("T101")
	if !strings.Contains(k.banner.Text, "You borrowed 西游记") {
		t.Fatalf("borrow: %q", k.banner.Text)
	}
	if !strings.Contains(k.texts(), "西游记: bring back by") {
		t.Errorf("loan not listed:\n%s", k.texts())
	}
	r, _ := f.lib.ReaderByCard("R1001")
	loans, _ := f.lib.LoansOf(r.ID, false)
	if len(loans) != 1 || loans[0].Loan.Staff != "kiosk" {
		t.Fatalf("loans after kiosk borrow: %+v", loans)
	}
	// A refusal in a child's words, never a code.
	k.scan("NOPE")
	if !strings.Contains(k.banner.Text, "We do not know this book") {
		t.Errorf("unknown book: %q", k.banner.Text)
	}
	// Return mode.
	k.mode = modeReturn
	k.scan("T101")
	if !strings.Contains(k.banner.Text, "is returned") {
		t.Errorf("return: %q", k.banner.Text)
	}
	k.finish(true)
	if !strings.Contains(k.texts(), "Borrowed: 西游记") || !strings.Contains(k.texts(), "Returned: 西游记") {
		t.Errorf("slip:\n%s", k.texts())
	}
	k.finish(false)
	if k.reader != nil || strings.Contains(k.texts(), "张三") {
		t.Errorf("the last reader is still on screen:\n%s", k.texts())
	}
}

func TestKioskIdleReset(t *testing.T) {
	k, _, now := newTestKiosk(t)
	k.scan("R1002")
	if k.reader == nil {
		t.Fatal("no session")
	}
	*now = now.Add(kioskIdle + time.Second)
	k.checkIdle()
	if !strings.Contains(k.banner.Text, "Going back to the start") || !strings.Contains(k.texts(), "Are you still there") {
		t.Fatalf("no countdown warning:\n%s", k.texts())
	}
	*now = now.Add(kioskWarn)
	k.checkIdle()
	if k.reader != nil || strings.Contains(k.texts(), "Mary Smith") {
		t.Fatalf("idle session not cleared:\n%s", k.texts())
	}
}

func TestKioskSelfServiceRulesAndPIN(t *testing.T) {
	k, f, _ := newTestKiosk(t)
	// Teachers' cards may not self-serve in this library.
	rule, err := f.lib.RuleFor("REG", app.ItemBook)
	if err != nil {
		t.Fatal(err)
	}
	noSelf := *rule
	noSelf.CardType, noSelf.ItemType, noSelf.SelfService = "REG", "", false
	if _, err := f.lib.SaveRule(f.admin, noSelf); err != nil {
		t.Fatal(err)
	}
	k.scan("R1002")
	k.scan("T102")
	if !strings.Contains(k.banner.Text, "cannot use the machine") {
		t.Errorf("self-service not allowed: %q", k.banner.Text)
	}
	k.finish(false)
	r, _ := f.lib.ReaderByCard("R1001")
	if _, err := f.lib.SetPIN(f.admin, r.ID, "4321"); err != nil {
		t.Fatal(err)
	}
	k.scan("R1001")
	if k.reader != nil || k.pending == nil {
		t.Fatal("a reader with a PIN got in without it")
	}
	test.Type(k.pin, "0000")
	k.pin.OnSubmitted(k.pin.Text)
	if k.reader != nil || !strings.Contains(k.banner.Text, "PIN is not right") {
		t.Fatalf("wrong PIN: %q", k.banner.Text)
	}
	test.Type(k.pin, "4321")
	k.pin.OnSubmitted(k.pin.Text)
	if k.reader == nil || k.reader.Card != "R1001" {
		t.Fatal("right PIN refused")
	}
}

func TestKioskLeavingNeedsStaffPassword(t *testing.T) {
	k, _, _ := newTestKiosk(t)
	quit := false
	k.a.Lifecycle().SetOnStopped(func() { quit = true })
	k.askToLeave()
	pop := k.win.Canvas().Overlays().Top()
	if pop == nil {
		t.Fatal("closing the kiosk asked nothing")
	}
	entries := findEntries(pop)
	if len(entries) != 2 {
		t.Fatalf("leave dialog has %d entries", len(entries))
	}
	test.Type(entries[0], "admin")
	test.Type(entries[1], "wrong")
	entries[1].OnSubmitted(entries[1].Text)
	if quit {
		t.Fatal("a wrong password closed the kiosk")
	}
	if k.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the dialog went away after a wrong password")
	}
}

func findEntries(o fyne.CanvasObject) []*widget.Entry {
	var out []*widget.Entry
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Entry:
			out = append(out, w)
		case *widget.PopUp:
			walk(w.Content)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}
