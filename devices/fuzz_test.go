package devices

import (
	"os"
	"testing"
)

// seedDescriptors returns the shared real descriptors plus the two written
// here, as fuzz seeds.
func seedDescriptors(f *testing.F) [][]byte {
	out := [][]byte{BootKeyboardDescriptor, HIDPOSDescriptor}
	if _, err := os.Stat(hidDataDir); err != nil {
		return out
	}
	for _, sd := range sharedDescriptors {
		out = append(out, loadDescriptor(f, sd.file))
	}
	return out
}

func FuzzParseDescriptor(f *testing.F) {
	for _, d := range seedDescriptors(f) {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := ParseDescriptor(raw)
		if err != nil {
			return
		}
		for _, r := range d.Reports {
			data := make([]byte, r.DataLen())
			for i := range r.Fields {
				fl := &r.Fields[i]
				if fl.BitOffset+fl.Size*fl.Count > r.Bits {
					t.Fatalf("field past the end of its report: %+v in %d bits", fl, r.Bits)
				}
				fl.UsageAt(0)
				fl.UsageAt(fl.Count - 1)
				fl.Value(data, fl.Count-1)
			}
		}
		if dec, err := NewDecoder(d, DecoderOptions{}); err == nil {
			for _, r := range d.Reports {
				if r.Kind != Input {
					continue
				}
				raw := make([]byte, r.DataLen())
				if d.Numbered {
					raw = append([]byte{r.ID}, raw...)
				}
				_ = dec.Decode(raw, t0, func(Scan) {})
			}
		}
	})
}

func FuzzDecodeReport(f *testing.F) {
	descs := seedDescriptors(f)
	for _, d := range descs {
		f.Add(d, []byte{0x02, 0, 0x17, 0, 0, 0, 0, 0})
		f.Add(d, []byte{0, 0, 0x28, 0, 0, 0, 0, 0})
		f.Add(d, []byte{0, 0, 1, 1, 1, 1, 1, 1})
	}
	if _, err := os.Stat(hidDataDir); err == nil {
		rec := parseRecording(f, mustFile(f, "linux-input__apple_keyboard_05ac_0250_hidraw4.hid"))
		for _, e := range rec.events {
			f.Add(rec.descriptor, e.report)
		}
	}
	pos, _ := ParseDescriptor(HIDPOSDescriptor)
	reports, _ := POSReports(pos, "9780306406157", "]E0")
	long, _ := POSReports(pos, string(make([]byte, 100)), "]Q1")
	for _, r := range append(reports, long...) {
		f.Add(HIDPOSDescriptor, r)
	}
	f.Fuzz(func(t *testing.T, rawDesc, report []byte) {
		d, err := ParseDescriptor(rawDesc)
		if err != nil {
			return
		}
		dec, err := NewDecoder(d, DecoderOptions{IdleEnd: 1})
		if err != nil {
			return
		}
		emit := func(s Scan) {
			if s.Text == "" {
				t.Fatal("empty scan")
			}
		}
		// Twice, so a report that repeats (a held key, a continued
		// barcode) is exercised too.
		_ = dec.Decode(report, t0, emit)
		_ = dec.Decode(report, t0, emit)
		dec.Idle(t0.Add(1e9), emit)
		if k, ok := dec.(*KeyboardDecoder); ok {
			_, _, _, _ = k.Pressed(report)
		}
	})
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"9780306406157", "080442957X", "T000123", "000123", "R42", "29000000000007", "978-0-306-40615-7", "978030640615751299"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := exampleRules.Classify(s)
		if r.Kind == KindISBN && !validEAN13(r.Code) {
			t.Fatalf("ISBN %q from %q fails its check digit", r.Code, s)
		}
	})
}
