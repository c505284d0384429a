package ui

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/devices"
)

// ScannerManager is what the scanner settings screen needs of the scanner
// manager: the devices on the bus, the choice of scanners to read, their
// statuses and their scans (for the test area).
type ScannerManager interface {
	Enumerate() ([]devices.DeviceInfo, error)
	Choose(keys ...string)
	Statuses() []devices.Status
	Scans() <-chan devices.Scan
}

var _ ScannerManager = (*devices.Manager)(nil)

// Keyboard-wedge defaults, as devices.NewWedge sets them.
const (
	defaultWedgeGapMS     = 35
	defaultWedgeMinLength = 4
)

// scannerFile is scanners.json as the scanner settings screen reads and
// writes it.
type scannerFile struct {
	ScannerSettings
}

func loadScannerFile(dataDir string) scannerFile {
	return scannerFile{LoadScannerSettings(dataDir)}
}

func (f scannerFile) save(dataDir string) error {
	return SaveScannerSettings(dataDir, f.ScannerSettings)
}

func (f scannerFile) wedge() devices.WedgeConfig {
	gap, minLen := f.WedgeGapMS, f.WedgeMinLength
	if gap <= 0 {
		gap = defaultWedgeGapMS
	}
	if minLen <= 0 {
		minLen = defaultWedgeMinLength
	}
	return devices.WedgeConfig{MaxGap: time.Duration(gap) * time.Millisecond, MinLength: minLen, IdleEnd: f.EndOnPause}
}

// ScannerWedgeConfig returns the keyboard-wedge settings saved in the data
// folder (gap, length, ending on a pause); the caller sets OnScan and
// OnRelease.
func ScannerWedgeConfig(dataDir string) devices.WedgeConfig { return loadScannerFile(dataDir).wedge() }

// ScannerManagerConfig returns the scanner Manager's configuration saved in
// the data folder: the chosen scanners, their keyboard layout, ending scans
// on a pause, and SetScannerStatus to hear their statuses. It also tells
// the status store which scanners are chosen, so call it once, at start.
func ScannerManagerConfig(dataDir string, bus devices.Bus) devices.ManagerConfig {
	f := loadScannerFile(dataDir)
	cfg := devices.ManagerConfig{Bus: bus, Chosen: f.Chosen, OnStatus: SetScannerStatus}
	setChosenScanners(f.Chosen)
	if l, ok := devices.LayoutByName(f.Layout); ok {
		cfg.Layout = l
	}
	if f.EndOnPause {
		cfg.IdleEnd = f.wedge().MaxGap
	}
	return cfg
}

// scanTee reads a manager's scans once and hands each to the desk, or to the
// scanner test on the settings screen while one runs, so that a test scan
// does not also lend a book.
type scanTee struct {
	desk chan devices.Scan
	mu   sync.Mutex
	test func(devices.Scan)
	id   int
}

var scanTees = struct {
	sync.Mutex
	m map[ScannerManager]*scanTee
}{m: map[ScannerManager]*scanTee{}}

func teeFor(mgr ScannerManager) *scanTee {
	scanTees.Lock()
	defer scanTees.Unlock()
	t, ok := scanTees.m[mgr]
	if !ok {
		t = &scanTee{desk: make(chan devices.Scan, 256)}
		scanTees.m[mgr] = t
		go t.run(mgr.Scans())
	}
	return t
}

// DeskScans returns the channel the desk reads mgr's scans from
// (Config.Scans): all of them, except those taken by a scanner test on the
// settings screen while it runs. Once DeskScans is called nothing else may
// read mgr.Scans().
func DeskScans(mgr ScannerManager) <-chan devices.Scan { return teeFor(mgr).desk }

func (t *scanTee) run(in <-chan devices.Scan) {
	defer close(t.desk)
	for s := range in {
		t.mu.Lock()
		test := t.test
		t.mu.Unlock()
		if test != nil {
			test(s)
			continue
		}
		t.toDesk(s)
	}
}

// toDesk queues a scan for the desk without blocking: when nobody reads the
// desk's side it is dropped, as Manager.Deliver does.
func (t *scanTee) toDesk(s devices.Scan) {
	select {
	case t.desk <- s:
	default:
	}
}

// startTest sends every scan to fn until stopTest(id).
func (t *scanTee) startTest(fn func(devices.Scan)) (id int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.id++
	t.test = fn
	return t.id
}

func (t *scanTee) stopTest(id int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.id == id {
		t.test = nil
	}
}

// scannerSettingsOptions are what tests replace.
type scannerSettingsOptions struct {
	now      func() time.Time
	do       func(func()) // runs UI work handed over from other goroutines
	goos     string
	testIdle time.Duration // a scanner test ends after this long without a scan
}

