package devices

import (
	"time"

	"github.com/cockroachdb/errors"
)

// Decoder turns the raw input reports of one device into scans. It keeps
// state between reports (keys held, a barcode split over several reports),
// so each device needs its own.
type Decoder interface {
	// Decode consumes one input report as the device sent it, starting with
	// the report ID byte when the descriptor numbers its reports, and calls
	// emit for every scan the report completes. Reports that carry no
	// barcode data (LEDs, triggers, vendor pages) are ignored.
	Decode(raw []byte, t time.Time, emit func(Scan)) error
	// Idle is called when no report has come for a while; a decoder
	// configured to end scans on silence emits what it holds.
	Idle(t time.Time, emit func(Scan))
}

// DecoderOptions configures NewDecoder.
type DecoderOptions struct {
	Device string  // copied into every Scan
	Layout *Layout // keyboard layout set in the scanner; nil means LayoutUS
	// IdleEnd ends a keyboard scan after this long without a key, for
	// scanners configured without an Enter or Tab suffix. Zero waits for a
	// terminator.
	IdleEnd time.Duration
}

// NewDecoder chooses a decoder from what the descriptor declares: HID POS
// (usage page 0x8C Decoded Data) when present, else keyboard. A descriptor
// with neither gives ErrNotScanner.
func NewDecoder(d *Descriptor, opts DecoderOptions) (Decoder, error) {
	if pos, err := NewPOSDecoder(d, opts.Device); err == nil {
		return pos, nil
	}
	kb, err := NewKeyboardDecoder(d, opts)
	if err != nil {
		return nil, errors.Wrap(err, "choose decoder")
	}
	return kb, nil
}
