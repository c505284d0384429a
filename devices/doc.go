// Package devices reads library barcode scanners and turns what they send into
// Scan events.
//
// A scanner reaches Circa by one of three paths, and every path ends in the
// same Scan value on the same channel:
//
//   - Direct HID (github.com/karalabe/hid). The device's report descriptor is
//     parsed (ParseDescriptor) to find where its input reports keep their
//     fields, then each report is decoded: keyboard reports (modifier byte and
//     key array, turned into characters with a keyboard Layout) or HID POS
//     "Scanned Data" reports (usage page 0x8C: the whole barcode and its
//     symbology in one report). Manager enumerates the bus every two seconds,
//     opens the scanners the user chose, reopens them after an unplug, and
//     publishes their connected state.
//   - Keyboard wedge. Where the operating system keeps keyboards to itself
//     (Windows, or a Linux desk without the udev rule), the scanner types into
//     the focused window. Wedge tells a scan from a person by timing: a burst
//     of keys far faster than anyone types, ended by Enter or Tab. It holds
//     keys back until it knows and gives human typing back.
//   - Simulated. SimBus and SimDevice implement Bus and Device in memory and
//     drive the tests and demos.
//
// Rules classifies a scanned text as a copy barcode, a reader card or an ISBN
// and rewrites it to the stored form; what no rule matches is KindUnknown.
//
// The package never shows text to a person: failures are sentinel errors
// (errors.Is) and Status codes that the UI translates. Nothing here imports
// Fyne; the UI feeds Wedge from its keyboard hooks.
//
// With CGO_ENABLED=0 karalabe/hid reports itself unsupported: HIDBus returns
// ErrUnsupported and everything else works as before.
package devices
