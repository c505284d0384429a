package devices

import "github.com/cockroachdb/errors"

// Sentinel errors. Callers test them with errors.Is; the UI maps each one to a
// translated message, so none of them is meant to be shown as it is.
var (
	// ErrUnsupported means direct HID access is not available in this build
	// or on this platform (for example a CGO_ENABLED=0 build).
	ErrUnsupported = errors.New("devices: direct HID access unsupported")
	// ErrOpen means the operating system refused to open a device, most
	// often for want of permission (udev rule, macOS Input Monitoring) or
	// because Windows keeps keyboards to itself.
	ErrOpen = errors.New("devices: cannot open device")
	// ErrClosed is returned by a device that has been closed or unplugged.
	ErrClosed = errors.New("devices: device closed")
	// ErrBadDescriptor means a report descriptor could not be parsed.
	ErrBadDescriptor = errors.New("devices: malformed report descriptor")
	// ErrNoDescriptor means the device's report descriptor could not be read.
	ErrNoDescriptor = errors.New("devices: report descriptor unavailable")
	// ErrNotScanner means a descriptor has neither keyboard nor HID POS
	// input fields, so nothing in it can carry a barcode.
	ErrNotScanner = errors.New("devices: device reports no keyboard or barcode fields")
	// ErrBadReport means an input report does not fit its descriptor.
	ErrBadReport = errors.New("devices: malformed input report")
	// ErrBadRule means barcode rules failed validation; see RuleError.
	ErrBadRule = errors.New("devices: invalid barcode rule")
)
