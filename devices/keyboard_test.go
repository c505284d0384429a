package devices

import (
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/errors"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func mustDescriptor(t testing.TB, raw []byte) *Descriptor {
	t.Helper()
	d, err := ParseDescriptor(raw)
	if err != nil {
		t.Fatalf("ParseDescriptor: %v", err)
	}
	return d
}

// decodeAll feeds reports one millisecond apart and collects the scan texts.
func decodeAll(t testing.TB, dec Decoder, reports [][]byte) []string {
	t.Helper()
	var got []string
	for i, r := range reports {
		if err := dec.Decode(r, t0.Add(time.Duration(i)*time.Millisecond), func(s Scan) { got = append(got, s.Text) }); err != nil {
			t.Fatalf("report %d (% x): %v", i, r, err)
		}
	}
	return got
}

func TestAppleRecording(t *testing.T) {
	// The A1243 recording holds Fn presses (vendor byte 0xFF:03 at the end)
	// and F11 presses (usage 0x44 in the key array), alone and together.
	raw := loadDescriptor(t, "linux-input__apple_keyboard_05ac_0250_hidraw4.hid")
	rec := parseRecording(t, mustFile(t, "linux-input__apple_keyboard_05ac_0250_hidraw4.hid"))
	if len(rec.events) != 24 {
		t.Fatalf("%d events, want 24", len(rec.events))
	}
	d := mustDescriptor(t, raw)
	k, err := NewKeyboardDecoder(d, DecoderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var fn *Field
	for i, f := range d.Report(Input, 0).Fields {
		if f.Has(MakeUsage(0xFF, 3)) {
			fn = &d.Report(Input, 0).Fields[i]
		}
	}
	if fn == nil {
		t.Fatal("no vendor Fn field")
	}
	var f11Presses, fnHeld int
	var prevF11 bool
	for i, ev := range rec.events {
		mods, keys, ok, err := k.Pressed(ev.report)
		if err != nil || !ok {
			t.Fatalf("event %d: ok=%v err=%v", i, ok, err)
		}
		var want []uint16
		if ev.report[2] == 0x44 {
			want = []uint16{0x44} // F11
		}
		if diff := cmp.Diff(want, keys, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("event %d keys (-want +got):\n%s", i, diff)
		}
		if mods != 0 {
			t.Errorf("event %d modifiers = %08b, want none", i, mods)
		}
		v, ok := fn.Value(ev.report, 0)
		if !ok || v != int64(ev.report[7]) {
			t.Errorf("event %d Fn = %d, %v; want %d", i, v, ok, ev.report[7])
		}
		fnHeld += int(v)
		f11 := len(keys) == 1
		if f11 && !prevF11 {
			f11Presses++
		}
		prevF11 = f11
	}
	if f11Presses != 7 || fnHeld != 13 {
		t.Errorf("F11 pressed %d times with Fn held in %d reports; the recording has 7 and 13", f11Presses, fnHeld)
	}
	// F11 types nothing: decoding the whole recording gives no scan.
	if got := decodeAll(t, k, eventsOf(rec)); len(got) != 0 {
		t.Errorf("scans %q, want none", got)
	}
}

func mustFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := readShared(t, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func eventsOf(rec recording) [][]byte {
	out := make([][]byte, len(rec.events))
	for i, e := range rec.events {
		out[i] = e.report
	}
	return out
}

func TestKeyboardDecodeHandmadeReports(t *testing.T) {
	// Reports written out by hand for the Datalogic GD4400 descriptor, so
	// the decoder is not only checked against its own encoder.
	d := mustDescriptor(t, loadDescriptor(t, "datalogic_gryphon_gd4400__report_descriptor.bin"))
	r := func(mod, key byte) []byte { return []byte{mod, 0, key, 0, 0, 0, 0, 0} }
	up := r(0, 0)
	tests := []struct {
		name    string
		layout  *Layout
		reports [][]byte
		want    []string
	}{
		{"letters digits shift enter", LayoutUS,
			[][]byte{r(0x02, 0x17), up, r(0, 0x27), up, r(0, 0x27), up, r(0, 0x1E), up, r(0x20, 0x1F), up, r(0, 0x28), up},
			[]string{"T001@"}},
		{"tab ends a scan", LayoutUS,
			[][]byte{r(0, 0x1E), up, r(0, 0x2B), up, r(0, 0x1F), up, r(0, 0x58), up},
			[]string{"1", "2"}},
		{"held key types once", LayoutUS,
			[][]byte{r(0, 0x04), r(0, 0x04), r(0, 0x04), up, r(0, 0x28), up},
			[]string{"a"}},
		{"rollover report is ignored", LayoutUS,
			[][]byte{r(0, 0x04), {0, 0, 1, 1, 1, 1, 1, 1}, up, r(0, 0x28), up},
			[]string{"a"}},
		{"enter alone is no scan", LayoutUS,
			[][]byte{r(0, 0x28), up},
			nil},
		{"control keys type nothing", LayoutUS,
			[][]byte{r(0x01, 0x04), up, r(0, 0x05), up, r(0, 0x28), up},
			[]string{"b"}},
		{"german qwertz", LayoutGerman,
			[][]byte{r(0, 0x1C), up, r(0x02, 0x1F), up, r(0x40, 0x14), up, r(0, 0x38), up, r(0x02, 0x24), up, r(0, 0x28), up},
			[]string{`z"@-/`}},
		{"french azerty digits need shift", LayoutFrench,
			[][]byte{r(0, 0x04), r(0x02, 0x1E), up, r(0x02, 0x27), up, r(0, 0x1E), up, r(0, 0x10), up, r(0, 0x28), up},
			[]string{"q10&,"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := NewKeyboardDecoder(d, DecoderOptions{Layout: tt.layout})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, decodeAll(t, k, tt.reports)); diff != "" {
				t.Errorf("scans (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeyboardRoundTripSharedDescriptors(t *testing.T) {
	// Every real keyboard descriptor, every layout: what the simulated
	// scanner types is what the decoder reads.
	texts := []string{"T000123", "9780306406157", "Ab-12.x/Z", "R 2026 07"}
	for _, sd := range sharedDescriptors {
		for _, l := range []*Layout{LayoutUS, LayoutGerman, LayoutFrench} {
			t.Run(sd.file+"/"+l.Name(), func(t *testing.T) {
				d := mustDescriptor(t, loadDescriptor(t, sd.file))
				k, err := NewKeyboardDecoder(d, DecoderOptions{Layout: l, Device: "dev"})
				if err != nil {
					t.Fatal(err)
				}
				for _, text := range texts {
					reports, err := KeyboardReports(d, l, text, KeyEnter)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff([]string{text}, decodeAll(t, k, reports)); diff != "" {
						t.Errorf("%q (-want +got):\n%s", text, diff)
					}
				}
			})
		}
	}
}

func TestKeyboardWrongLayoutMisreads(t *testing.T) {
	// A scanner set to German but read as US swaps Y and Z: the reason the
	// layout is a setting.
	d := mustDescriptor(t, BootKeyboardDescriptor)
	reports, err := KeyboardReports(d, LayoutGerman, "zy", KeyEnter)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := NewKeyboardDecoder(d, DecoderOptions{Layout: LayoutUS})
	if diff := cmp.Diff([]string{"yz"}, decodeAll(t, k, reports)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLayoutRune(t *testing.T) {
	tests := []struct {
		layout *Layout
		usage  uint16
		mods   Modifiers
		want   rune
	}{
		{LayoutUS, 0x04, 0, 'a'},
		{LayoutUS, 0x04, ModRightShift, 'A'},
		{LayoutUS, 0x1F, ModLeftShift, '@'},
		{LayoutUS, 0x38, ModLeftShift, '?'},
		{LayoutUS, 0x62, 0, '0'},
		{LayoutUS, 0x04, ModLeftCtrl, 0},
		{LayoutUS, 0x04, ModLeftGUI, 0},
		{LayoutGerman, 0x1C, 0, 'z'},
		{LayoutGerman, 0x1D, ModLeftShift, 'Y'},
		{LayoutGerman, 0x2D, 0, 'ß'},
		{LayoutGerman, 0x14, ModRightAlt, '@'},
		{LayoutGerman, 0x14, ModLeftCtrl | ModLeftAlt, '@'},
		{LayoutGerman, 0x2E, 0, 0}, // dead key
		{LayoutFrench, 0x14, 0, 'a'},
		{LayoutFrench, 0x1F, 0, 'é'},
		{LayoutFrench, 0x1F, ModLeftShift, '2'},
		{LayoutFrench, 0x27, ModRightAlt, '@'},
		{LayoutFrench, 0x33, 0, 'm'},
	}
	for _, tt := range tests {
		t.Run(tt.layout.Name()+"/"+string(rune('0'+tt.usage%10)), func(t *testing.T) {
			got, ok := tt.layout.Rune(tt.usage, tt.mods)
			if got != tt.want || ok != (tt.want != 0) {
				t.Errorf("Rune(%#x, %08b) = %q, %v; want %q", tt.usage, tt.mods, got, ok, tt.want)
			}
		})
	}
	if got := strings.Join(LayoutNames(), ","); got != "de,fr,us" {
		t.Errorf("LayoutNames = %s", got)
	}
	if l, ok := LayoutByName("fr"); !ok || l != LayoutFrench {
		t.Error(`LayoutByName("fr") failed`)
	}
}

func TestKeyboardIdleEnd(t *testing.T) {
	d := mustDescriptor(t, BootKeyboardDescriptor)
	k, _ := NewKeyboardDecoder(d, DecoderOptions{IdleEnd: 50 * time.Millisecond})
	reports, _ := KeyboardReports(d, LayoutUS, "123", 0)
	if got := decodeAll(t, k, reports); len(got) != 0 {
		t.Fatalf("scan before idle: %q", got)
	}
	var got []Scan
	k.Idle(t0.Add(20*time.Millisecond), func(s Scan) { got = append(got, s) })
	if len(got) != 0 {
		t.Fatalf("scan after 20 ms idle: %+v", got)
	}
	k.Idle(t0.Add(time.Second), func(s Scan) { got = append(got, s) })
	if len(got) != 1 || got[0].Text != "123" {
		t.Fatalf("after idle got %+v, want one scan 123", got)
	}
}

func TestKeyboardBadReports(t *testing.T) {
	d := mustDescriptor(t, BootKeyboardDescriptor)
	k, _ := NewKeyboardDecoder(d, DecoderOptions{})
	for _, raw := range [][]byte{nil, {0}, {0, 0, 4}} {
		if err := k.Decode(raw, t0, func(Scan) {}); !errors.Is(err, ErrBadReport) {
			t.Errorf("Decode(% x) = %v, want ErrBadReport", raw, err)
		}
	}
}

func TestKeyboardNumberedReports(t *testing.T) {
	// A keyboard behind report ID 1 next to a consumer-control report 3:
	// the ID byte is read, and report 3 is ignored.
	desc := append([]byte{0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x85, 0x01}, BootKeyboardDescriptor[6:]...)
	desc = append(desc, 0x05, 0x0C, 0x09, 0x01, 0xA1, 0x01, 0x85, 0x03, 0x15, 0x00, 0x26, 0xFF, 0x03,
		0x19, 0x00, 0x2A, 0xFF, 0x03, 0x75, 0x10, 0x95, 0x01, 0x81, 0x00, 0xC0)
	d := mustDescriptor(t, desc)
	if !d.Numbered {
		t.Fatal("not numbered")
	}
	reports, err := KeyboardReports(d, LayoutUS, "42", KeyTab)
	if err != nil {
		t.Fatal(err)
	}
	if reports[0][0] != 1 || len(reports[0]) != 9 {
		t.Fatalf("report % x: want ID 1 and 8 data bytes", reports[0])
	}
	reports = append([][]byte{{3, 0xE9, 0x00}}, reports...)
	dec, err := NewDecoder(d, DecoderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"42"}, decodeAll(t, dec, reports)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := dec.Decode([]byte{7, 0}, t0, func(Scan) {}); !errors.Is(err, ErrBadReport) {
		t.Errorf("unknown report ID: %v, want ErrBadReport", err)
	}
}