// scannerSettings is the screen where staff choose, check and set up the
// barcode scanners of this station.
type scannerSettings struct {
	win     fyne.Window
	dataDir string
	mgr     ScannerManager
	opts    scannerSettingsOptions
	file    scannerFile
	tee     *scanTee

	// devices on the bus and the chosen ones
	found      []devices.DeviceInfo
	devicesBox *fyne.Container
	devicesMsg *widget.Label
	checks     map[string]*widget.Check
	states     map[string]*widget.Label

	// keyboard mode
	layout      *widget.Select
	layoutNames []string
	gap, minLen *widget.Entry
	endOnPause  *widget.Check
	keyboardMsg *widget.Label

	// barcode rules
	rules    []*barcodeRuleRow
	rulesBox *fyne.Container
	rulesMsg *widget.Label
	try      *widget.Entry
	tryText  *widget.Label

	// test area
	testButton *widget.Button
	testID     int // of the running scanner test, 0 when none
	testTimer  *time.Timer
	lastScan   time.Time
	testEntry  *wedgeTestEntry
	wedge      *devices.Wedge
	keyTimes   []time.Time // of the keys the test wedge holds
	flushTimer *time.Timer
	testLog    *fyne.Container
	testLines  []string
}

// activeScannerSettings stops the previous screen's watchers when the
// screen is built again: one scanner settings screen is alive at a time.
var activeScannerSettings struct {
	sync.Mutex
	stop func()
}

// NewScannerSettings builds the scanner settings screen: the devices found,
// the scanners chosen and their status, a test area, the keyboard layout and
// wedge thresholds, and the barcode rules, all kept in scanners.json in
// dataDir. Choosing scanners applies at once through mgr.Choose.
func NewScannerSettings(w fyne.Window, dataDir string, mgr ScannerManager) fyne.CanvasObject {
	return newScannerSettings(w, dataDir, mgr, scannerSettingsOptions{}).build()
}

func newScannerSettings(w fyne.Window, dataDir string, mgr ScannerManager, opts scannerSettingsOptions) *scannerSettings {
	if opts.now == nil {
		opts.now = time.Now
	}
	if opts.do == nil {
		opts.do = fyne.Do
	}
	if opts.goos == "" {
		opts.goos = runtime.GOOS
	}
	if opts.testIdle <= 0 {
		opts.testIdle = 2 * time.Minute
	}
	return &scannerSettings{win: w, dataDir: dataDir, mgr: mgr, opts: opts, file: loadScannerFile(dataDir), tee: teeFor(mgr)}
}

func (s *scannerSettings) build() fyne.CanvasObject {
	activeScannerSettings.Lock()
	if activeScannerSettings.stop != nil {
		activeScannerSettings.stop()
	}
	unwatch := WatchScannerStatus(func() { s.opts.do(s.refreshStates) })
	activeScannerSettings.stop = func() {
		unwatch()
		s.stopTest()
	}
	activeScannerSettings.Unlock()

	note := wrapped(s.platformNote())
	s.devicesMsg = wrapped("")
	s.devicesBox = container.NewVBox()
	refresh := widget.NewButton(tr("scanners.devices.refresh"), s.refreshDevices)
	s.refreshDevices()

	body := container.NewVBox(
		heading(tr("scanners.title")), note,
		widget.NewSeparator(),
		heading(tr("scanners.devices.title")), wrapped(tr("scanners.devices.help")),
		s.devicesBox, container.NewHBox(refresh), s.devicesMsg,
		widget.NewSeparator(),
		heading(tr("scanners.test.title")), s.testArea(),
		widget.NewSeparator(),
		heading(tr("scanners.keyboard.title")), s.keyboardArea(),
		widget.NewSeparator(),
		heading(tr("scanners.rules.title")), s.rulesArea(),
	)
	return container.NewVScroll(body)
}

// platformNote says plainly how scanners reach Circa on this system.
func (s *scannerSettings) platformNote() string {
	switch s.opts.goos {
	case "windows":
		return tr("scanners.platform.windows")
	case "darwin":
		return tr("scanners.platform.macos")
	case "linux":
		return tr("scanners.platform.linux")
	}
	return tr("scanners.platform.other")
}

// refreshDevices lists the devices on the bus again.
func (s *scannerSettings) refreshDevices() {
	found, err := s.mgr.Enumerate()
	s.found = nil
	seen := map[string]bool{}
	for _, info := range found {
		if !seen[info.Key()] {
			seen[info.Key()] = true
			s.found = append(s.found, info)
		}
	}
	switch {
	case errors.Is(err, devices.ErrUnsupported):
		s.devicesMsg.SetText(tr("scanners.devices.unsupported"))
	case err != nil:
		s.devicesMsg.SetText(tr("scanners.devices.enumerate_failed", "error", firstLine(err.Error())))
	case len(s.found) == 0:
		s.devicesMsg.SetText(tr("scanners.devices.none"))
	default:
		s.devicesMsg.SetText("")
	}
	s.showDevices()
}

