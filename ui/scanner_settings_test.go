package ui

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/cockroachdb/errors"
	"github.com/google/go-cmp/cmp"

	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/devices"
)

var (
	simKeyboard = devices.DeviceInfo{Path: "1-2:1.0", VendorID: 0x05F9, ProductID: 0x2214, Serial: "S1",
		Manufacturer: "Datalogic", Product: "Gryphon", UsagePage: 1, Usage: 6}
	simPOS = devices.DeviceInfo{Path: "1-3:1.0", VendorID: 0x0C2E, ProductID: 0x0B61,
		Manufacturer: "Honeywell", Product: "Xenon 1900", UsagePage: 0x8C, Usage: 2}
	simMouse = devices.DeviceInfo{Path: "1-4:1.0", VendorID: 0x046D, ProductID: 0xC077,
		Product: "USB Optical Mouse", UsagePage: 1, Usage: 2}
	// mouseDescriptor has three buttons and nothing that carries a barcode.
	mouseDescriptor = []byte{0x05, 0x01, 0x09, 0x02, 0xA1, 0x01, 0x05, 0x09, 0x19, 0x01, 0x29, 0x03,
		0x15, 0x00, 0x25, 0x01, 0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05, 0x81, 0x01, 0xC0}
)

// scannerRig is the scanner settings screen on a simulated USB bus with a
// running Manager. UI work handed over from other goroutines queues until
// the test goroutine runs it (pump), so widgets are only touched there.
type scannerRig struct {
	t       *testing.T
	dir     string
	bus     *devices.SimBus
	kb, pos *devices.SimDevice
	mgr     *devices.Manager
	ticks   chan time.Time
	queue   chan func()
	now     time.Time
	s       *scannerSettings
	w       fyne.Window
}

func newScannerRig(t *testing.T, lang i18n.Lang, goos string) *scannerRig {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme(1))
	i18n.SetLang(lang)
	t.Cleanup(func() { i18n.SetLang(i18n.English) })
	r := &scannerRig{t: t, dir: t.TempDir(), bus: &devices.SimBus{}, ticks: make(chan time.Time, 1),
		queue: make(chan func(), 4096), now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	r.kb = devices.NewSimDevice(simKeyboard, devices.BootKeyboardDescriptor)
	r.pos = devices.NewSimDevice(simPOS, devices.HIDPOSDescriptor)
	r.bus.Plug(r.kb)
	r.bus.Plug(r.pos)
	r.bus.Plug(devices.NewSimDevice(simMouse, mouseDescriptor))
	cfg := ScannerManagerConfig(r.dir, r.bus)
	cfg.Ticks = r.ticks
	r.mgr = devices.NewManager(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = r.mgr.Serve(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		setChosenScanners(nil)
	})
	r.s = newScannerSettings(nil, r.dir, r.mgr, scannerSettingsOptions{
		now:  func() time.Time { return r.now },
		do:   func(f func()) { r.queue <- f },
		goos: goos,
	})
	r.w = test.NewWindow(nil)
	r.s.win = r.w
	r.w.SetContent(r.s.build())
	r.w.Resize(fyne.NewSize(1280, 900))
	t.Cleanup(r.w.Close)
	return r
}

// pump runs the UI work queued so far.
func (r *scannerRig) pump() {
	for {
		select {
		case f := <-r.queue:
			f()
		default:
			return
		}
	}
}

// waitFor pumps and lets the Manager enumerate until cond holds.
func (r *scannerRig) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.pump()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case r.ticks <- time.Now():
		default:
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *scannerRig) waitState(key, want string) {
	r.t.Helper()
	r.waitFor("status "+want+" of "+key, func() bool { return strings.HasPrefix(r.stateText(key), want) })
}

// stateText is the status line shown under a device.
func (r *scannerRig) stateText(key string) string {
	if l := r.s.states[key]; l != nil {
		return l.Text
	}
	return ""
}

// waitBar waits for the status bar's scanner text.
func (r *scannerRig) waitBar(want string) {
	r.t.Helper()
	r.waitFor("status bar text "+want, func() bool { return ScannerStatusText(ScannerStatuses()) == want })
}

