package devices

import (
	"fmt"
	"time"
)

// DeviceInfo describes a HID interface found on the bus.
type DeviceInfo struct {
	Path         string // platform path; on Linux the USB port path ("1-2.3:1.0"), which changes with the port
	VendorID     uint16
	ProductID    uint16
	Serial       string
	Manufacturer string
	Product      string
	UsagePage    uint16 // of the top-level collection: 0x01 with Usage 0x06 for keyboards, 0x8C for HID POS scanners
	Usage        uint16
	Interface    int
}

// Key identifies a device across unplugging and replugging: vendor, product,
// serial number and interface, but not the path, which changes with the port.
// Settings store the keys of the scanners the user chose.
func (i DeviceInfo) Key() string {
	return fmt.Sprintf("%04x:%04x:%s:%d", i.VendorID, i.ProductID, i.Serial, i.Interface)
}

// IsKeyboard reports whether the interface presents itself as a keyboard,
// as scanners in keyboard-wedge mode do.
func (i DeviceInfo) IsKeyboard() bool { return i.UsagePage == PageGenericDesktop && i.Usage == 6 }

// IsPOSScanner reports whether the interface is a HID POS barcode scanner.
func (i DeviceInfo) IsPOSScanner() bool { return i.UsagePage == PageBarCodeScanner }

// Device is an open HID interface that sends input reports.
type Device interface {
	// ReadReport waits up to timeout for one input report and copies it
	// into p, starting with the report ID byte when the device numbers its
	// reports. It returns 0, nil when the time runs out, and an error
	// wrapping ErrClosed once the device is closed or unplugged.
	ReadReport(p []byte, timeout time.Duration) (int, error)
	// ReportDescriptor returns the device's raw report descriptor, or an
	// error wrapping ErrNoDescriptor when the platform does not give it.
	ReportDescriptor() ([]byte, error)
	// Close releases the device. It must not be called while ReadReport
	// is running on another goroutine.
	Close() error
}

// Bus lists and opens HID devices: HIDBus for real hardware, SimBus in
// tests and demos.
type Bus interface {
	// Enumerate lists the HID interfaces present now. A bus that cannot
	// work in this build returns an error wrapping ErrUnsupported.
	Enumerate() ([]DeviceInfo, error)
	// Open opens one interface for reading; refusals wrap ErrOpen.
	Open(info DeviceInfo) (Device, error)
}