// showDevices draws a row per device found, scanners first, and one per
// chosen scanner that is not on the bus now.
func (s *scannerSettings) showDevices() {
	infos := slices.Clone(s.found)
	slices.SortStableFunc(infos, func(a, b devices.DeviceInfo) int { return deviceRank(a) - deviceRank(b) })
	s.checks = map[string]*widget.Check{}
	s.states = map[string]*widget.Label{}
	rows := make([]fyne.CanvasObject, 0, len(infos))
	for _, info := range infos {
		rows = append(rows, s.deviceRow(info.Key(), info, true))
	}
	for _, key := range s.file.Chosen {
		if _, listed := s.checks[key]; !listed {
			rows = append(rows, s.deviceRow(key, s.lastKnown(key), false))
		}
	}
	s.devicesBox.Objects = rows
	s.devicesBox.Refresh()
	s.refreshStates()
}

// lastKnown is what the Manager last saw of a chosen scanner, if anything.
func (s *scannerSettings) lastKnown(key string) devices.DeviceInfo {
	for _, st := range s.mgr.Statuses() {
		if st.Device == key {
			return st.Info
		}
	}
	return devices.DeviceInfo{}
}

func deviceRank(i devices.DeviceInfo) int {
	switch {
	case i.IsPOSScanner():
		return 0
	case i.IsKeyboard():
		return 1
	}
	return 2
}

func deviceKindText(i devices.DeviceInfo) string {
	switch {
	case i.IsPOSScanner():
		return tr("scanners.kind.pos")
	case i.IsKeyboard():
		return tr("scanners.kind.keyboard")
	}
	return tr("scanners.kind.other")
}

func (s *scannerSettings) deviceRow(key string, info devices.DeviceInfo, present bool) fyne.CanvasObject {
	check := widget.NewCheck(scannerName(info, key), nil)
	check.SetChecked(slices.Contains(s.file.Chosen, key))
	check.OnChanged = func(on bool) { s.choose(key, on) }
	s.checks[key] = check
	details := tr("scanners.devices.absent", "key", key)
	if info != (devices.DeviceInfo{}) {
		details = tr("scanners.devices.details",
			"ids", fmt.Sprintf("%04x:%04x", info.VendorID, info.ProductID),
			"usage", fmt.Sprintf("0x%02X/0x%02X", info.UsagePage, info.Usage),
			"kind", deviceKindText(info),
			"interface", info.Interface)
		if info.Serial != "" {
			details += " · " + tr("scanners.devices.serial", "serial", info.Serial)
		}
		if !present {
			details += " · " + tr("scanners.devices.unplugged")
		}
	}
	state := wrapped("")
	s.states[key] = state
	return container.NewVBox(check, container.NewPadded(container.NewVBox(label(details), state)))
}

// choose adds or removes a scanner, saves the choice and applies it.
func (s *scannerSettings) choose(key string, on bool) {
	chosen := slices.DeleteFunc(slices.Clone(s.file.Chosen), func(k string) bool { return k == key })
	if on {
		chosen = append(chosen, key)
	}
	f := s.file
	f.Chosen = chosen
	if err := f.save(s.dataDir); err != nil {
		s.devicesMsg.SetText(tr("scanners.save_failed", "error", firstLine(err.Error())))
		s.checks[key].SetChecked(!on)
		return
	}
	s.file = f
	setChosenScanners(chosen) // first, or the Manager's first word is ignored
	s.mgr.Choose(chosen...)
	if len(chosen) == 0 {
		s.devicesMsg.SetText(tr("scanners.devices.chosen_none"))
	} else {
		s.devicesMsg.SetText(tr("scanners.devices.chosen", "count", len(chosen)))
	}
	s.refreshStates()
}

// refreshStates shows each chosen scanner's status and what to do about it.
func (s *scannerSettings) refreshStates() {
	statuses := map[string]devices.Status{}
	for _, st := range s.mgr.Statuses() {
		statuses[st.Device] = st
	}
	for key, l := range s.states {
		st, ok := statuses[key]
		l.Show()
		switch {
		case !slices.Contains(s.file.Chosen, key):
			l.SetText("")
			l.Hide()
		case !ok:
			l.SetText(tr("scanners.state.checking"))
		default:
			state, hint := scannerStateText(st, s.opts.goos)
			if hint != "" {
				state += " — " + hint
			}
			l.SetText(state)
		}
	}
}