// typeKeys types into the keyboard-mode test box, gap apart, then Enter.
func (r *scannerRig) typeKeys(text string, gap time.Duration, enter bool) {
	for _, c := range text {
		r.now = r.now.Add(gap)
		r.s.testEntry.TypedRune(c)
	}
	if enter {
		r.now = r.now.Add(gap)
		r.s.testEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
}

// texts collects what labels, checks and buttons under o show.
func texts(o fyne.CanvasObject) []string {
	switch o := o.(type) {
	case *fyne.Container:
		var out []string
		for _, c := range o.Objects {
			out = append(out, texts(c)...)
		}
		return out
	case *container.Scroll:
		return texts(o.Content)
	case *widget.Label:
		return []string{o.Text}
	case *widget.Check:
		return []string{o.Text}
	case *widget.Button:
		return []string{o.Text}
	}
	return nil
}

func TestScannerSettingsListsDevices(t *testing.T) {
	r := newScannerRig(t, i18n.English, "linux")
	got := strings.Join(texts(r.s.devicesBox), "\n")
	for _, want := range []string{
		"Honeywell Xenon 1900", "0c2e:0b61 · usage page/usage 0x8C/0x02 · HID POS barcode scanner · interface 0",
		"Datalogic Gryphon", "05f9:2214 · usage page/usage 0x01/0x06 · keyboard (or scanner in keyboard mode) · interface 0 · serial S1",
		"USB Optical Mouse", "046d:c077 · usage page/usage 0x01/0x02 · other device, not a scanner",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("device list lacks %q:\n%s", want, got)
		}
	}
	if strings.Index(got, "Honeywell") > strings.Index(got, "Datalogic") {
		t.Errorf("HID POS scanners should come first:\n%s", got)
	}
}

func TestScannerSettingsChooseSavesAppliesAndTests(t *testing.T) {
	r := newScannerRig(t, i18n.English, "linux")
	key := simPOS.Key()
	test.Tap(r.s.checks[key])
	if got := LoadScannerSettings(r.dir).Chosen; !cmp.Equal(got, []string{key}) {
		t.Fatalf("scanners.json chosen = %v, want [%s]", got, key)
	}
	if got := r.s.devicesMsg.Text; got != "Saved. Circa now reads 1 chosen scanner(s)." {
		t.Errorf("message = %q", got)
	}
	r.waitState(key, "Connected")
	r.waitBar("Scanner: connected (Honeywell Xenon 1900)")

	desk := DeskScans(r.mgr)
	test.Tap(r.s.testButton)
	if r.s.testButton.Text != "Stop test" {
		t.Fatalf("button = %q after starting the test", r.s.testButton.Text)
	}
	if err := r.pos.Scan("9787020008735", "]E0"); err != nil {
		t.Fatal(err)
	}
	r.waitFor("the first test scan", func() bool { return len(r.s.testLines) == 1 })
	line := r.s.testLines[0]
	for _, want := range []string{"Honeywell Xenon 1900: \"9787020008735\"", "symbology ean-upc", "first scan of this test", "→ ISBN 9787020008735"} {
		if !strings.Contains(line, want) {
			t.Errorf("test line lacks %q: %s", want, line)
		}
	}
	if err := r.pos.Scan("T000123", ""); err != nil {
		t.Fatal(err)
	}
	r.waitFor("the second test scan", func() bool { return len(r.s.testLines) == 2 })
	for _, want := range []string{"\"T000123\"", "symbology not sent", "ms after the previous scan", "→ no rule matches"} {
		if !strings.Contains(r.s.testLines[0], want) {
			t.Errorf("newest test line lacks %q: %s", want, r.s.testLines[0])
		}
	}
	select {
	case s := <-desk:
		t.Errorf("the desk received test scan %q", s.Text)
	default:
	}

	test.Tap(r.s.testButton)
	if err := r.pos.Scan("R1001", ""); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-desk:
		if s.Text != "R1001" {
			t.Errorf("desk got %q, want R1001", s.Text)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("after the test the desk did not get the scan")
	}
	r.pump()
	if len(r.s.testLines) != 2 {
		t.Errorf("a scan after the test was shown in the test area: %v", r.s.testLines)
	}

	test.Tap(r.s.checks[key])
	if got := LoadScannerSettings(r.dir).Chosen; len(got) != 0 {
		t.Errorf("after unticking, chosen = %v", got)
	}
	if got := ScannerStatusText(ScannerStatuses()); got != "Scanner: keyboard mode" {
		t.Errorf("status bar text with nothing chosen = %q", got)
	}
}

