package devices

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/errors"
)

// State is the connection state of a chosen scanner.
type State uint8

// States. The UI shows each in the user's language.
const (
	// StateDisconnected: the scanner is not on the bus (unplugged).
	StateDisconnected State = iota
	// StateConnected: the scanner is open and its reports are read.
	StateConnected
	// StateNoAccess: the scanner is there but the system refused to open
	// it (Linux udev rule missing, macOS Input Monitoring not granted,
	// Windows keyboards); the keyboard wedge still works.
	StateNoAccess
	// StateUnsupported: this build or platform has no direct HID access.
	StateUnsupported
	// StateNotScanner: the device opened, but its descriptor declares
	// nothing that carries a barcode, or could not be parsed.
	StateNotScanner
)

var stateNames = [...]string{"disconnected", "connected", "no-access", "unsupported", "not-scanner"}

// String returns a stable identifier for logs and translation keys.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// Status is published whenever a chosen scanner's state changes.
type Status struct {
	Device  string // DeviceInfo.Key
	Info    DeviceInfo
	State   State
	Assumed bool  // connected with BootKeyboardDescriptor or HIDPOSDescriptor, the device's own being unreadable
	Err     error // the cause, for StateNoAccess, StateNotScanner and unplugging
	Time    time.Time
}

// ManagerConfig configures a Manager. Only Bus is required.
type ManagerConfig struct {
	Bus    Bus
	Chosen []string // keys (DeviceInfo.Key) of the scanners to read
	Layout *Layout  // keyboard layout set in the scanners; nil means LayoutUS
	// IdleEnd ends keyboard scans on silence; see DecoderOptions.
	IdleEnd time.Duration
	// Interval between enumerations, which find replugged scanners.
	// Default 2 s.
	Interval time.Duration
	// Ticks, when set, replaces the interval timer: tests send on it to
	// make the Manager enumerate.
	Ticks <-chan time.Time
	// Now stamps scans and statuses. Default time.Now.
	Now func() time.Time
	// OnStatus receives every state change, on the Manager's goroutine;
	// it must return quickly (the UI hands it to fyne.Do).
	OnStatus func(Status)
	// ScanBuffer is the capacity of the Scans channel. Default 256.
	ScanBuffer int
}

// Manager keeps the chosen HID scanners open: it enumerates the bus every
// Interval, opens each chosen scanner that is present, reads it on its own
// goroutine, and reopens it after it is unplugged and plugged back in. All
// scans, from HID and from whatever else calls Deliver (the keyboard wedge),
// arrive on one channel.
type Manager struct {
	cfg     ManagerConfig
	scans   chan Scan
	rescan  chan struct{}
	dropped atomic.Uint64

	mu       sync.Mutex
	chosen   []string
	statuses map[string]Status
}

// NewManager returns a Manager; call Serve to run it.
func NewManager(cfg ManagerConfig) *Manager {
	if cfg.Interval <= 0 {
		cfg.Interval = 2 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ScanBuffer <= 0 {
		cfg.ScanBuffer = 256
	}
	if cfg.Layout == nil {
		cfg.Layout = LayoutUS
	}
	return &Manager{
		cfg:      cfg,
		scans:    make(chan Scan, cfg.ScanBuffer),
		rescan:   make(chan struct{}, 1),
		chosen:   slices.Clone(cfg.Chosen),
		statuses: map[string]Status{},
	}
}

// Scans returns the channel on which every scan arrives.
func (m *Manager) Scans() <-chan Scan { return m.scans }

// Deliver queues a scan from another source, such as Wedge.OnScan, on the
// Scans channel. It never blocks: when nobody has read the last ScanBuffer
// scans it drops this one, counts it in Dropped, and returns false.
func (m *Manager) Deliver(s Scan) bool {
	select {
	case m.scans <- s:
		return true
	default:
		m.dropped.Add(1)
		return false
	}
}

// Dropped returns how many scans Deliver had to drop.
func (m *Manager) Dropped() uint64 { return m.dropped.Load() }

// Choose replaces the set of scanners to read and enumerates at once.
func (m *Manager) Choose(keys ...string) {
	m.mu.Lock()
	m.chosen = slices.Clone(keys)
	m.mu.Unlock()
	select {
	case m.rescan <- struct{}{}:
	default:
	}
}

// Statuses returns the current status of every chosen scanner, by key.
func (m *Manager) Statuses() []Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Status, 0, len(m.statuses))
	for _, s := range m.statuses {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Status) int { return strings.Compare(a.Device, b.Device) })
	return out
}

// Enumerate lists the devices on the bus, for the settings screen where the
// user chooses scanners.
func (m *Manager) Enumerate() ([]DeviceInfo, error) { return m.cfg.Bus.Enumerate() }

type readerExit struct {
	key string
	err error
}

// managerRun is the state of one Serve call, owned by its goroutine.
type managerRun struct {
	readers    map[string]context.CancelFunc
	notScanner map[string]string // key → path of a device found not to be a scanner
	exits      chan readerExit
}

