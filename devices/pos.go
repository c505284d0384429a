package devices

import (
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/errors"
)

// Bounds on HID POS data: the data bytes one report may carry (scanners
// send 56 or so), and a barcode assembled from continued reports.
const (
	maxPOSReportData = 4096
	maxPOSBytes      = 1 << 16
)

// posReport is where one input report keeps the parts of a Scanned Data
// report (HID Point of Sale Usage Tables, usage page 0x8C).
type posReport struct {
	id    uint8
	data  []elemRef // Decoded Data bytes
	sym   []elemRef // Symbology Identifier 1-3
	count *elemRef  // Byte Count (Generic Desktop 0x3B): how many data bytes are valid
	cont  *elemRef  // Decode Data Continued: more reports follow
}

// POSDecoder decodes HID POS barcode scanner reports, which carry a whole
// barcode (or a part of a long one) and its AIM symbology identifier in one
// report.
type POSDecoder struct {
	device  string
	desc    *Descriptor
	reports []posReport
	buf     []byte
	sym     string
}

var _ Decoder = (*POSDecoder)(nil)

// NewPOSDecoder finds the Scanned Data fields of every input report in d. It
// fails with ErrNotScanner when no report has Decoded Data.
func NewPOSDecoder(d *Descriptor, device string) (*POSDecoder, error) {
	p := &POSDecoder{device: device, desc: d}
	for ri := range d.Reports {
		r := &d.Reports[ri]
		if r.Kind != Input {
			continue
		}
		pr := posReport{id: r.ID}
		var sym [3][]elemRef
		for fi := range r.Fields {
			f := &r.Fields[fi]
			if f.Constant() || !f.Variable() || f.Size > 8 {
				continue
			}
			f.eachUsage(func(i int, u Usage) bool {
				e := elemRef{f: f, i: i}
				switch u {
				case UsageDecodedData:
					if len(pr.data) < maxPOSReportData {
						pr.data = append(pr.data, e)
					}
				case UsageSymbologyID1, UsageSymbologyID2, UsageSymbologyID3:
					if n := u - UsageSymbologyID1; len(sym[n]) == 0 {
						sym[n] = append(sym[n], e)
					}
				case UsageByteCount:
					if pr.count == nil {
						pr.count = &e
					}
				case UsageDecodeDataContinued:
					if pr.cont == nil {
						pr.cont = &e
					}
				}
				return true
			})
		}
		if len(pr.data) == 0 {
			continue
		}
		pr.sym = append(append(sym[0], sym[1]...), sym[2]...)
		p.reports = append(p.reports, pr)
	}
	if len(p.reports) == 0 {
		return nil, errors.Wrap(ErrNotScanner, "no HID POS decoded data field")
	}
	return p, nil
}

// Decode implements Decoder.
func (p *POSDecoder) Decode(raw []byte, t time.Time, emit func(Scan)) error {
	rep, data, err := p.desc.SplitInput(raw)
	if err != nil {
		return err
	}
	var pr *posReport
	for i := range p.reports {
		if p.reports[i].id == rep.ID {
			pr = &p.reports[i]
		}
	}
	if pr == nil {
		return nil
	}
	if len(data) < rep.DataLen() {
		return errors.Wrapf(ErrBadReport, "barcode report of %d bytes, want %d", len(data), rep.DataLen())
	}
	n := len(pr.data)
	if pr.count != nil {
		if c := pr.count.get(data); int(c) < n {
			n = int(c)
		}
	}
	start := len(p.buf)
	for _, e := range pr.data[:n] {
		p.buf = append(p.buf, byte(e.get(data)))
	}
	if pr.count == nil { // without a count, the data is padded with NULs
		for len(p.buf) > start && p.buf[len(p.buf)-1] == 0 {
			p.buf = p.buf[:len(p.buf)-1]
		}
	}
	if p.sym == "" {
		var aim [3]byte
		k := 0
		for _, e := range pr.sym {
			if v := e.get(data); v != 0 && k < len(aim) {
				aim[k] = byte(v)
				k++
			}
		}
		p.sym = SymbologyFromAIM(string(aim[:k]))
	}
	if len(p.buf) > maxPOSBytes {
		p.reset()
		return errors.Wrap(ErrBadReport, "barcode continued past limit")
	}
	if pr.cont != nil {
		if pr.cont.get(data) != 0 {
			return nil
		}
	}
	if len(p.buf) > 0 {
		emit(Scan{Device: p.device, Text: latin1OrUTF8(p.buf), Symbology: p.sym, Time: t})
	}
	p.reset()
	return nil
}

// Idle implements Decoder; HID POS scans always end with their last report.
func (p *POSDecoder) Idle(time.Time, func(Scan)) {}

func (p *POSDecoder) reset() {
	p.buf = p.buf[:0]
	p.sym = ""
}

// latin1OrUTF8 reads barcode bytes as UTF-8 when they are valid UTF-8 (2D
// codes often hold it) and as ISO 8859-1 otherwise.
func latin1OrUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// HIDPOSDescriptor is the report descriptor of the common HID POS scanner
// layout, written for Circa after the Scanned Data Report of the HID Point of
// Sale Usage Tables as widespread scanners send it: report ID 2, a byte
// count, a three-byte AIM symbology identifier, 56 data bytes, two vendor
// bytes and a "decode data continued" flag. The simulated HID POS scanner
// uses it, and Manager assumes it for a HID POS scanner whose own
// descriptor cannot be read (Status.Assumed).
var HIDPOSDescriptor = []byte{
	0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, // Bar Code Scanner page, Bar Code Scanner, Application
	0x09, 0x12, 0xA1, 0x02, //   Scanned Data Report, Logical
	0x85, 0x02, //     Report ID 2
	0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08, //     0-255, 8 bits
	0x95, 0x01, 0x05, 0x01, 0x09, 0x3B, 0x81, 0x02, //     Byte Count
	0x05, 0x8C, 0x95, 0x03, 0x09, 0xFB, 0x09, 0xFC, 0x09, 0xFD, 0x81, 0x02, //     Symbology Identifier 1-3
	0x95, 0x38, 0x09, 0xFE, 0x82, 0x02, 0x01, //     56 × Decoded Data, Buffered Bytes
	0x06, 0x66, 0xFF, 0x95, 0x02, 0x09, 0x04, 0x09, 0x00, 0x81, 0x02, //     vendor bytes
	0x05, 0x8C, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x09, 0xFF, 0x81, 0x02, //     Decode Data Continued
	0xC0, 0xC0,
}
