package ui

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/circa-library/circa/devices"
)

// scannerStatus keeps the last status the scanner Manager published for each
// chosen scanner, for the status bar and the scanner settings screen. The
// Manager publishes from its own goroutine; watchers hear of changes on the
// UI goroutine.
var scannerStatus = struct {
	mu       sync.Mutex
	chosen   []string // nil until known: then statuses of other devices are ignored
	byKey    map[string]devices.Status
	watchers map[int]func()
	next     int
}{byKey: map[string]devices.Status{}, watchers: map[int]func(){}}

// SetScannerStatus records a status published by the scanner Manager; pass
// it as devices.ManagerConfig.OnStatus. It returns at once and tells the
// watchers on the UI goroutine (fyne.Do).
func SetScannerStatus(s devices.Status) {
	scannerStatus.mu.Lock()
	if scannerStatus.chosen != nil && !slices.Contains(scannerStatus.chosen, s.Device) {
		scannerStatus.mu.Unlock()
		return // the last word of a scanner just unchosen
	}
	scannerStatus.byKey[s.Device] = s
	scannerStatus.mu.Unlock()
	fyne.Do(notifyScannerWatchers)
}

// setChosenScanners tells the status store which scanners are chosen now,
// and forgets the others: the Manager drops them without a word.
func setChosenScanners(chosen []string) {
	scannerStatus.mu.Lock()
	scannerStatus.chosen = append([]string{}, chosen...)
	for key := range scannerStatus.byKey {
		if !slices.Contains(chosen, key) {
			delete(scannerStatus.byKey, key)
		}
	}
	scannerStatus.mu.Unlock()
	notifyScannerWatchers()
}

func notifyScannerWatchers() {
	scannerStatus.mu.Lock()
	fns := make([]func(), 0, len(scannerStatus.watchers))
	for id := 0; id < scannerStatus.next; id++ {
		if fn, ok := scannerStatus.watchers[id]; ok {
			fns = append(fns, fn)
		}
	}
	scannerStatus.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// ScannerStatuses returns the recorded status of every chosen scanner,
// ordered by device key.
func ScannerStatuses() []devices.Status {
	scannerStatus.mu.Lock()
	defer scannerStatus.mu.Unlock()
	out := make([]devices.Status, 0, len(scannerStatus.byKey))
	for _, s := range scannerStatus.byKey {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b devices.Status) int { return strings.Compare(a.Device, b.Device) })
	return out
}

// WatchScannerStatus calls fn on the UI goroutine after every change to
// ScannerStatuses, so the status bar can show ScannerStatusText. Call stop
// when the watcher goes away.
func WatchScannerStatus(fn func()) (stop func()) {
	scannerStatus.mu.Lock()
	defer scannerStatus.mu.Unlock()
	id := scannerStatus.next
	scannerStatus.next++
	scannerStatus.watchers[id] = fn
	return func() {
		scannerStatus.mu.Lock()
		defer scannerStatus.mu.Unlock()
		delete(scannerStatus.watchers, id)
	}
}

// ScannerConnected reports whether a chosen HID scanner is open now; it
// suits Config.ScannerConnected.
func ScannerConnected() bool {
	for _, s := range ScannerStatuses() {
		if s.State == devices.StateConnected {
			return true
		}
	}
	return false
}

// ScannerStatusText sums up the chosen scanners' statuses in one translated
// line for the status bar. With no HID scanner chosen (or none readable in
// this build) scans come as keystrokes: keyboard mode.
func ScannerStatusText(statuses []devices.Status) string {
	var connected []devices.Status
	count := map[devices.State]int{}
	for _, s := range statuses {
		count[s.State]++
		if s.State == devices.StateConnected {
			connected = append(connected, s)
		}
	}
	switch {
	case len(statuses) == 0 || count[devices.StateUnsupported] == len(statuses):
		return tr("scanners.bar.keyboard")
	case len(connected) == 1 && len(statuses) == 1:
		return tr("scanners.bar.connected", "name", scannerName(connected[0].Info, connected[0].Device))
	case len(connected) == len(statuses):
		return tr("scanners.bar.connected_all", "count", len(statuses))
	case len(connected) > 0:
		return tr("scanners.bar.connected_some", "connected", len(connected), "count", len(statuses))
	case count[devices.StateNoAccess] > 0:
		return tr("scanners.bar.no_access")
	case count[devices.StateNotScanner] > 0:
		return tr("scanners.bar.not_scanner")
	}
	return tr("scanners.bar.not_connected")
}

// scannerName is how a person recognises a device: its maker and model as
// it reports them, else its vendor and product IDs.
func scannerName(info devices.DeviceInfo, key string) string {
	name := strings.TrimSpace(strings.TrimSpace(info.Manufacturer) + " " + strings.TrimSpace(info.Product))
	switch {
	case name != "":
		return name
	case info.VendorID != 0 || info.ProductID != 0:
		return fmt.Sprintf("%04x:%04x", info.VendorID, info.ProductID)
	}
	if len(key) >= 9 {
		return key[:9] // "vvvv:pppp" of a scanner not seen since start
	}
	return key
}

// scannerStateText is one state in words, with what to do about it on this
// platform.
func scannerStateText(s devices.Status, goos string) (state, hint string) {
	switch s.State {
	case devices.StateConnected:
		if s.Assumed {
			return tr("scanners.state.connected"), tr("scanners.hint.assumed")
		}
		return tr("scanners.state.connected"), ""
	case devices.StateDisconnected:
		return tr("scanners.state.disconnected"), tr("scanners.hint.disconnected")
	case devices.StateNoAccess:
		switch goos {
		case "linux":
			return tr("scanners.state.no_access"), tr("scanners.hint.no_access_linux")
		case "darwin":
			return tr("scanners.state.no_access"), tr("scanners.hint.no_access_macos")
		case "windows":
			return tr("scanners.state.no_access"), tr("scanners.hint.no_access_windows")
		}
		return tr("scanners.state.no_access"), tr("scanners.hint.no_access_other")
	case devices.StateUnsupported:
		return tr("scanners.state.unsupported"), tr("scanners.hint.unsupported")
	case devices.StateNotScanner:
		return tr("scanners.state.not_scanner"), tr("scanners.hint.not_scanner")
	}
	return s.State.String(), ""
}

// msText is a duration in whole milliseconds.
func msText(d time.Duration) string { return fmt.Sprint(d.Round(time.Millisecond).Milliseconds()) }
