// Package ui is Circa's lending desk in Fyne: the circulation screen, readers,
// catalogue, reservations, settings, first run, sign-in and the status bar.
// The desk also hosts the screens other files of the package build
// (statistics, notices; scanners, sync, import, year end, audit and feedback
// as Settings tabs) and hands over to the kiosk when Config.Kiosk is set.
//
// It is the only package that imports fyne.io. It builds widgets and calls
// app for every decision: no lending rule lives here. Screens are small
// files, one per screen; desk.go holds what they share (the window, the
// signed-in actor, navigation, shortcuts, the idle lock).
//
// Threading: everything that touches a widget runs on Fyne's UI goroutine.
// Work started elsewhere — scans from a HID scanner, library events from
// sync, the idle ticker, background jobs — comes back through fyne.Do.
//
// Scans: a scanner reaches the desk either as devices.Scan values on
// Config.Scans, or as fast keystrokes (keyboard wedge). Every entry of the
// desk is a deskEntry, which offers its keystrokes to devices.Wedge before
// taking them, and the window canvas does the same when nothing has focus,
// so a scan is routed as a scan whatever has focus. Config.Scans and the
// wedge end in the same place: desk.handleScan.
//
// Every text a person sees comes from assets/i18n through tr.
package ui
