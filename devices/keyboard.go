package devices

import (
	"time"

	"github.com/cockroachdb/errors"
)

// maxScanRunes bounds the text a decoder gathers without a terminator, so a
// key stuck down or a garbage stream cannot grow memory without end.
const maxScanRunes = 4096

// keyElem is one element of a variable (bitmap) field on the keyboard page.
type keyElem struct {
	elemRef
	usage uint16
}

// kbReport is where one input report keeps its keys.
type kbReport struct {
	id      uint8
	mods    []keyElem // modifier bits (usages 0xE0-0xE7)
	bitmaps []keyElem // other keys sent as one bit each (n-key rollover)
	arrays  []*Field  // key arrays, as boot keyboards send
}

// keySet is a set of keyboard usages.
type keySet [4]uint64

func (s *keySet) add(u uint16)      { s[u>>6&3] |= 1 << (u & 63) }
func (s *keySet) has(u uint16) bool { return s[u>>6&3]&(1<<(u&63)) != 0 }

// KeyboardDecoder decodes keyboard input reports, as a scanner in keyboard
// mode sends them, into text: a key pressed in one report and not held in
// the previous one types its character; Enter or Tab ends the scan.
type KeyboardDecoder struct {
	opts    DecoderOptions
	desc    *Descriptor
	reports []kbReport
	held    keySet
	keys    []uint16 // scratch for one report's keys
	text    []rune
	lastKey time.Time
}

var _ Decoder = (*KeyboardDecoder)(nil)

// NewKeyboardDecoder finds the keyboard fields of every input report in d.
// It fails with ErrNotScanner when there are none.
func NewKeyboardDecoder(d *Descriptor, opts DecoderOptions) (*KeyboardDecoder, error) {
	if opts.Layout == nil {
		opts.Layout = LayoutUS
	}
	k := &KeyboardDecoder{opts: opts, desc: d}
	for ri := range d.Reports {
		r := &d.Reports[ri]
		if r.Kind != Input {
			continue
		}
		kr := kbReport{id: r.ID}
		var seen keySet
		for fi := range r.Fields {
			f := &r.Fields[fi]
			if f.Constant() {
				continue
			}
			if !f.Variable() {
				if hasPage(f, PageKeyboard) {
					kr.arrays = append(kr.arrays, f)
				}
				continue
			}
			f.eachUsage(func(i int, u Usage) bool {
				if u.Page() != PageKeyboard || u.ID() == 0 || u.ID() > 0xFF || seen.has(u.ID()) {
					return true // a key repeated in a later element adds nothing
				}
				seen.add(u.ID())
				e := keyElem{elemRef{f, i}, u.ID()}
				if isModifier(e.usage) {
					kr.mods = append(kr.mods, e)
				} else {
					kr.bitmaps = append(kr.bitmaps, e)
				}
				return true
			})
		}
		if len(kr.arrays)+len(kr.bitmaps) > 0 {
			k.reports = append(k.reports, kr)
		}
	}
	if len(k.reports) == 0 {
		return nil, errors.Wrap(ErrNotScanner, "no keyboard input fields")
	}
	return k, nil
}

func hasPage(f *Field, page uint16) bool {
	for _, r := range f.Usages {
		if r.Min.Page() == page || r.Max.Page() == page {
			return true
		}
	}
	return false
}

func isModifier(u uint16) bool { return u >= 0xE0 && u <= 0xE7 }

// Pressed returns the modifiers and the keys held in one raw input report, in
// report order. ok is false for a report without keyboard fields and for a
// phantom (ErrorRollOver) report, which says nothing about the keys.
func (k *KeyboardDecoder) Pressed(raw []byte) (mods Modifiers, keys []uint16, ok bool, err error) {
	mods, keys, ok, err = k.read(raw)
	return mods, append([]uint16(nil), keys...), ok, err
}