// testArea is where staff scan to see what Circa receives.
func (s *scannerSettings) testArea() fyne.CanvasObject {
	s.testButton = widget.NewButton(tr("scanners.test.start"), func() {
		if s.testID == 0 {
			s.startTest()
		} else {
			s.stopTest()
		}
	})
	s.testEntry = newWedgeTestEntry(s)
	s.testLog = container.NewVBox()
	return container.NewVBox(
		wrapped(tr("scanners.test.help_hid")),
		container.NewHBox(s.testButton),
		wrapped(tr("scanners.test.help_wedge")),
		s.testEntry,
		s.testLog,
	)
}

// startTest takes the chosen scanners' scans from the desk to show them here.
func (s *scannerSettings) startTest() {
	s.lastScan = time.Time{}
	s.testID = s.tee.startTest(func(sc devices.Scan) { s.opts.do(func() { s.hidScan(sc) }) })
	s.testButton.SetText(tr("scanners.test.stop"))
	s.win.Canvas().Focus(s.testEntry) // keyboard-mode scanners type here
	s.armTestTimer()
}

func (s *scannerSettings) armTestTimer() {
	if s.testTimer != nil {
		s.testTimer.Stop()
	}
	id := s.testID
	s.testTimer = time.AfterFunc(s.opts.testIdle, func() {
		s.opts.do(func() {
			if s.testID == id {
				s.stopTest()
			}
		})
	})
}

func (s *scannerSettings) stopTest() {
	if s.testID == 0 {
		return
	}
	s.tee.stopTest(s.testID)
	s.testID = 0
	if s.testTimer != nil {
		s.testTimer.Stop()
	}
	s.testButton.SetText(tr("scanners.test.start"))
}

// hidScan shows a scan that came from the Manager.
func (s *scannerSettings) hidScan(sc devices.Scan) {
	if s.testID == 0 {
		return
	}
	if !shownIn(s.win, s.testButton) {
		// The screen was left with the test running: the desk needs its scans.
		s.stopTest()
		s.tee.toDesk(sc)
		return
	}
	s.armTestTimer()
	timing := tr("scanners.test.hid_first")
	if !s.lastScan.IsZero() {
		timing = tr("scanners.test.hid_timing", "ms", msText(sc.Time.Sub(s.lastScan)))
	}
	s.lastScan = sc.Time
	s.addTestLine(sc, s.deviceName(sc.Device), timing)
}

// shownIn reports whether o is in w's content or overlays and visible, as
// far as the containers, scrolls, tabs and splits Circa uses tell.
func shownIn(w fyne.Window, o fyne.CanvasObject) bool {
	var find func(c fyne.CanvasObject) bool
	find = func(c fyne.CanvasObject) bool {
		if c == nil || !c.Visible() {
			return false
		}
		if c == o {
			return true
		}
		switch c := c.(type) {
		case *fyne.Container:
			return slices.ContainsFunc(c.Objects, find)
		case *container.Scroll:
			return find(c.Content)
		case *container.AppTabs:
			return c.Selected() != nil && find(c.Selected().Content)
		case *container.DocTabs:
			return c.Selected() != nil && find(c.Selected().Content)
		case *container.Split:
			return find(c.Leading) || find(c.Trailing)
		case *widget.PopUp:
			return find(c.Content)
		}
		return false
	}
	return find(w.Content()) || slices.ContainsFunc(w.Canvas().Overlays().List(), find)
}

func (s *scannerSettings) deviceName(key string) string {
	for _, info := range s.found {
		if info.Key() == key {
			return scannerName(info, key)
		}
	}
	return scannerName(devices.DeviceInfo{}, key)
}

func (s *scannerSettings) addTestLine(sc devices.Scan, device, timing string) {
	sym := tr("scanners.test.no_symbology")
	if sc.Symbology != "" {
		sym = tr("scanners.test.symbology", "symbology", sc.Symbology)
	}
	line := tr("scanners.test.line",
		"time", sc.Time.Format("15:04:05.000"), "device", device, "text", strconv.Quote(sc.Text),
		"symbology", sym, "timing", timing, "result", resultText(s.currentRules().Classify(sc.Text)))
	s.testLines = append([]string{line}, s.testLines...)
	if len(s.testLines) > 20 {
		s.testLines = s.testLines[:20]
	}
	objs := make([]fyne.CanvasObject, len(s.testLines))
	for i, l := range s.testLines {
		objs[i] = wrapped(l)
	}
	s.testLog.Objects = objs
	s.testLog.Refresh()
}

// resultText says what the rules make of a code.
func resultText(r devices.Result) string {
	switch {
	case r.Kind != devices.KindUnknown:
		return tr("scanners.result.match", "kind", codeKindText(r.Kind), "code", r.Code)
	case r.Problem == devices.ProblemChecksum:
		return tr("scanners.result.checksum", "kind", codeKindText(r.Near))
	}
	return tr("scanners.result.unknown")
}

