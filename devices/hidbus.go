package devices

import (
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/cockroachdb/errors"
	"github.com/karalabe/hid"
)

// HIDBus is the Bus of real USB HID devices, through github.com/karalabe/hid.
// It needs cgo: in a CGO_ENABLED=0 build, or on a platform karalabe/hid does
// not support, Enumerate and Open return ErrUnsupported.
//
// On Linux karalabe/hid talks to /dev/bus/usb through its bundled libusb,
// which needs the udev rule in devices/udev, and it detaches the kernel's
// keyboard driver while a device is open: keys then reach only Circa. The
// report descriptor is read from sysfs before opening, while the kernel
// driver still holds it. On macOS and Windows karalabe/hid does not expose
// the descriptor; Manager then assumes BootKeyboardDescriptor or
// HIDPOSDescriptor.
type HIDBus struct {
	// SysfsRoot is where Linux lists USB interfaces; tests point it at a
	// fake tree. Empty means /sys/bus/usb/devices.
	SysfsRoot string
}

var _ Bus = (*HIDBus)(nil)

// Enumerate implements Bus.
func (b *HIDBus) Enumerate() ([]DeviceInfo, error) {
	if !hid.Supported() {
		return nil, errors.WithStack(ErrUnsupported)
	}
	found, err := hid.Enumerate(0, 0)
	if err != nil {
		return nil, errors.Wrap(err, "enumerate HID devices")
	}
	out := make([]DeviceInfo, 0, len(found))
	for _, f := range found {
		info := DeviceInfo{
			Path: f.Path, VendorID: f.VendorID, ProductID: f.ProductID,
			Serial: f.Serial, Manufacturer: f.Manufacturer, Product: f.Product,
			UsagePage: f.UsagePage, Usage: f.Usage, Interface: f.Interface,
		}
		if info.UsagePage == 0 { // libusb backends may not fill it in
			if raw, err := b.sysfsDescriptor(info.Path); err == nil {
				info.UsagePage, info.Usage = topUsage(raw)
			}
		}
		out = append(out, info)
	}
	return out, nil
}

// Open implements Bus.
func (b *HIDBus) Open(info DeviceInfo) (Device, error) {
	if !hid.Supported() {
		return nil, errors.WithStack(ErrUnsupported)
	}
	if runtime.GOOS == "windows" && info.IsKeyboard() {
		// hidapi would open it without read access (Windows keeps
		// keyboards to itself) and every read would fail.
		return nil, errors.Mark(errors.Newf("open %s: Windows does not let programs read keyboards", info.Key()), ErrOpen)
	}
	desc, descErr := b.sysfsDescriptor(info.Path)
	d, err := hid.DeviceInfo{
		Path: info.Path, VendorID: info.VendorID, ProductID: info.ProductID,
		Serial: info.Serial, Manufacturer: info.Manufacturer, Product: info.Product,
		UsagePage: info.UsagePage, Usage: info.Usage, Interface: info.Interface,
	}.Open()
	if err != nil {
		return nil, errors.Mark(errors.Wrapf(err, "open %s", info.Key()), ErrOpen)
	}
	return &hidDevice{dev: d, desc: desc, descErr: descErr}, nil
}

// sysfsDescriptor reads the report descriptor Linux keeps for a USB HID
// interface. karalabe/hid's Linux path is the sysfs name of the interface.
func (b *HIDBus) sysfsDescriptor(path string) ([]byte, error) {
	root := b.SysfsRoot
	if root == "" {
		root = "/sys/bus/usb/devices"
	}
	if path == "" || filepath.Base(path) != path {
		return nil, errors.Wrapf(ErrNoDescriptor, "path %q is not a sysfs interface name", path)
	}
	matches, _ := filepath.Glob(filepath.Join(root, path, "*", "report_descriptor"))
	for _, m := range matches {
		if raw, err := os.ReadFile(m); err == nil && len(raw) > 0 {
			return raw, nil
		}
	}
	return nil, errors.Wrapf(ErrNoDescriptor, "no report descriptor for %s in %s", path, root)
}

// topUsage returns the usage of the first application collection.
func topUsage(raw []byte) (page, id uint16) {
	d, err := ParseDescriptor(raw)
	if err != nil {
		return 0, 0
	}
	for _, c := range d.Collections {
		if c.Type == 1 {
			return c.Usage.Page(), c.Usage.ID()
		}
	}
	return 0, 0
}

// hidDevice is an open karalabe/hid device.
type hidDevice struct {
	dev     hid.Device
	desc    []byte
	descErr error
}

func (d *hidDevice) ReadReport(p []byte, timeout time.Duration) (int, error) {
	ms := int(timeout / time.Millisecond)
	if ms <= 0 {
		ms = 1
	}
	n, err := d.dev.ReadTimeout(p, ms)
	if err != nil {
		// hidapi gives no finer reason: a failed read means the device
		// went away or was closed.
		return 0, errors.Mark(errors.Wrap(err, "read HID report"), ErrClosed)
	}
	return n, nil
}

func (d *hidDevice) ReportDescriptor() ([]byte, error) { return d.desc, d.descErr }

func (d *hidDevice) Close() error { return d.dev.Close() }
