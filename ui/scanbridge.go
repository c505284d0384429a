package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"github.com/circa-library/circa/devices"
)

// scanKind is what a scanned code turned out to be.
type scanKind int

const (
	scanUnknown scanKind = iota
	scanReader
	scanCopy
	scanISBN
	// scanBadCheck: a rule matched all but the check digit (a misread).
	scanBadCheck
)

// classify says what a scanned code is, and gives the code in the form the
// library stores. Exact matches in the library come first — a reader card,
// then a copy barcode — then this station's barcode rules (ISBNs, and the
// copy and card numbering staff set up), which may rewrite the code.
func (d *desk) classify(code string) (scanKind, string) {
	if _, err := d.lib.ReaderByCard(code); err == nil {
		return scanReader, code
	}
	if _, err := d.lib.CopyByBarcode(code); err == nil {
		return scanCopy, code
	}
	res := d.scanRules().Classify(code)
	switch res.Kind {
	case devices.KindReader:
		return scanReader, res.Code
	case devices.KindCopy:
		return scanCopy, res.Code
	case devices.KindISBN:
		return scanISBN, res.Code
	}
	if res.Problem == devices.ProblemChecksum {
		return scanBadCheck, string(res.Near)
	}
	return scanUnknown, code
}

// scanRules are the station's barcode rules (ScannerSettings.Rules in the
// data folder), or the default (ISBNs only) when none are set or the stored
// ones do not parse.
func (d *desk) scanRules() devices.Rules {
	if d.cfg.DataDir != "" {
		if raw := LoadScannerSettings(d.cfg.DataDir).Rules; len(raw) > 0 {
			if rs, err := devices.ParseRules(raw); err == nil {
				return rs
			}
		}
	}
	return devices.DefaultRules()
}

// scanBridge feeds keystrokes to the keyboard-wedge detector wherever they
// land — the focused entry or the bare canvas — and routes what it
// recognises as a scan to the desk, giving human typing back to the widget
// it was meant for.
type scanBridge struct {
	d     *desk
	wedge *devices.Wedge
	now   func() time.Time
	timer *time.Timer
	// manual: no timer; the caller flushes (tests).
	manual bool
	// target receives released keystrokes: the entry they were typed
	// into, or nil for the canvas.
	target *deskEntry
}

func newScanBridge(d *desk, opts deskOptions) *scanBridge {
	b := &scanBridge{d: d, now: opts.now, manual: opts.manualFlush}
	if b.now == nil {
		b.now = time.Now
	}
	if opts.wedge {
		cfg := devices.WedgeConfig{}
		if d.cfg.DataDir != "" {
			cfg = ScannerWedgeConfig(d.cfg.DataDir) // the thresholds set on the scanner screen
		}
		cfg.OnScan = func(s devices.Scan) { d.handleScan(s.Text) }
		cfg.OnRelease = b.release
		b.wedge = devices.NewWedge(cfg)
	}
	return b
}

// hookCanvas catches typing when no widget has focus. Typed text goes to the
// circulation scan entry, as if it had focus.
func (b *scanBridge) hookCanvas(c fyne.Canvas) {
	c.SetOnTypedRune(func(r rune) {
		if b.feedRune(r, nil) {
			return
		}
		b.release([]devices.Key{{Rune: r}})
	})
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if b.feedKey(k) {
			return
		}
		if b.d.onKey(k) {
			return
		}
		if e := b.d.typingTarget(); e != nil {
			b.d.win.Canvas().Focus(e)
			e.Entry.TypedKey(k)
		}
	})
}

// FeedRunes is the integration point for keystrokes that arrive with their
// own timestamps (a recorded session, a platform hook): each rune is offered
// to the wedge at its time, exactly as the keyboard hooks do.
func (b *scanBridge) FeedRunes(runes []rune, times []time.Time) {
	for i, r := range runes {
		b.feedRuneAt(r, nil, times[i])
	}
}

// feedRune offers a character; true means the bridge holds it.
func (b *scanBridge) feedRune(r rune, from *deskEntry) bool {
	return b.feedRuneAt(r, from, b.now())
}

func (b *scanBridge) feedRuneAt(r rune, from *deskEntry, t time.Time) bool {
	if b.wedge == nil {
		return false
	}
	if from != b.target {
		b.wedge.Flush(t.Add(time.Hour)) // give back what was typed elsewhere
		b.target = from
	}
	swallow := b.wedge.FeedRune(r, t)
	b.schedule()
	return swallow
}

// feedKey offers a named key; true means it ended a scan and is used up.
func (b *scanBridge) feedKey(k *fyne.KeyEvent) bool {
	if b.wedge == nil {
		return false
	}
	swallow := b.wedge.FeedKey(string(k.Name), b.now())
	b.schedule()
	return swallow
}

// schedule arranges a Flush when the held keys' burst can no longer grow.
func (b *scanBridge) schedule() {
	when, ok := b.wedge.Deadline()
	if !ok || b.manual {
		return
	}
	wait := when.Sub(b.now())
	if wait < 0 {
		wait = 0
	}
	if b.timer != nil {
		b.timer.Stop()
	}
	b.timer = time.AfterFunc(wait, func() { fyne.Do(b.flush) })
}

// flush gives back keys whose burst has ended.
func (b *scanBridge) flush() {
	if b.wedge != nil {
		b.wedge.Flush(b.now())
	}
}

// release types held-back keystrokes into the widget they were meant for.
func (b *scanBridge) release(keys []devices.Key) {
	target := b.target
	if target == nil {
		target = b.d.typingTarget()
		if target != nil {
			b.d.win.Canvas().Focus(target)
		}
	}
	if target == nil {
		return
	}
	for _, k := range keys {
		if k.Rune != 0 {
			target.Entry.TypedRune(k.Rune)
		}
	}
}

// typingTarget is the entry that typing with no focus belongs to.
func (d *desk) typingTarget() *deskEntry {
	if d.mode != "main" || d.modal != nil {
		return nil
	}
	switch d.screen {
	case ScreenCirculation:
		return d.circ.scan
	case ScreenReaders:
		return d.readers.query
	case ScreenCatalogue:
		return d.cat.query
	}
	return nil
}