func codeKindText(k devices.Kind) string {
	switch k {
	case devices.KindCopy:
		return tr("scanners.rules.kind_copy")
	case devices.KindReader:
		return tr("scanners.rules.kind_reader")
	case devices.KindISBN:
		return tr("scanners.rules.kind_isbn")
	}
	return string(k)
}

// wedgeTestEntry is the box staff scan into to test keyboard mode. It runs
// its own Wedge with the thresholds on the screen and times every key.
type wedgeTestEntry struct {
	widget.Entry
	s *scannerSettings
}

func newWedgeTestEntry(s *scannerSettings) *wedgeTestEntry {
	e := &wedgeTestEntry{s: s}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = tr("scanners.test.placeholder")
	return e
}

// TypedRune offers the key to the test wedge before the entry.
func (e *wedgeTestEntry) TypedRune(r rune) {
	if !e.s.feedTestRune(r) {
		e.Entry.TypedRune(r)
	}
}

// TypedKey offers the key to the test wedge before the entry.
func (e *wedgeTestEntry) TypedKey(k *fyne.KeyEvent) {
	if !e.s.feedTestKey(k) {
		e.Entry.TypedKey(k)
	}
}

func (s *scannerSettings) testWedge() *devices.Wedge {
	if s.wedge == nil {
		cfg, _ := s.keyboardForm()
		w := cfg.wedge()
		w.OnScan, w.OnRelease = s.wedgeScan, s.wedgeRelease
		s.wedge = devices.NewWedge(w)
		s.keyTimes = nil
	}
	return s.wedge
}

func (s *scannerSettings) feedTestRune(r rune) bool {
	w, t := s.testWedge(), s.opts.now()
	if r != '\n' && r != '\r' && r != '\t' {
		s.keyTimes = append(s.keyTimes, t)
	}
	swallow := w.FeedRune(r, t)
	s.scheduleFlush()
	return swallow
}

func (s *scannerSettings) feedTestKey(k *fyne.KeyEvent) bool {
	swallow := s.testWedge().FeedKey(string(k.Name), s.opts.now())
	s.scheduleFlush()
	return swallow
}

// scheduleFlush gives typing back once its burst can no longer be a scan.
func (s *scannerSettings) scheduleFlush() {
	when, ok := s.wedge.Deadline()
	if !ok {
		return
	}
	if s.flushTimer != nil {
		s.flushTimer.Stop()
	}
	w := s.wedge
	s.flushTimer = time.AfterFunc(max(0, when.Sub(s.opts.now())), func() {
		s.opts.do(func() {
			if s.wedge == w {
				w.Flush(s.opts.now())
			}
		})
	})
}

// wedgeRelease types held keys into the test box: they were typing.
func (s *scannerSettings) wedgeRelease(keys []devices.Key) {
	s.keyTimes = s.keyTimes[min(len(keys), len(s.keyTimes)):]
	for _, k := range keys {
		if k.Rune != 0 {
			s.testEntry.Entry.TypedRune(k.Rune)
		}
	}
}

// wedgeScan shows a keyboard scan with its timing: from the first key to
// the end, and every gap between keys.
func (s *scannerSettings) wedgeScan(sc devices.Scan) {
	n := min(utf8.RuneCountInString(sc.Text), len(s.keyTimes))
	times := s.keyTimes[:n]
	s.keyTimes = s.keyTimes[n:]
	timing := ""
	if n > 0 {
		var gaps []string
		longest := time.Duration(0)
		for i := 1; i < n; i++ {
			g := times[i].Sub(times[i-1])
			longest = max(longest, g)
			if len(gaps) < 24 {
				gaps = append(gaps, msText(g))
			} else if len(gaps) == 24 {
				gaps = append(gaps, "…")
			}
		}
		timing = tr("scanners.test.wedge_timing", "ms", msText(sc.Time.Sub(times[0])), "keys", n,
			"gaps", strings.Join(gaps, " "), "longest", msText(longest))
	}
	s.addTestLine(sc, tr("scanners.test.keyboard_device"), timing)
}