func TestScannerSettingsTestEndsWhenScreenLeft(t *testing.T) {
	r := newScannerRig(t, i18n.English, "linux")
	key := simPOS.Key()
	test.Tap(r.s.checks[key])
	r.waitState(key, "Connected")
	desk := DeskScans(r.mgr)
	test.Tap(r.s.testButton)
	screen := r.w.Content()
	r.w.SetContent(container.NewAppTabs(
		container.NewTabItem("desk", widget.NewLabel("circulation")),
		container.NewTabItem("scanners", screen)))
	if err := r.pos.Scan("R1001", ""); err != nil {
		t.Fatal(err)
	}
	r.waitFor("the test to end", func() bool { return r.s.testID == 0 })
	select {
	case s := <-desk:
		if s.Text != "R1001" {
			t.Errorf("desk got %q, want R1001", s.Text)
		}
	default:
		t.Error("the scan made while the screen was hidden did not reach the desk")
	}
	if len(r.s.testLines) != 0 {
		t.Errorf("test area showed %v", r.s.testLines)
	}
}

func TestScannerSettingsTestEndsWhenIdle(t *testing.T) {
	r := newScannerRig(t, i18n.English, "linux")
	r.s.opts.testIdle = 20 * time.Millisecond
	test.Tap(r.s.testButton)
	r.waitFor("the idle test to end", func() bool { return r.s.testID == 0 })
	if r.s.testButton.Text != "Start test" {
		t.Errorf("button = %q after the test ended", r.s.testButton.Text)
	}
}

func TestScannerSettingsStatusFollowsUnplugAndReplug(t *testing.T) {
	r := newScannerRig(t, i18n.English, "linux")
	key := simKeyboard.Key()
	test.Tap(r.s.checks[key])
	r.waitState(key, "Connected")

	r.bus.Unplug(simKeyboard.Path)
	r.waitState(key, "Not connected — plug the scanner in")
	r.waitBar("Scanner: not connected")
	test.Tap(findButton(t, r.w.Content(), "Look again"))
	if got := strings.Join(texts(r.s.devicesBox), "\n"); !strings.Contains(got, "not plugged in now") {
		t.Errorf("an unplugged chosen scanner should stay listed:\n%s", got)
	}

	r.bus.Plug(r.kb)
	r.waitState(key, "Connected")
	r.waitBar("Scanner: connected (Datalogic Gryphon)")
}

func TestScannerSettingsProblemStates(t *testing.T) {
	tests := []struct {
		goos, want, bar string
		refuse          bool
		device          devices.DeviceInfo
	}{
		{"linux", "No access — Linux does not let Circa open it yet: install the udev rule", "Scanner: no access (keyboard mode)", true, simKeyboard},
		{"darwin", "No access — allow Circa in System Settings → Privacy & Security → Input Monitoring", "Scanner: no access (keyboard mode)", true, simKeyboard},
		{"windows", "No access — Windows keeps keyboards to itself", "Scanner: no access (keyboard mode)", true, simKeyboard},
		{"linux", "Not a scanner — this device sends nothing that can carry a barcode", "Scanner: chosen device is not a scanner", false, simMouse},
	}
	for _, tc := range tests {
		t.Run(tc.goos+"/"+tc.device.Product, func(t *testing.T) {
			r := newScannerRig(t, i18n.English, tc.goos)
			if tc.refuse {
				r.bus.OpenErr = errors.New("permission denied")
			}
			key := tc.device.Key()
			test.Tap(r.s.checks[key])
			r.waitState(key, tc.want)
			r.waitBar(tc.bar)
		})
	}
}

func TestScannerSettingsPlatformNote(t *testing.T) {
	for goos, want := range map[string]string{
		"windows": "switch the scanner to USB HID POS mode",
		"darwin":  "Input Monitoring",
		"linux":   "sudo udevadm control --reload-rules",
		"freebsd": "Circa cannot read scanners directly",
	} {
		s := &scannerSettings{opts: scannerSettingsOptions{goos: goos}}
		if got := s.platformNote(); !strings.Contains(got, want) {
			t.Errorf("%s note lacks %q: %s", goos, want, got)
		}
	}
}

