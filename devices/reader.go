package devices

import (
	"context"
	"time"
)

// readPoll is how long one ReadReport waits. It bounds how late a reader
// notices that its context ended, and how often a decoder hears Idle.
const readPoll = 100 * time.Millisecond

// maxReportLen is larger than any report a full- or high-speed HID
// interrupt endpoint delivers at once.
const maxReportLen = 1024

// readLoop reads dev until ctx ends (it then returns nil) or the device
// fails (it returns the error, which wraps ErrClosed when it was unplugged).
// A report the decoder rejects is dropped: the next one may be fine, and a
// garbage report must change nothing.
func readLoop(ctx context.Context, dev Device, dec Decoder, now func() time.Time, emit func(Scan)) error {
	buf := make([]byte, maxReportLen)
	for ctx.Err() == nil {
		n, err := dev.ReadReport(buf, readPoll)
		t := now()
		if err != nil {
			return err
		}
		if n == 0 {
			dec.Idle(t, emit)
			continue
		}
		_ = dec.Decode(buf[:n], t, emit)
	}
	return nil
}