// keyboardArea sets the keyboard layout set in the scanners and the
// keyboard-wedge thresholds.
func (s *scannerSettings) keyboardArea() fyne.CanvasObject {
	s.layoutNames = devices.LayoutNames()
	options := make([]string, len(s.layoutNames))
	for i, n := range s.layoutNames {
		options[i] = layoutText(n)
	}
	s.layout = widget.NewSelect(options, nil)
	current := s.file.Layout
	if current == "" {
		current = devices.LayoutUS.Name()
	}
	if i := slices.Index(s.layoutNames, current); i >= 0 {
		s.layout.SetSelectedIndex(i)
	}
	cfg := s.file.wedge()
	s.gap, s.minLen = widget.NewEntry(), widget.NewEntry()
	s.gap.SetText(strconv.Itoa(int(cfg.MaxGap / time.Millisecond)))
	s.minLen.SetText(strconv.Itoa(cfg.MinLength))
	s.endOnPause = widget.NewCheck(tr("scanners.keyboard.end_on_pause"), nil)
	s.endOnPause.SetChecked(cfg.IdleEnd)
	reset := func(string) { s.wedge = nil } // the test box uses the new numbers
	s.gap.OnChanged, s.minLen.OnChanged = reset, reset
	s.endOnPause.OnChanged = func(bool) { s.wedge = nil }
	s.keyboardMsg = wrapped("")
	save := widget.NewButton(tr("common.save"), s.saveKeyboard)
	save.Importance = widget.HighImportance
	return container.NewVBox(
		form(label(tr("scanners.keyboard.layout")), s.layout),
		wrapped(tr("scanners.keyboard.layout_help")),
		form(label(tr("scanners.keyboard.gap")), container.NewHBox(sized(100, s.gap)),
			label(tr("scanners.keyboard.min_length")), container.NewHBox(sized(100, s.minLen))),
		s.endOnPause,
		wrapped(tr("scanners.keyboard.help")),
		container.NewHBox(save), s.keyboardMsg,
	)
}

func layoutText(name string) string {
	switch name {
	case "us":
		return tr("scanners.layout.us")
	case "de":
		return tr("scanners.layout.de")
	case "fr":
		return tr("scanners.layout.fr")
	}
	return name
}

// keyboardForm reads the keyboard settings on the screen into a copy of the
// file; a number out of range gives a translated message.
func (s *scannerSettings) keyboardForm() (scannerFile, string) {
	f := s.file
	if i := s.layout.SelectedIndex(); i >= 0 {
		f.Layout = s.layoutNames[i]
	}
	gap, err := strconv.Atoi(strings.TrimSpace(s.gap.Text))
	if err != nil || gap < 5 || gap > 1000 {
		return s.file, tr("scanners.keyboard.bad_gap")
	}
	minLen, err := strconv.Atoi(strings.TrimSpace(s.minLen.Text))
	if err != nil || minLen < 1 || minLen > 64 {
		return s.file, tr("scanners.keyboard.bad_min_length")
	}
	f.WedgeGapMS, f.WedgeMinLength, f.EndOnPause = gap, minLen, s.endOnPause.Checked
	return f, ""
}

func (s *scannerSettings) saveKeyboard() {
	f, msg := s.keyboardForm()
	if msg != "" {
		s.keyboardMsg.SetText(msg)
		return
	}
	if err := f.save(s.dataDir); err != nil {
		s.keyboardMsg.SetText(tr("scanners.save_failed", "error", firstLine(err.Error())))
		return
	}
	s.file = f
	s.keyboardMsg.SetText(tr("scanners.keyboard.saved"))
}

// barcodeRuleRow edits one barcode rule.
type barcodeRuleRow struct {
	name, prefixes, minLen, maxLen   *widget.Entry
	rangeMin, rangeMax, padTo, addTo *widget.Entry
	kind, check                      *widget.Select
	digits, strip, upper             *widget.Check
}

var (
	ruleKinds  = []devices.Kind{devices.KindCopy, devices.KindReader, devices.KindISBN}
	ruleChecks = []string{devices.CheckNone, devices.CheckISBN, devices.CheckEAN13, devices.CheckLuhn}
)

func checkText(c string) string {
	switch c {
	case devices.CheckNone:
		return tr("scanners.rules.check_none")
	case devices.CheckISBN:
		return tr("scanners.rules.check_isbn")
	case devices.CheckEAN13:
		return tr("scanners.rules.check_ean13")
	case devices.CheckLuhn:
		return tr("scanners.rules.check_luhn")
	}
	return c
}

func newBarcodeRuleRow(r devices.Rule) *barcodeRuleRow {
	kinds := make([]string, len(ruleKinds))
	for i, k := range ruleKinds {
		kinds[i] = codeKindText(k)
	}
	checks := make([]string, len(ruleChecks))
	for i, c := range ruleChecks {
		checks[i] = checkText(c)
	}
	num := func(n int) *widget.Entry {
		e := widget.NewEntry()
		if n != 0 {
			e.SetText(strconv.Itoa(n))
		}
		return e
	}
	row := &barcodeRuleRow{
		name: widget.NewEntry(), prefixes: widget.NewEntry(),
		minLen: num(r.MinLength), maxLen: num(r.MaxLength), padTo: num(r.Rewrite.PadTo),
		rangeMin: widget.NewEntry(), rangeMax: widget.NewEntry(), addTo: widget.NewEntry(),
		kind: widget.NewSelect(kinds, nil), check: widget.NewSelect(checks, nil),
		digits: widget.NewCheck(tr("scanners.rules.digits"), nil),
		strip:  widget.NewCheck(tr("scanners.rules.strip_prefix"), nil),
		upper:  widget.NewCheck(tr("scanners.rules.upper"), nil),
	}
	row.name.SetText(r.Name)
	row.prefixes.SetText(strings.Join(r.Prefixes, ", "))
	if r.Range != nil {
		row.rangeMin.SetText(strconv.FormatUint(r.Range.Min, 10))
		row.rangeMax.SetText(strconv.FormatUint(r.Range.Max, 10))
	}
	row.addTo.SetText(r.Rewrite.Prefix)
	if i := slices.Index(ruleKinds, r.Kind); i >= 0 {
		row.kind.SetSelectedIndex(i)
	}
	row.check.SetSelectedIndex(max(0, slices.Index(ruleChecks, r.Check)))
	row.digits.SetChecked(r.Digits)
	row.strip.SetChecked(r.Rewrite.StripPrefix)
	row.upper.SetChecked(r.Rewrite.Upper)
	return row
}