func TestScannerSettingsWedgeTiming(t *testing.T) {
	r := newScannerRig(t, i18n.English, "windows")
	r.typeKeys("T000123", 8*time.Millisecond, true)
	if len(r.s.testLines) != 1 {
		t.Fatalf("test lines = %v, want one scan", r.s.testLines)
	}
	for _, want := range []string{"keyboard mode: \"T000123\"", "7 keys in 56 ms, gaps 8 8 8 8 8 8 ms (longest 8 ms)"} {
		if !strings.Contains(r.s.testLines[0], want) {
			t.Errorf("test line lacks %q: %s", want, r.s.testLines[0])
		}
	}
	if r.s.testEntry.Text != "" {
		t.Errorf("a scan was typed into the box: %q", r.s.testEntry.Text)
	}

	// Typing by hand is given back to the box.
	r.typeKeys("ab", 300*time.Millisecond, false)
	r.s.wedge.Flush(r.now.Add(time.Second))
	if r.s.testEntry.Text != "ab" || len(r.s.testLines) != 1 {
		t.Errorf("typing: box %q, lines %v", r.s.testEntry.Text, r.s.testLines)
	}

	// The thresholds on the screen apply to the test box at once.
	r.s.minLen.SetText("10")
	r.typeKeys("T000124", 8*time.Millisecond, true)
	if len(r.s.testLines) != 1 {
		t.Errorf("a 7-character burst counted as a scan with the shortest scan at 10: %v", r.s.testLines)
	}
}

func TestScannerSettingsKeyboardSettingsPersist(t *testing.T) {
	r := newScannerRig(t, i18n.English, "linux")
	if got := r.s.layout.Selected; got != "US (QWERTY)" {
		t.Errorf("layout shown = %q, want the US default", got)
	}
	r.s.layout.SetSelected("German (QWERTZ)")
	r.s.gap.SetText("2")
	r.s.saveKeyboard()
	if got := r.s.keyboardMsg.Text; got != "The gap must be a whole number of milliseconds from 5 to 1000." {
		t.Errorf("message = %q", got)
	}
	if got := LoadScannerSettings(r.dir).Layout; got != "" {
		t.Errorf("a refused form saved layout %q", got)
	}
	r.s.gap.SetText("50")
	r.s.minLen.SetText("6")
	test.Tap(r.s.endOnPause)
	r.s.saveKeyboard()
	if got := r.s.keyboardMsg.Text; got != "Saved." {
		t.Errorf("message = %q", got)
	}
	saved := LoadScannerSettings(r.dir)
	if saved.Layout != "de" || saved.WedgeGapMS != 50 {
		t.Errorf("saved = %+v", saved)
	}
	w := ScannerWedgeConfig(r.dir)
	if w.MaxGap != 50*time.Millisecond || w.MinLength != 6 || !w.IdleEnd {
		t.Errorf("wedge config = %+v", w)
	}
	cfg := ScannerManagerConfig(r.dir, r.bus)
	if cfg.Layout != devices.LayoutGerman || cfg.IdleEnd != 50*time.Millisecond || cfg.OnStatus == nil {
		t.Errorf("manager config: layout %v, idle end %v", cfg.Layout.Name(), cfg.IdleEnd)
	}

	again := newScannerSettings(r.w, r.dir, r.mgr, scannerSettingsOptions{do: func(f func()) { r.queue <- f }})
	again.build()
	if again.layout.Selected != "German (QWERTZ)" || again.gap.Text != "50" || again.minLen.Text != "6" || !again.endOnPause.Checked {
		t.Errorf("reopened: layout %q gap %q length %q pause %v", again.layout.Selected, again.gap.Text, again.minLen.Text, again.endOnPause.Checked)
	}
}

