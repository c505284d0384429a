package devices

import (
	"context"
	"testing"
	"time"

	"github.com/cockroachdb/errors"
)

var (
	kbInfo  = DeviceInfo{Path: "1-2:1.0", VendorID: 0x05F9, ProductID: 0x2214, Serial: "S1", Product: "Gryphon", UsagePage: 1, Usage: 6}
	posInfo = DeviceInfo{Path: "1-3:1.0", VendorID: 0x0C2E, ProductID: 0x0B61, Product: "HID POS", UsagePage: 0x8C, Usage: 2}
)

// managerHarness runs a Manager over a SimBus with a hand-driven tick.
type managerHarness struct {
	t        *testing.T
	bus      *SimBus
	m        *Manager
	ticks    chan time.Time
	statuses chan Status
	cancel   context.CancelFunc
	done     chan error
}

func startManager(t *testing.T, bus Bus, cfg ManagerConfig) *managerHarness {
	t.Helper()
	h := &managerHarness{t: t, ticks: make(chan time.Time), statuses: make(chan Status, 64), done: make(chan error, 1)}
	if sb, ok := bus.(*SimBus); ok {
		h.bus = sb
	}
	cfg.Bus, cfg.Ticks = bus, h.ticks
	cfg.OnStatus = func(s Status) { h.statuses <- s }
	h.m = NewManager(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- h.m.Serve(ctx) }()
	t.Cleanup(h.stop)
	return h
}

func (h *managerHarness) stop() {
	h.cancel()
	if err := <-h.done; err != nil {
		h.t.Errorf("Serve: %v", err)
	}
	h.done <- nil // a second stop returns at once
}

func (h *managerHarness) tick() { h.ticks <- time.Time{} }

// waitStatus waits for the next status of key and checks its state.
func (h *managerHarness) waitStatus(key string, want State) Status {
	h.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case s := <-h.statuses:
			if s.Device != key {
				continue
			}
			if s.State != want {
				h.t.Fatalf("status of %s = %v (%v), want %v", key, s.State, s.Err, want)
			}
			return s
		case <-timeout:
			h.t.Fatalf("no status %v for %s", want, key)
			return Status{}
		}
	}
}

func (h *managerHarness) waitScan() Scan {
	h.t.Helper()
	select {
	case s := <-h.m.Scans():
		return s
	case <-time.After(5 * time.Second):
		h.t.Fatal("no scan")
		return Scan{}
	}
}

func newSimKeyboard(t *testing.T) *SimDevice {
	t.Helper()
	return NewSimDevice(kbInfo, loadDescriptor(t, "datalogic_gryphon_gd4400__report_descriptor.bin"))
}

func TestManagerReadsChosenScanners(t *testing.T) {
	checkLeaks(t)
	bus := &SimBus{}
	kb, pos := newSimKeyboard(t), NewSimDevice(posInfo, HIDPOSDescriptor)
	other := NewSimDevice(DeviceInfo{Path: "1-4:1.0", VendorID: 1, ProductID: 2}, BootKeyboardDescriptor)
	bus.Plug(kb)
	bus.Plug(pos)
	bus.Plug(other)
	h := startManager(t, bus, ManagerConfig{Chosen: []string{kbInfo.Key(), posInfo.Key()}})
	h.waitStatus(kbInfo.Key(), StateConnected)
	h.waitStatus(posInfo.Key(), StateConnected)

	if err := kb.Scan("T000123", ""); err != nil {
		t.Fatal(err)
	}
	if s := h.waitScan(); s.Text != "T000123" || s.Device != kbInfo.Key() {
		t.Errorf("keyboard scan %+v", s)
	}
	if err := pos.Scan("9780306406157", "]E0"); err != nil {
		t.Fatal(err)
	}
	if s := h.waitScan(); s.Text != "9780306406157" || s.Symbology != SymbologyEANUPC || s.Device != posInfo.Key() {
		t.Errorf("POS scan %+v", s)
	}
	// The device nobody chose is not read.
	if err := other.Scan("NOTME", ""); err != nil {
		t.Fatal(err)
	}
	// The wedge path arrives on the same channel.
	w := NewWedge(WedgeConfig{OnScan: func(s Scan) { h.m.Deliver(s) }})
	for i, r := range "R00042" {
		w.FeedRune(r, t0.Add(time.Duration(i)*time.Millisecond))
	}
	w.FeedKey("Return", t0.Add(10*time.Millisecond))
	if s := h.waitScan(); s.Text != "R00042" || s.Device != "keyboard" {
		t.Errorf("wedge scan %+v", s)
	}
	select {
	case s := <-h.m.Scans():
		t.Errorf("unexpected scan %+v", s)
	case <-time.After(3 * readPoll):
	}
	if got := h.m.Statuses(); len(got) != 2 || got[0].State != StateConnected || got[1].State != StateConnected {
		t.Errorf("Statuses = %+v", got)
	}
}