// rule reads the row; a field that is not a number gives its JSON name.
func (r *barcodeRuleRow) rule() (devices.Rule, string) {
	out := devices.Rule{Name: strings.TrimSpace(r.name.Text), Digits: r.digits.Checked,
		Rewrite: devices.Rewrite{StripPrefix: r.strip.Checked, Upper: r.upper.Checked, Prefix: strings.TrimSpace(r.addTo.Text)}}
	if i := r.kind.SelectedIndex(); i >= 0 {
		out.Kind = ruleKinds[i]
	}
	if i := r.check.SelectedIndex(); i >= 0 {
		out.Check = ruleChecks[i]
	}
	for _, p := range strings.Split(r.prefixes.Text, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out.Prefixes = append(out.Prefixes, p)
		}
	}
	ints := []struct {
		e     *widget.Entry
		to    *int
		field string
	}{{r.minLen, &out.MinLength, "min_length"}, {r.maxLen, &out.MaxLength, "max_length"}, {r.padTo, &out.Rewrite.PadTo, "pad_to"}}
	for _, n := range ints {
		if t := strings.TrimSpace(n.e.Text); t != "" {
			v, err := strconv.Atoi(t)
			if err != nil {
				return out, n.field
			}
			*n.to = v
		}
	}
	lo, hi := strings.TrimSpace(r.rangeMin.Text), strings.TrimSpace(r.rangeMax.Text)
	if lo != "" || hi != "" {
		a, err1 := strconv.ParseUint(lo, 10, 64)
		b, err2 := strconv.ParseUint(hi, 10, 64)
		if err1 != nil || err2 != nil {
			return out, "range"
		}
		out.Range = &devices.NumRange{Min: a, Max: b}
	}
	return out, ""
}

func (r *barcodeRuleRow) view(s *scannerSettings, i int) fyne.CanvasObject {
	up := widget.NewButton(tr("scanners.rules.up"), func() { s.moveRule(i, -1) })
	down := widget.NewButton(tr("scanners.rules.down"), func() { s.moveRule(i, 1) })
	remove := widget.NewButton(tr("scanners.rules.remove"), func() { s.removeRule(i) })
	if i == 0 {
		up.Disable()
	}
	if i == len(s.rules)-1 {
		down.Disable()
	}
	return container.NewVBox(
		container.NewHBox(label(tr("scanners.rules.number", "n", i+1)),
			label(tr("scanners.rules.name")), sized(160, r.name),
			label(tr("scanners.rules.kind")), sized(160, r.kind), up, down, remove),
		container.NewHBox(label(tr("scanners.rules.prefixes")), sized(140, r.prefixes),
			label(tr("scanners.rules.min_length")), sized(70, r.minLen),
			label(tr("scanners.rules.max_length")), sized(70, r.maxLen), r.digits),
		container.NewHBox(label(tr("scanners.rules.range")), sized(110, r.rangeMin), sized(110, r.rangeMax),
			label(tr("scanners.rules.check")), sized(160, r.check)),
		container.NewHBox(label(tr("scanners.rules.rewrite")), r.strip,
			label(tr("scanners.rules.pad_to")), sized(70, r.padTo), r.upper,
			label(tr("scanners.rules.add_prefix")), sized(100, r.addTo)),
		widget.NewSeparator(),
	)
}

// sized gives a field a fixed width, so that rows of fields stay narrow.
func sized(width float32, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, o.MinSize().Height), o)
}