func TestScannerSettingsRules(t *testing.T) {
	r := newScannerRig(t, i18n.English, "linux")
	s := r.s
	if len(s.rules) != 1 {
		t.Fatalf("rules shown = %d, want the default ISBN rule", len(s.rules))
	}
	s.rules = append(s.rules, newBarcodeRuleRow(devices.Rule{Kind: devices.KindCopy}))
	s.showRules()
	row := s.rules[1]
	row.name.SetText("copy")
	row.minLen.SetText("9")
	row.maxLen.SetText("3")
	s.saveRules()
	if got, want := s.rulesMsg.Text, "Rule 2 (copy): lengths must be whole numbers, 0 or more, and the first no larger than the second."; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if raw := LoadScannerSettings(r.dir).Rules; raw != nil {
		t.Errorf("an invalid rule was saved: %s", raw)
	}
	row.maxLen.SetText("x")
	s.saveRules()
	if got := s.rulesMsg.Text; !strings.HasPrefix(got, "Rule 2 (copy): lengths must be whole numbers") {
		t.Errorf("message for a non-number = %q", got)
	}
	row.maxLen.SetText("7")
	row.minLen.SetText("7")
	row.rangeMin.SetText("1")
	row.rangeMax.SetText("999999")
	s.saveRules()
	if got := s.rulesMsg.Text; !strings.Contains(got, "a number range needs \"digits only\"") {
		t.Errorf("message for a range without digits = %q", got)
	}

	i18n.SetLang(i18n.Chinese)
	s.saveRules()
	if got, want := s.rulesMsg.Text, "规则 2（copy）：数值范围需要勾选“只有数字”，填两个整数，且前一个不大于后一个。"; got != want {
		t.Errorf("Chinese message = %q, want %q", got, want)
	}
	i18n.SetLang(i18n.English)

	row.prefixes.SetText("T")
	test.Tap(row.digits)
	s.saveRules()
	if got := s.rulesMsg.Text; got != "Saved 2 rule(s)." {
		t.Errorf("message = %q", got)
	}
	saved, err := devices.ParseRules(LoadScannerSettings(r.dir).Rules)
	if err != nil {
		t.Fatal(err)
	}
	want := devices.Rules{Version: devices.RulesVersion, Rules: []devices.Rule{
		{Name: "isbn", Kind: devices.KindISBN, Check: devices.CheckISBN},
		{Name: "copy", Kind: devices.KindCopy, Prefixes: []string{"T"}, MinLength: 7, MaxLength: 7, Digits: true,
			Range: &devices.NumRange{Min: 1, Max: 999999}},
	}}
	if diff := cmp.Diff(want, saved); diff != "" {
		t.Errorf("saved rules (-want +got):\n%s", diff)
	}
	s.try.SetText("T000123")
	if got := s.tryText.Text; got != "→ copy barcode T000123" {
		t.Errorf("try = %q", got)
	}
	s.try.SetText("9787020008736")
	if got := s.tryText.Text; got != "→ ISBN with a wrong check digit: rescan" {
		t.Errorf("try = %q", got)
	}

	s.moveRule(1, -1)
	if s.rules[0].name.Text != "copy" {
		t.Errorf("rule order after Up: %q first", s.rules[0].name.Text)
	}
	test.Tap(findButton(t, r.w.Content(), "Default rules"))
	if len(s.rules) != 1 || s.rules[0].name.Text != "isbn" {
		t.Errorf("after Default rules: %d rules", len(s.rules))
	}
}

func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var walk func(o fyne.CanvasObject) *widget.Button
	walk = func(o fyne.CanvasObject) *widget.Button {
		switch o := o.(type) {
		case *widget.Button:
			if o.Text == text {
				return o
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				if b := walk(c); b != nil {
					return b
				}
			}
		case *container.Scroll:
			return walk(o.Content)
		}
		return nil
	}
	b := walk(o)
	if b == nil {
		t.Fatalf("no button %q", text)
	}
	return b
}

