package devices

import (
	"slices"
	"sync"
	"time"

	"github.com/cockroachdb/errors"
)

// KeyboardReports returns the input reports a keyboard-mode scanner with
// descriptor d and layout l sends to type text and then the terminator key
// (KeyEnter, KeyTab, or 0 for none): a press and a release per character.
func KeyboardReports(d *Descriptor, l *Layout, text string, terminator uint16) ([][]byte, error) {
	k, err := NewKeyboardDecoder(d, DecoderOptions{Layout: l})
	if err != nil {
		return nil, err
	}
	kr := k.reports[0]
	rep := d.Report(Input, kr.id)
	blank := func() []byte {
		if d.Numbered {
			return append([]byte{kr.id}, make([]byte, rep.DataLen())...)
		}
		return make([]byte, rep.DataLen())
	}
	press := func(usage uint16, mods Modifiers) ([]byte, error) {
		b := blank()
		data := b
		if d.Numbered {
			data = b[1:]
		}
		for _, e := range kr.mods {
			if mods&(1<<(e.usage-0xE0)) != 0 {
				e.set(data, 1)
			}
		}
		for _, e := range kr.bitmaps {
			if e.usage == usage {
				e.set(data, 1)
				return b, nil
			}
		}
		for _, f := range kr.arrays {
			for idx := 0; ; idx++ {
				u, ok := f.UsageAt(idx)
				if !ok {
					break
				}
				if u == MakeUsage(PageKeyboard, usage) {
					elemRef{f, 0}.set(data, uint32(int64(idx)+int64(f.LogicalMin)))
					return b, nil
				}
			}
		}
		return nil, errors.Newf("usage %#x not in the descriptor", usage)
	}
	var out [][]byte
	keys := []rune(text)
	if terminator != 0 {
		keys = append(keys, -1)
	}
	for _, r := range keys {
		usage, mods, ok := terminator, Modifiers(0), true
		if r != -1 {
			usage, mods, ok = l.Keystroke(r)
		}
		if !ok {
			return nil, errors.Newf("layout %s cannot type %q", l.Name(), r)
		}
		b, err := press(usage, mods)
		if err != nil {
			return nil, err
		}
		out = append(out, b, blank())
	}
	return out, nil
}

// POSReports returns the input reports a HID POS scanner with descriptor d
// sends for one barcode: text split over as many reports as it needs, with
// the AIM identifier (such as "]E0") and the continued flag set.
func POSReports(d *Descriptor, text, aim string) ([][]byte, error) {
	p, err := NewPOSDecoder(d, "")
	if err != nil {
		return nil, err
	}
	pr := p.reports[0]
	rep := d.Report(Input, pr.id)
	body := []byte(text)
	var out [][]byte
	for first := true; first || len(body) > 0; first = false {
		b := make([]byte, rep.DataLen())
		chunk := body[:min(len(body), len(pr.data))]
		body = body[len(chunk):]
		for i, c := range chunk {
			pr.data[i].set(b, uint32(c))
		}
		if pr.count != nil {
			pr.count.set(b, uint32(len(chunk)))
		}
		for i, e := range pr.sym {
			if i < len(aim) {
				e.set(b, uint32(aim[i]))
			}
		}
		if pr.cont != nil && len(body) > 0 {
			pr.cont.set(b, 1)
		}
		if d.Numbered {
			b = append([]byte{pr.id}, b...)
		}
		out = append(out, b)
	}
	return out, nil
}

// SimBus is an in-memory Bus. Tests and demos plug and unplug SimDevices on
// it; Manager cannot tell it from HIDBus.
type SimBus struct {
	mu      sync.Mutex
	devices []*SimDevice
	// OpenErr, when set, is returned by every Open, as a platform that
	// refuses access would.
	OpenErr error
}

var _ Bus = (*SimBus)(nil)