// Serve runs the Manager until ctx ends, then closes every device and
// returns nil once all its goroutines have stopped. Call it once.
func (m *Manager) Serve(ctx context.Context) error {
	run := &managerRun{
		readers:    map[string]context.CancelFunc{},
		notScanner: map[string]string{},
		exits:      make(chan readerExit),
	}
	readCtx, stopReaders := context.WithCancel(ctx)
	defer func() {
		stopReaders()
		for range run.readers {
			<-run.exits
		}
	}()
	ticks := m.cfg.Ticks
	if ticks == nil {
		tk := time.NewTicker(m.cfg.Interval)
		defer tk.Stop()
		ticks = tk.C
	}
	m.sync(readCtx, run)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticks:
			m.sync(readCtx, run)
		case <-m.rescan:
			m.sync(readCtx, run)
		case ex := <-run.exits:
			delete(run.readers, ex.key)
			m.setStatus(Status{Device: ex.key, State: StateDisconnected, Err: ex.err})
			if !m.isChosen(ex.key) {
				m.forget(ex.key)
			}
		}
	}
}

func (m *Manager) isChosen(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Contains(m.chosen, key)
}

// sync brings the open devices in line with the bus and the chosen set.
func (m *Manager) sync(ctx context.Context, run *managerRun) {
	m.mu.Lock()
	chosen := slices.Clone(m.chosen)
	m.mu.Unlock()
	for key, cancel := range run.readers {
		if !slices.Contains(chosen, key) {
			cancel()
		}
	}
	m.mu.Lock()
	for key := range m.statuses {
		if _, running := run.readers[key]; !running && !slices.Contains(chosen, key) {
			delete(m.statuses, key)
		}
	}
	m.mu.Unlock()
	infos, err := m.cfg.Bus.Enumerate()
	if err != nil {
		state := StateDisconnected
		if errors.Is(err, ErrUnsupported) {
			state = StateUnsupported
		}
		for _, key := range chosen {
			if _, running := run.readers[key]; !running {
				m.setStatus(Status{Device: key, State: state, Err: err})
			}
		}
		return
	}
	present := map[string]DeviceInfo{}
	for _, info := range infos {
		if _, dup := present[info.Key()]; !dup {
			present[info.Key()] = info
		}
	}
	for key, path := range run.notScanner {
		if info, ok := present[key]; !ok || info.Path != path {
			delete(run.notScanner, key) // replugged: worth another look
		}
	}
	for _, key := range chosen {
		if _, running := run.readers[key]; running {
			continue
		}
		info, ok := present[key]
		switch {
		case !ok:
			m.setStatus(Status{Device: key, State: StateDisconnected})
		case run.notScanner[key] == info.Path:
		default:
			m.open(ctx, run, key, info)
		}
	}
}

// open opens one scanner, chooses its decoder and starts its reader.
func (m *Manager) open(ctx context.Context, run *managerRun, key string, info DeviceInfo) {
	dev, err := m.cfg.Bus.Open(info)
	if err != nil {
		state := StateNoAccess
		if errors.Is(err, ErrUnsupported) {
			state = StateUnsupported
		}
		m.setStatus(Status{Device: key, Info: info, State: state, Err: err})
		return
	}
	raw, err := dev.ReportDescriptor()
	assumed := err != nil
	switch {
	case assumed && info.IsPOSScanner():
		raw = HIDPOSDescriptor
	case assumed:
		// A keyboard is read as the boot protocol lays it out, which is how
		// keyboards without report IDs send.
		raw = BootKeyboardDescriptor
	}
	var dec Decoder
	desc, err := ParseDescriptor(raw)
	if err == nil {
		dec, err = NewDecoder(desc, DecoderOptions{Device: key, Layout: m.cfg.Layout, IdleEnd: m.cfg.IdleEnd})
	}
	if err != nil {
		_ = dev.Close()
		run.notScanner[key] = info.Path
		m.setStatus(Status{Device: key, Info: info, State: StateNotScanner, Err: err})
		return
	}
	rctx, cancel := context.WithCancel(ctx)
	run.readers[key] = cancel
	go func() {
		err := readLoop(rctx, dev, dec, m.cfg.Now, func(s Scan) { m.Deliver(s) })
		cancel()
		_ = dev.Close()
		run.exits <- readerExit{key: key, err: err}
	}()
	m.setStatus(Status{Device: key, Info: info, State: StateConnected, Assumed: assumed})
}

// setStatus records a status and publishes it when the state changed.
func (m *Manager) setStatus(s Status) {
	s.Time = m.cfg.Now()
	m.mu.Lock()
	old, had := m.statuses[s.Device]
	if s.Info == (DeviceInfo{}) {
		s.Info = old.Info
	}
	m.statuses[s.Device] = s
	m.mu.Unlock()
	if had && old.State == s.State && old.Assumed == s.Assumed {
		return
	}
	if m.cfg.OnStatus != nil {
		m.cfg.OnStatus(s)
	}
}

func (m *Manager) forget(key string) {
	m.mu.Lock()
	delete(m.statuses, key)
	m.mu.Unlock()
}