func TestScannerStatusText(t *testing.T) {
	i18n.SetLang(i18n.English)
	st := func(info devices.DeviceInfo, state devices.State) devices.Status {
		return devices.Status{Device: info.Key(), Info: info, State: state}
	}
	tests := []struct {
		name     string
		statuses []devices.Status
		want     string
	}{
		{"none chosen", nil, "Scanner: keyboard mode"},
		{"no HID in this build", []devices.Status{st(simPOS, devices.StateUnsupported)}, "Scanner: keyboard mode"},
		{"one connected", []devices.Status{st(simPOS, devices.StateConnected)}, "Scanner: connected (Honeywell Xenon 1900)"},
		{"unnamed", []devices.Status{st(devices.DeviceInfo{VendorID: 0x1EAB, ProductID: 0x0D06}, devices.StateConnected)}, "Scanner: connected (1eab:0d06)"},
		{"all connected", []devices.Status{st(simPOS, devices.StateConnected), st(simKeyboard, devices.StateConnected)}, "Scanners: all 2 connected"},
		{"some connected", []devices.Status{st(simPOS, devices.StateConnected), st(simKeyboard, devices.StateDisconnected)}, "Scanners: 1 of 2 connected"},
		{"unplugged", []devices.Status{st(simPOS, devices.StateDisconnected)}, "Scanner: not connected"},
		{"no access", []devices.Status{st(simKeyboard, devices.StateNoAccess), st(simPOS, devices.StateDisconnected)}, "Scanner: no access (keyboard mode)"},
		{"not a scanner", []devices.Status{st(simMouse, devices.StateNotScanner)}, "Scanner: chosen device is not a scanner"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ScannerStatusText(tc.statuses); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	i18n.SetLang(i18n.Chinese)
	defer i18n.SetLang(i18n.English)
	if got := ScannerStatusText([]devices.Status{st(simPOS, devices.StateConnected)}); got != "扫描枪：已连接（Honeywell Xenon 1900）" {
		t.Errorf("Chinese: %q", got)
	}
}

// TestScannerSettingsCapture draws the screen in both languages, and the
// Windows note, as PNGs in the temporary folder (and in /tmp/circa-scanners
// when CIRCA_SHOTS=1) for people to look at.
func TestScannerSettingsCapture(t *testing.T) {
	if testing.Short() {
		t.Skip("captures take a while")
	}
	for _, tc := range []struct {
		lang i18n.Lang
		goos string
	}{{i18n.English, "linux"}, {i18n.Chinese, "linux"}, {i18n.English, "windows"}} {
		t.Run(string(tc.lang)+"-"+tc.goos, func(t *testing.T) {
			r := newScannerRig(t, tc.lang, tc.goos)
			test.Tap(r.s.checks[simPOS.Key()])
			test.Tap(r.s.checks[simMouse.Key()])
			r.waitState(simPOS.Key(), tr("scanners.state.connected"))
			r.waitState(simMouse.Key(), tr("scanners.state.not_scanner"))
			test.Tap(r.s.testButton)
			if err := r.pos.Scan("9787020008735", "]E0"); err != nil {
				t.Fatal(err)
			}
			r.waitFor("a test scan", func() bool { return len(r.s.testLines) == 1 })
			r.typeKeys("T000123", 9*time.Millisecond, true)
			r.s.rules[0].maxLen.SetText("3")
			r.s.rules[0].minLen.SetText("5")
			r.s.saveRules()
			r.w.Resize(fyne.NewSize(1280, 2300))
			dirs := []string{t.TempDir()}
			if os.Getenv("CIRCA_SHOTS") == "1" {
				dirs = append(dirs, filepath.Join(os.TempDir(), "circa-scanners"))
			}
			img := r.w.Canvas().Capture()
			for _, dir := range dirs {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				out, err := os.Create(filepath.Join(dir, "scanners-"+string(tc.lang)+"-"+tc.goos+".png"))
				if err != nil {
					t.Fatal(err)
				}
				if err := png.Encode(out, img); err != nil {
					t.Fatal(err)
				}
				out.Close()
			}
		})
	}
}

// TestScannerManagerConfigAppliesLayout: what the screen saves is what the
// Manager main starts reads with: the chosen scanner, in the saved layout.
func TestScannerManagerConfigAppliesLayout(t *testing.T) {
	dir := t.TempDir()
	f := scannerFile{ScannerSettings: ScannerSettings{Chosen: []string{simKeyboard.Key()}, Layout: "de"}}
	if err := f.save(dir); err != nil {
		t.Fatal(err)
	}
	bus := &devices.SimBus{}
	kb := devices.NewSimDevice(simKeyboard, devices.BootKeyboardDescriptor)
	kb.Layout = devices.LayoutGerman
	bus.Plug(kb)
	mgr := devices.NewManager(ScannerManagerConfig(dir, bus))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = mgr.Serve(ctx)
		close(done)
	}()
	defer func() {
		cancel()
		<-done
		setChosenScanners(nil)
	}()
	if err := kb.Scan("Zeyß-12", ""); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-mgr.Scans():
		if s.Text != "Zeyß-12" {
			t.Errorf("scan decoded as %q, want Zeyß-12", s.Text)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no scan from the chosen scanner")
	}
}