func TestManagerReopensAfterReplug(t *testing.T) {
	checkLeaks(t)
	bus := &SimBus{}
	kb := newSimKeyboard(t)
	bus.Plug(kb)
	h := startManager(t, bus, ManagerConfig{Chosen: []string{kbInfo.Key()}})
	h.waitStatus(kbInfo.Key(), StateConnected)

	bus.Unplug(kbInfo.Path)
	if s := h.waitStatus(kbInfo.Key(), StateDisconnected); !errors.Is(s.Err, ErrClosed) {
		t.Errorf("unplug status error = %v, want ErrClosed", s.Err)
	}
	h.tick() // still gone: no new status
	// Plugged into another port: new path, same key.
	kb.Info.Path = "1-5:1.0"
	bus.Plug(kb)
	h.tick()
	h.waitStatus(kbInfo.Key(), StateConnected)
	if err := kb.Scan("T000777", ""); err != nil {
		t.Fatal(err)
	}
	if s := h.waitScan(); s.Text != "T000777" {
		t.Errorf("scan after replug %+v", s)
	}
}

func TestManagerStates(t *testing.T) {
	t.Run("no access until permission is granted", func(t *testing.T) {
		checkLeaks(t)
		bus := &SimBus{OpenErr: errors.New("permission denied")}
		bus.Plug(newSimKeyboard(t))
		h := startManager(t, bus, ManagerConfig{Chosen: []string{kbInfo.Key()}})
		if s := h.waitStatus(kbInfo.Key(), StateNoAccess); !errors.Is(s.Err, ErrOpen) {
			t.Errorf("error %v, want ErrOpen", s.Err)
		}
		bus.mu.Lock()
		bus.OpenErr = nil
		bus.mu.Unlock()
		h.tick()
		h.waitStatus(kbInfo.Key(), StateConnected)
	})
	t.Run("chosen but absent", func(t *testing.T) {
		checkLeaks(t)
		h := startManager(t, &SimBus{}, ManagerConfig{Chosen: []string{kbInfo.Key()}})
		h.waitStatus(kbInfo.Key(), StateDisconnected)
	})
	t.Run("not a scanner is not reopened", func(t *testing.T) {
		checkLeaks(t)
		mouse := []byte{0x05, 0x01, 0x09, 0x02, 0xA1, 0x01, 0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01,
			0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0x95, 0x01, 0x75, 0x05, 0x81, 0x01, 0xC0}
		info := DeviceInfo{Path: "1-6:1.0", VendorID: 0x046D, ProductID: 0xC077, UsagePage: 1, Usage: 2}
		bus := &countingBus{SimBus: &SimBus{}}
		bus.Plug(NewSimDevice(info, mouse))
		h := startManager(t, bus, ManagerConfig{Chosen: []string{info.Key()}})
		if s := h.waitStatus(info.Key(), StateNotScanner); !errors.Is(s.Err, ErrNotScanner) {
			t.Errorf("error %v, want ErrNotScanner", s.Err)
		}
		h.tick()
		h.tick()
		if n := bus.opens.Load(); n != 1 {
			t.Errorf("opened %d times, want 1", n)
		}
	})
	t.Run("keyboard without descriptor uses the boot layout", func(t *testing.T) {
		checkLeaks(t)
		bus := &SimBus{}
		kb := NewSimDevice(kbInfo, nil)
		bus.Plug(kb)
		h := startManager(t, bus, ManagerConfig{Chosen: []string{kbInfo.Key()}, Layout: LayoutGerman})
		if s := h.waitStatus(kbInfo.Key(), StateConnected); !s.Assumed {
			t.Error("Assumed = false")
		}
		reports, err := KeyboardReports(mustDescriptor(t, BootKeyboardDescriptor), LayoutGerman, "Zy-1", KeyEnter)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reports {
			kb.Send(r)
		}
		if s := h.waitScan(); s.Text != "Zy-1" {
			t.Errorf("scan %+v", s)
		}
	})
	t.Run("HID POS scanner without descriptor uses the common layout", func(t *testing.T) {
		checkLeaks(t)
		bus := &SimBus{}
		pos := NewSimDevice(posInfo, nil)
		bus.Plug(pos)
		h := startManager(t, bus, ManagerConfig{Chosen: []string{posInfo.Key()}})
		if s := h.waitStatus(posInfo.Key(), StateConnected); !s.Assumed {
			t.Error("Assumed = false")
		}
		reports, err := POSReports(mustDescriptor(t, HIDPOSDescriptor), "T000123", "]C0")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reports {
			pos.Send(r)
		}
		if s := h.waitScan(); s.Text != "T000123" || s.Symbology != SymbologyCode128 {
			t.Errorf("scan %+v", s)
		}
	})
	t.Run("unsupported bus", func(t *testing.T) {
		checkLeaks(t)
		h := startManager(t, unsupportedBus{}, ManagerConfig{Chosen: []string{kbInfo.Key()}})
		h.waitStatus(kbInfo.Key(), StateUnsupported)
	})
	t.Run("unchoosing closes the device", func(t *testing.T) {
		checkLeaks(t)
		bus := &SimBus{}
		bus.Plug(newSimKeyboard(t))
		h := startManager(t, bus, ManagerConfig{Chosen: []string{kbInfo.Key()}})
		h.waitStatus(kbInfo.Key(), StateConnected)
		h.m.Choose()
		h.waitStatus(kbInfo.Key(), StateDisconnected)
		deadline := time.Now().Add(5 * time.Second)
		for len(h.m.Statuses()) != 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if got := h.m.Statuses(); len(got) != 0 {
			t.Errorf("Statuses after unchoosing = %+v", got)
		}
	})
}