// rulesArea edits the barcode rules, tries a code against them and saves
// them.
func (s *scannerSettings) rulesArea() fyne.CanvasObject {
	s.rulesBox = container.NewVBox()
	s.rulesMsg = wrapped("")
	rules := devices.DefaultRules()
	if len(s.file.Rules) > 0 {
		if rs, err := devices.ParseRules(s.file.Rules); err == nil {
			rules = rs
		} else {
			s.rulesMsg.SetText(tr("scanners.rules.unreadable"))
		}
	}
	s.setRules(rules)
	add := widget.NewButton(tr("scanners.rules.add"), func() {
		s.rules = append(s.rules, newBarcodeRuleRow(devices.Rule{Kind: devices.KindCopy}))
		s.showRules()
	})
	defaults := widget.NewButton(tr("scanners.rules.defaults"), func() {
		s.setRules(devices.DefaultRules())
		s.rulesMsg.SetText(tr("scanners.rules.defaults_loaded"))
	})
	save := widget.NewButton(tr("common.save"), s.saveRules)
	save.Importance = widget.HighImportance
	s.try = widget.NewEntry()
	s.try.SetPlaceHolder(tr("scanners.rules.try_placeholder"))
	s.tryText = label("")
	s.try.OnChanged = func(code string) {
		if strings.TrimSpace(code) == "" {
			s.tryText.SetText("")
			return
		}
		s.tryText.SetText(resultText(s.currentRules().Classify(code)))
	}
	return container.NewVBox(
		wrapped(tr("scanners.rules.help")),
		s.rulesBox,
		container.NewHBox(add, defaults, save),
		s.rulesMsg,
		form(label(tr("scanners.rules.try")), container.NewBorder(nil, nil, nil, s.tryText, s.try)),
	)
}

func (s *scannerSettings) setRules(rs devices.Rules) {
	s.rules = nil
	for _, r := range rs.Rules {
		s.rules = append(s.rules, newBarcodeRuleRow(r))
	}
	s.showRules()
}

func (s *scannerSettings) showRules() {
	objs := make([]fyne.CanvasObject, len(s.rules))
	for i, r := range s.rules {
		objs[i] = r.view(s, i)
	}
	s.rulesBox.Objects = objs
	s.rulesBox.Refresh()
}

func (s *scannerSettings) moveRule(i, by int) {
	if j := i + by; j >= 0 && j < len(s.rules) {
		s.rules[i], s.rules[j] = s.rules[j], s.rules[i]
		s.showRules()
	}
}

func (s *scannerSettings) removeRule(i int) {
	s.rules = slices.Delete(s.rules, i, i+1)
	s.showRules()
}

// editedRules reads the editor; what is wrong comes back as a translated
// message.
func (s *scannerSettings) editedRules() (devices.Rules, string) {
	rs := devices.Rules{Version: devices.RulesVersion}
	for i, row := range s.rules {
		r, field := row.rule()
		if field != "" {
			return rs, ruleErrorText(i, r.Name, field)
		}
		rs.Rules = append(rs.Rules, r)
	}
	var re *devices.RuleError
	if err := rs.Validate(); errors.As(err, &re) {
		name := ""
		if re.Index >= 0 && re.Index < len(rs.Rules) {
			name = rs.Rules[re.Index].Name
		}
		return rs, ruleErrorText(re.Index, name, re.Field)
	} else if err != nil {
		return rs, tr("scanners.rules.invalid")
	}
	return rs, ""
}

// currentRules are the rules being edited when they are valid, else the
// saved ones: what a test scan is classified with.
func (s *scannerSettings) currentRules() devices.Rules {
	if s.rulesBox != nil {
		if rs, msg := s.editedRules(); msg == "" {
			return rs
		}
	}
	if rs, err := devices.ParseRules(s.file.Rules); err == nil {
		return rs
	}
	return devices.DefaultRules()
}

// ruleErrorText says which rule is wrong and how, in words.
func ruleErrorText(index int, name, field string) string {
	var problem string
	switch field {
	case "kind":
		problem = tr("scanners.rules.bad_kind")
	case "min_length", "max_length":
		problem = tr("scanners.rules.bad_length")
	case "range":
		problem = tr("scanners.rules.bad_range")
	case "check":
		problem = tr("scanners.rules.bad_check")
	case "pad_to":
		problem = tr("scanners.rules.bad_pad_to")
	case "version":
		return tr("scanners.rules.bad_version")
	default:
		problem = tr("scanners.rules.invalid")
	}
	if name == "" {
		return tr("scanners.rules.error", "n", index+1, "problem", problem)
	}
	return tr("scanners.rules.error_named", "n", index+1, "name", name, "problem", problem)
}

func (s *scannerSettings) saveRules() {
	rs, msg := s.editedRules()
	if msg != "" {
		s.rulesMsg.SetText(msg)
		return
	}
	raw, err := json.Marshal(rs)
	if err == nil {
		f := s.file
		f.Rules = raw
		if err = f.save(s.dataDir); err == nil {
			s.file = f
			s.rulesMsg.SetText(tr("scanners.rules.saved", "count", len(rs.Rules)))
			return
		}
	}
	s.rulesMsg.SetText(tr("scanners.save_failed", "error", firstLine(err.Error())))
}