// Plug attaches a device; its reports queue until someone opens it.
func (b *SimBus) Plug(d *SimDevice) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d.mu.Lock()
	d.gone = make(chan struct{})
	d.mu.Unlock()
	b.devices = append(b.devices, d)
}

// Unplug detaches the device with that path: reads in progress end with
// ErrClosed.
func (b *SimBus) Unplug(path string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.devices = slices.DeleteFunc(b.devices, func(d *SimDevice) bool {
		if d.Info.Path != path {
			return false
		}
		d.mu.Lock()
		close(d.gone)
		d.mu.Unlock()
		return true
	})
}

// Enumerate implements Bus.
func (b *SimBus) Enumerate() ([]DeviceInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]DeviceInfo, len(b.devices))
	for i, d := range b.devices {
		out[i] = d.Info
	}
	return out, nil
}

// Open implements Bus.
func (b *SimBus) Open(info DeviceInfo) (Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.OpenErr != nil {
		return nil, errors.Mark(errors.Wrapf(b.OpenErr, "open %s", info.Key()), ErrOpen)
	}
	for _, d := range b.devices {
		if d.Info.Path == info.Path {
			d.mu.Lock()
			defer d.mu.Unlock()
			return &simHandle{dev: d, gone: d.gone, closed: make(chan struct{})}, nil
		}
	}
	return nil, errors.Mark(errors.Newf("no device at %s", info.Path), ErrOpen)
}

// SimDevice is a simulated scanner: a descriptor and a queue of input
// reports.
type SimDevice struct {
	Info       DeviceInfo
	Descriptor []byte
	Layout     *Layout // for keyboard devices; nil means LayoutUS
	reports    chan []byte
	mu         sync.Mutex
	gone       chan struct{}
}

// NewSimDevice makes a simulated device with that descriptor. It queues up
// to 1024 reports.
func NewSimDevice(info DeviceInfo, descriptor []byte) *SimDevice {
	return &SimDevice{Info: info, Descriptor: descriptor, reports: make(chan []byte, 1024), gone: make(chan struct{})}
}

// Send queues one raw input report. It does not block while the queue has
// room.
func (d *SimDevice) Send(report []byte) { d.reports <- report }

// Scan queues the reports that scan text, as a keyboard (with the device's
// layout and Enter) or as a HID POS scanner (with the AIM identifier),
// whichever the descriptor declares.
func (d *SimDevice) Scan(text, aim string) error {
	desc, err := ParseDescriptor(d.Descriptor)
	if err != nil {
		return err
	}
	var reports [][]byte
	if _, perr := NewPOSDecoder(desc, ""); perr == nil {
		reports, err = POSReports(desc, text, aim)
	} else {
		l := d.Layout
		if l == nil {
			l = LayoutUS
		}
		reports, err = KeyboardReports(desc, l, text, KeyEnter)
	}
	if err != nil {
		return err
	}
	for _, r := range reports {
		d.Send(r)
	}
	return nil
}

// simHandle is one opening of a SimDevice.
type simHandle struct {
	dev       *SimDevice
	gone      chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
}

func (h *simHandle) ReadReport(p []byte, timeout time.Duration) (int, error) {
	select {
	case <-h.closed:
		return 0, errors.WithStack(ErrClosed)
	case <-h.gone:
		return 0, errors.Wrap(ErrClosed, "unplugged")
	default:
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-h.dev.reports:
		return copy(p, r), nil
	case <-timer.C:
		return 0, nil
	case <-h.closed:
		return 0, errors.WithStack(ErrClosed)
	case <-h.gone:
		return 0, errors.Wrap(ErrClosed, "unplugged")
	}
}

func (h *simHandle) ReportDescriptor() ([]byte, error) {
	if len(h.dev.Descriptor) == 0 {
		return nil, errors.WithStack(ErrNoDescriptor)
	}
	return h.dev.Descriptor, nil
}

func (h *simHandle) Close() error {
	h.closeOnce.Do(func() { close(h.closed) })
	return nil
}