func (k *KeyboardDecoder) read(raw []byte) (Modifiers, []uint16, bool, error) {
	rep, data, err := k.desc.SplitInput(raw)
	if err != nil {
		return 0, nil, false, err
	}
	var kr *kbReport
	for i := range k.reports {
		if k.reports[i].id == rep.ID {
			kr = &k.reports[i]
		}
	}
	if kr == nil {
		return 0, nil, false, nil
	}
	if len(data) < rep.DataLen() {
		return 0, nil, false, errors.Wrapf(ErrBadReport, "keyboard report of %d bytes, want %d", len(data), rep.DataLen())
	}
	var mods Modifiers
	keys := k.keys[:0]
	for _, e := range kr.mods {
		if e.get(data) != 0 {
			mods |= 1 << (e.usage - 0xE0)
		}
	}
	for _, e := range kr.bitmaps {
		if e.get(data) != 0 {
			keys = append(keys, e.usage)
		}
	}
	rollover := false
	for _, f := range kr.arrays {
		for i := 0; i < f.Count; i++ {
			v, ok := f.Value(data, i)
			if !ok || v < int64(f.LogicalMin) || v > int64(f.LogicalMax) {
				continue
			}
			u, ok := f.UsageAt(int(v - int64(f.LogicalMin)))
			if !ok || u.Page() != PageKeyboard {
				continue
			}
			switch id := u.ID(); {
			case id == 0 || id > 0xFF:
			case id == keyErrRollOver:
				rollover = true
			case isModifier(id):
				mods |= 1 << (id - 0xE0)
			default:
				keys = append(keys, id)
			}
		}
	}
	k.keys = keys
	return mods, keys, !rollover, nil
}

// Decode implements Decoder.
func (k *KeyboardDecoder) Decode(raw []byte, t time.Time, emit func(Scan)) error {
	mods, keys, ok, err := k.read(raw)
	if err != nil || !ok {
		return err
	}
	var now keySet
	for _, u := range keys {
		now.add(u)
		if k.held.has(u) {
			continue
		}
		k.lastKey = t
		switch u {
		case KeyEnter, KeypadEnter, KeyTab:
			k.finish(t, emit)
		default:
			if r, ok := k.opts.Layout.Rune(u, mods); ok {
				if len(k.text) >= maxScanRunes {
					k.text = k.text[:0]
				}
				k.text = append(k.text, r)
			}
		}
	}
	k.held = now
	return nil
}

// Idle implements Decoder: with IdleEnd set, text left without a terminator
// for that long becomes a scan.
func (k *KeyboardDecoder) Idle(t time.Time, emit func(Scan)) {
	if k.opts.IdleEnd > 0 && len(k.text) > 0 && t.Sub(k.lastKey) >= k.opts.IdleEnd {
		k.finish(k.lastKey, emit)
	}
}

func (k *KeyboardDecoder) finish(t time.Time, emit func(Scan)) {
	if len(k.text) == 0 {
		return
	}
	emit(Scan{Device: k.opts.Device, Text: string(k.text), Time: t})
	k.text = k.text[:0]
}

// BootKeyboardDescriptor is the report descriptor of the keyboard boot
// protocol (HID 1.11, Appendix B.1 and E.6): a modifier byte, a reserved
// byte and six key slots. Manager uses it only when a keyboard's own
// descriptor cannot be read (macOS and Windows through karalabe/hid);
// Status.Assumed then says so.
var BootKeyboardDescriptor = []byte{
	0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, // Generic Desktop, Keyboard, Application
	0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01, // modifiers E0-E7
	0x75, 0x01, 0x95, 0x08, 0x81, 0x02, // 8 × 1 bit, Data Var Abs
	0x95, 0x01, 0x75, 0x08, 0x81, 0x01, // reserved byte
	0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, // 5 LEDs
	0x95, 0x01, 0x75, 0x03, 0x91, 0x01, // LED padding
	0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, // 6 keys, 0-101
	0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, // Data Array Abs
	0xC0,
}