func TestManagerDeliverNeverBlocks(t *testing.T) {
	m := NewManager(ManagerConfig{Bus: &SimBus{}, ScanBuffer: 2})
	for i := 0; i < 5; i++ {
		m.Deliver(Scan{Text: "x"})
	}
	if got := m.Dropped(); got != 3 {
		t.Errorf("Dropped = %d, want 3", got)
	}
}

func TestHIDBus(t *testing.T) {
	// No USB bus on the build machines: this checks the unsupported path
	// without cgo and that enumeration does not fail with it.
	b := &HIDBus{}
	infos, err := b.Enumerate()
	if errors.Is(err, ErrUnsupported) {
		if _, err := b.Open(kbInfo); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Open error %v, want ErrUnsupported", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Enumerate: %v", err)
	}
	t.Logf("%d HID devices", len(infos))
}

func TestHIDBusSysfsDescriptor(t *testing.T) {
	// A fake sysfs tree holding a real descriptor where Linux keeps it.
	root := t.TempDir()
	raw := loadDescriptor(t, "datalogic_gryphon_gd4400__report_descriptor.bin")
	dir := root + "/1-2:1.0/0003:05F9:2214.0001"
	if err := mkdirWrite(dir, "report_descriptor", raw); err != nil {
		t.Fatal(err)
	}
	b := &HIDBus{SysfsRoot: root}
	got, err := b.sysfsDescriptor("1-2:1.0")
	if err != nil || len(got) != 65 {
		t.Fatalf("sysfsDescriptor = %d bytes, %v", len(got), err)
	}
	if page, usage := topUsage(got); page != 1 || usage != 6 {
		t.Errorf("topUsage = %x:%x, want 1:6", page, usage)
	}
	for _, p := range []string{"", "1-9:1.0", "../etc"} {
		if _, err := b.sysfsDescriptor(p); !errors.Is(err, ErrNoDescriptor) {
			t.Errorf("sysfsDescriptor(%q) error %v, want ErrNoDescriptor", p, err)
		}
	}
}

func TestManagerSurvivesGarbageReports(t *testing.T) {
	checkLeaks(t)
	bus := &SimBus{}
	kb := newSimKeyboard(t)
	bus.Plug(kb)
	h := startManager(t, bus, ManagerConfig{Chosen: []string{kbInfo.Key()}})
	h.waitStatus(kbInfo.Key(), StateConnected)
	for _, g := range [][]byte{{0xFF}, {0, 0, 0x04}, make([]byte, maxReportLen)} {
		kb.Send(g)
	}
	if err := kb.Scan("T000123", ""); err != nil {
		t.Fatal(err)
	}
	if s := h.waitScan(); s.Text != "T000123" {
		t.Errorf("scan after garbage %+v", s)
	}
}
