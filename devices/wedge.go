package devices

import (
	"slices"
	"sync"
	"time"
)

// Key is one keystroke as the UI's keyboard hooks report it: a typed
// character (Rune) or a named key (Name, in Fyne's spelling such as "Return",
// "KP_Enter", "Tab", "BackSpace").
type Key struct {
	Rune rune
	Name string
}

// WedgeConfig configures a Wedge. Zero fields take the defaults.
type WedgeConfig struct {
	// Device is the Scan.Device of wedge scans. Default "keyboard".
	Device string
	// MaxGap is the longest pause between two keys of one scan. Scanners
	// send a key every 1-15 ms; people, even fast typists, rarely manage
	// four keys in a row under 50 ms. Default 35 ms.
	MaxGap time.Duration
	// MinLength is the fewest characters a scan has. Default 4.
	MinLength int
	// Terminators are the key names that end a scan. Default "Return",
	// "KP_Enter", "Enter" and "Tab"; the runes '\n', '\r' and '\t' always
	// count.
	Terminators []string
	// IdleEnd accepts a burst that stops without a terminator as a scan,
	// for scanners configured without a suffix.
	IdleEnd bool
	// OnScan receives each scan. It is called on the goroutine that called
	// FeedRune, FeedKey or Flush, after the Wedge has released its lock.
	OnScan func(Scan)
	// OnRelease receives keystrokes that were held back and turned out to
	// be typing: the UI replays them, in order, to the focused widget. Same
	// goroutine rule as OnScan.
	OnRelease func([]Key)
}

// maxWedgeHold bounds the keys held back; a longer burst is released.
const maxWedgeHold = 512

// Wedge recognises scans among keystrokes by their timing. Every character
// is held back until the Wedge knows whether it starts a scan: a burst of at
// least MinLength characters, each within MaxGap of the one before, ended by
// a terminator, is a scan and is swallowed; anything else is given back
// through OnRelease. Human typing therefore reaches the widget at most MaxGap
// late.
//
// The UI calls FeedRune and FeedKey from its keyboard hooks and swallows a
// keystroke when they return true; it calls Flush when Deadline passes (a
// timer), so that the last keys typed by a person are not held for ever.
// Time comes only from the arguments. A Wedge is safe for concurrent use.
type Wedge struct {
	cfg     WedgeConfig
	mu      sync.Mutex
	pending []Key
	times   []time.Time
}

// NewWedge returns a Wedge with cfg's zero fields set to the defaults.
func NewWedge(cfg WedgeConfig) *Wedge {
	if cfg.Device == "" {
		cfg.Device = "keyboard"
	}
	if cfg.MaxGap <= 0 {
		cfg.MaxGap = 35 * time.Millisecond
	}
	if cfg.MinLength <= 0 {
		cfg.MinLength = 4
	}
	if cfg.Terminators == nil {
		cfg.Terminators = []string{"Return", "KP_Enter", "Enter", "Tab"}
	}
	return &Wedge{cfg: cfg}
}

// outcome is what a call decided, delivered after the lock is released.
type outcome struct {
	release []Key
	scan    *Scan
}

func (w *Wedge) deliver(o outcome) {
	if len(o.release) > 0 && w.cfg.OnRelease != nil {
		w.cfg.OnRelease(o.release)
	}
	if o.scan != nil && w.cfg.OnScan != nil {
		w.cfg.OnScan(*o.scan)
	}
}

// FeedRune offers a typed character. It returns true when the UI must not
// pass it on now: it is held back (and later released or found to be part
// of a scan).
func (w *Wedge) FeedRune(r rune, t time.Time) (swallow bool) {
	if r == '\n' || r == '\r' || r == '\t' {
		return w.feed(Key{Rune: r}, true, t)
	}
	return w.feed(Key{Rune: r}, false, t)
}

// FeedKey offers a named key. Terminators end a scan and are swallowed with
// it; any other named key (arrows, BackSpace) first releases what is held
// and then passes.
func (w *Wedge) FeedKey(name string, t time.Time) (swallow bool) {
	return w.feed(Key{Name: name}, slices.Contains(w.cfg.Terminators, name), t)
}

func (w *Wedge) feed(k Key, terminator bool, t time.Time) bool {
	var o outcome
	swallow := w.decide(k, terminator, t, &o)
	w.deliver(o)
	return swallow
}

func (w *Wedge) decide(k Key, terminator bool, t time.Time, o *outcome) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n := len(w.times); n > 0 && t.Sub(w.times[n-1]) > w.cfg.MaxGap {
		w.endBurst(w.times[n-1], o)
	}
	switch {
	case terminator:
		if len(w.pending) >= w.cfg.MinLength {
			o.scan = w.takeScan(t)
			return true
		}
		o.release = append(o.release, w.take()...)
		return false
	case k.Name != "":
		o.release = append(o.release, w.take()...)
		return false
	}
	if len(w.pending) >= maxWedgeHold {
		o.release = append(o.release, w.take()...)
	}
	w.pending = append(w.pending, k)
	w.times = append(w.times, t)
	return true
}

// endBurst settles held keys after a pause: a scan when IdleEnd allows
// one, otherwise typing to give back.
func (w *Wedge) endBurst(last time.Time, o *outcome) {
	if w.cfg.IdleEnd && len(w.pending) >= w.cfg.MinLength {
		o.scan = w.takeScan(last)
		return
	}
	o.release = append(o.release, w.take()...)
}

func (w *Wedge) take() []Key {
	out := w.pending
	w.pending, w.times = nil, w.times[:0]
	return out
}

func (w *Wedge) takeScan(t time.Time) *Scan {
	text := make([]rune, len(w.pending))
	for i, k := range w.pending {
		text[i] = k.Rune
	}
	w.pending, w.times = w.pending[:0], w.times[:0]
	return &Scan{Device: w.cfg.Device, Text: string(text), Time: t}
}

// Flush settles held keys whose burst has ended by now: they are released
// (or, with IdleEnd, become a scan). The UI calls it when Deadline passes.
func (w *Wedge) Flush(now time.Time) {
	var o outcome
	w.mu.Lock()
	if n := len(w.times); n > 0 && now.Sub(w.times[n-1]) > w.cfg.MaxGap {
		w.endBurst(w.times[n-1], &o)
	}
	w.mu.Unlock()
	w.deliver(o)
}

// Deadline returns when Flush should next be called, and false when nothing
// is held.
func (w *Wedge) Deadline() (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(w.times)
	if n == 0 {
		return time.Time{}, false
	}
	return w.times[n-1].Add(w.cfg.MaxGap + time.Millisecond), true
}
