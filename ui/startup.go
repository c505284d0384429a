package ui

import (
	"encoding/json"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/assets/i18n"
)

// ShowOpening shows, in a small window, that the library is being opened,
// for the minutes that can take once after an update that reindexes the
// catalogue or after a large import leaves the file to be compacted; without
// it a desk PC would show nothing, and people start Circa a second time.
// The caller hides the window when the library is open, and makes the
// window it shows next the master: closing a window while the pointer is
// over it can crash Fyne's GLFW driver (fyne-io/fyne#5981), hiding cannot.
func ShowOpening(a fyne.App) fyne.Window {
	w := a.NewWindow(tr("app.name"))
	msg := widget.NewLabel(tr("startup.opening"))
	msg.Wrapping = fyne.TextWrapWord
	// A wrapped label asks for the height of its narrowest layout, which
	// would make the window taller than the screen: it gets a fixed box.
	w.SetContent(container.NewVBox(container.NewGridWrap(fyne.NewSize(480, 130), msg), widget.NewProgressBarInfinite()))
	w.CenterOnScreen()
	w.Show()
	return w
}

// ShowStartupError shows, in a small window, why the desk could not open
// (the library file is locked by another Circa, damaged, or the folder is
// read-only), for people who started Circa from an icon and see no terminal.
func ShowStartupError(a fyne.App, message string) fyne.Window {
	w := a.NewWindow(tr("app.name"))
	msg := widget.NewLabel(message)
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil, widget.NewButton(tr("common.close"), a.Quit), nil, nil, msg))
	w.Resize(fyne.NewSize(520, 200))
	w.Show()
	return w
}

// ScannerFile is the station-local file, in the data folder, that keeps the
// scanner settings chosen on the scanner settings screen.
const ScannerFile = "scanners.json"

// ScannerSettings are this station's scanner choices.
type ScannerSettings struct {
	// Chosen are the HID scanners to read (devices.DeviceInfo.Key).
	Chosen []string `json:"chosen,omitempty"`
	// Layout is the keyboard layout set in the scanners ("us", "de", "fr").
	Layout string `json:"layout,omitempty"`
	// WedgeGapMS is the longest gap between keystrokes of one scan.
	WedgeGapMS int `json:"wedge_gap_ms,omitempty"`
	// WedgeMinLength is the fewest characters of a scan; 0 means 4.
	WedgeMinLength int `json:"wedge_min_length,omitempty"`
	// EndOnPause accepts a scan that ends without Enter or Tab.
	EndOnPause bool `json:"end_on_pause,omitempty"`
	// Rules classify scans (devices.Rules as JSON).
	Rules json.RawMessage `json:"rules,omitempty"`
}

// LoadScannerSettings reads the scanner settings of the data folder; a
// missing or unreadable file gives the defaults.
func LoadScannerSettings(dataDir string) ScannerSettings {
	var s ScannerSettings
	raw, err := os.ReadFile(filepath.Join(dataDir, ScannerFile))
	if err == nil {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

// SaveScannerSettings writes the scanner settings of the data folder.
func SaveScannerSettings(dataDir string, s ScannerSettings) error {
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dataDir, ScannerFile+".tmp")
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dataDir, ScannerFile))
}

// ChosenScanners returns the HID scanners this station reads.
func ChosenScanners(dataDir string) []string { return LoadScannerSettings(dataDir).Chosen }

// SystemLang is the language of the computer's locale as the windowing
// system reports it (Windows and macOS rarely set LANG): Chinese for any zh
// locale, else English.
func SystemLang() i18n.Lang {
	if l, ok := i18n.Parse(lang.SystemLocale().String()); ok {
		return l
	}
	return i18n.Detect()
}
