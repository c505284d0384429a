package devices

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/cockroachdb/errors"
	"github.com/google/go-cmp/cmp"
)

// fieldSummary is the part of a Field a test states: where it is, how big,
// and which usages it covers.
type fieldSummary struct {
	Kind          ReportKind
	ID            uint8
	Off, Size, N  int
	Flags         FieldFlags
	LogMin, LogMx int32
	Usages        string
}

func summarise(d *Descriptor) []fieldSummary {
	var out []fieldSummary
	for _, r := range d.Reports {
		for _, f := range r.Fields {
			us := ""
			for _, u := range f.Usages {
				if u.Min == u.Max {
					us += fmt.Sprintf("%04x:%02x ", u.Min.Page(), u.Min.ID())
				} else {
					us += fmt.Sprintf("%04x:%02x-%02x ", u.Min.Page(), u.Min.ID(), u.Max.ID())
				}
			}
			out = append(out, fieldSummary{f.Kind, f.ReportID, f.BitOffset, f.Size, f.Count, f.Flags, f.LogicalMin, f.LogicalMax, us})
		}
	}
	return out
}

func TestParseSharedDescriptors(t *testing.T) {
	// Every shared descriptor is a keyboard: modifiers, a padding byte, LEDs
	// out, and a key array; they differ in array length, usage ranges and
	// logical maximum, and the Apple one adds a vendor byte for its Fn key.
	mods := fieldSummary{Input, 0, 0, 1, 8, FlagVariable, 0, 1, "0007:e0-e7 "}
	pad := fieldSummary{Input, 0, 8, 8, 1, FlagConstant, 0, 1, ""}
	tests := []struct {
		file string
		want []fieldSummary
	}{
		{"datalogic_gryphon_gd4400__report_descriptor.bin", []fieldSummary{
			mods, pad,
			{Input, 0, 16, 8, 6, 0, 0, 255, "0007:00-ff "},
			{Output, 0, 0, 1, 5, FlagVariable, 0, 1, "0008:01-05 "},
			{Output, 0, 5, 3, 1, FlagConstant, 0, 1, ""},
		}},
		{"datalogic_gryphon_gd4400__report_descriptor.txt", []fieldSummary{
			mods, pad,
			{Input, 0, 16, 8, 6, 0, 0, 255, "0007:00-ff "},
			{Output, 0, 0, 1, 5, FlagVariable, 0, 1, "0008:01-05 "},
			{Output, 0, 5, 3, 1, FlagConstant, 0, 1, ""},
		}},
		{"hidapi__046A_0011_0006_0001_real.rpt_desc", []fieldSummary{
			mods,
			{Input, 0, 8, 8, 1, FlagConstant | FlagVariable, 0, 1, ""},
			{Input, 0, 16, 8, 6, 0, 0, 0xDD, "0007:00-dd "},
			{Output, 0, 0, 1, 3, FlagVariable, 0, 1, "0008:01-03 "},
			{Output, 0, 3, 5, 1, FlagConstant | FlagVariable, 0, 1, ""},
		}},
		{"hidapi__046D_C534_0006_0001_real.rpt_desc", []fieldSummary{
			mods,
			{Input, 0, 8, 1, 8, FlagConstant | FlagVariable, 0, 1, ""},
			{Input, 0, 16, 8, 6, 0, 0, 164, "0007:00-a4 "},
			{Output, 0, 0, 1, 5, FlagVariable, 0, 1, "0008:01-05 "},
			{Output, 0, 5, 3, 1, FlagConstant, 0, 1, ""},
		}},
		{"hidreport__0003-045E-00DB.0003.hid.bin", []fieldSummary{
			{Output, 0, 0, 1, 3, FlagVariable, 0, 1, "0008:01-03 "},
			{Output, 0, 3, 1, 1, FlagVariable, 0, 1, "0008:4b "},
			{Output, 0, 4, 1, 4, FlagConstant, 0, 1, ""},
			mods, pad,
			{Input, 0, 16, 8, 6, 0, 0, 255, "0007:00-91 "},
		}},
		{"hidreport__0003-045E-0745.0001.hid.bin", []fieldSummary{
			{Output, 0, 0, 1, 3, FlagVariable, 0, 1, "0008:01-03 "},
			{Output, 0, 3, 1, 5, FlagConstant, 0, 1, ""},
			mods, pad,
			{Input, 0, 16, 8, 6, 0, 0, 255, "0007:00-91 "},
		}},
		{"linux-input__apple_keyboard_05ac_0250_hidraw4.hid", []fieldSummary{
			mods, pad,
			{Input, 0, 16, 8, 5, 0, 0, 255, "0007:00-ff "},
			{Input, 0, 56, 8, 1, FlagVariable, 0, 255, "00ff:03 "},
			{Output, 0, 0, 1, 5, FlagVariable, 0, 1, "0008:01-05 "},
			{Output, 0, 5, 3, 1, FlagConstant, 0, 1, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := loadDescriptor(t, tt.file)
			d, err := ParseDescriptor(raw)
			if err != nil {
				t.Fatalf("ParseDescriptor: %v", err)
			}
			if diff := cmp.Diff(tt.want, summarise(d)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if d.Numbered {
				t.Error("Numbered = true; none of these declares a report ID")
			}
			if got := d.Report(Input, 0).DataLen(); got != 8 {
				t.Errorf("input report length = %d bytes, want 8", got)
			}
			if len(d.Collections) != 1 || d.Collections[0].Usage != UsageKeyboard || d.Collections[0].Type != 1 {
				t.Errorf("collections = %+v, want one Generic Desktop/Keyboard application", d.Collections)
			}
			if _, err := NewKeyboardDecoder(d, DecoderOptions{}); err != nil {
				t.Errorf("NewKeyboardDecoder: %v", err)
			}
			if _, err := NewPOSDecoder(d, ""); !errors.Is(err, ErrNotScanner) {
				t.Errorf("NewPOSDecoder error = %v, want ErrNotScanner", err)
			}
		})
	}
}

func TestSharedDescriptorLengths(t *testing.T) {
	for _, tt := range sharedDescriptors {
		t.Run(tt.file, func(t *testing.T) {
			if got := len(loadDescriptor(t, tt.file)); got != tt.len {
				t.Errorf("%d bytes, want %d", got, tt.len)
			}
		})
	}
	// The Datalogic dump comes as text and as binary; both must agree.
	bin := loadDescriptor(t, "datalogic_gryphon_gd4400__report_descriptor.bin")
	txt := loadDescriptor(t, "datalogic_gryphon_gd4400__report_descriptor.txt")
	if !bytes.Equal(bin, txt) {
		t.Error("Datalogic .bin and .txt differ")
	}
}

func TestParseDescriptorPOS(t *testing.T) {
	d, err := ParseDescriptor(HIDPOSDescriptor)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Numbered {
		t.Error("Numbered = false, want true")
	}
	r := d.Report(Input, 2)
	if r == nil {
		t.Fatal("no input report 2")
	}
	if got, want := r.DataLen(), 63; got != want {
		t.Errorf("report 2 data length %d, want %d", got, want)
	}
	want := []fieldSummary{
		{Input, 2, 0, 8, 1, FlagVariable, 0, 255, "0001:3b "},
		{Input, 2, 8, 8, 3, FlagVariable, 0, 255, "008c:fb 008c:fc 008c:fd "},
		{Input, 2, 32, 8, 56, FlagVariable | FlagBufferedBytes, 0, 255, "008c:fe "},
		{Input, 2, 480, 8, 2, FlagVariable, 0, 255, "ff66:04 ff66:00 "},
		{Input, 2, 496, 1, 8, FlagVariable, 0, 1, "008c:ff "},
	}
	if diff := cmp.Diff(want, summarise(d)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestParseDescriptorErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"truncated item", []byte{0x05}},
		{"truncated 4-byte item", []byte{0x07, 1, 2}},
		{"end collection without collection", []byte{0xC0}},
		{"unclosed collection", []byte{0x09, 0x06, 0xA1, 0x01}},
		{"pop without push", []byte{0xB4}},
		{"report ID zero", []byte{0x85, 0x00}},
		{"truncated long item", []byte{0xFE, 0x05}},
		{"huge field", []byte{0x75, 0x20, 0x97, 0xFF, 0xFF, 0xFF, 0x7F, 0x81, 0x02}},
		{"element too wide", []byte{0x76, 0x00, 0x10, 0x95, 0x01, 0x81, 0x02}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseDescriptor(tt.in); !errors.Is(err, ErrBadDescriptor) {
				t.Errorf("error = %v, want ErrBadDescriptor", err)
			}
		})
	}
}

func TestParseDescriptorDetails(t *testing.T) {
	t.Run("usage page applies at main item", func(t *testing.T) {
		// Usage before Usage Page: the page current at the Input counts.
		d, err := ParseDescriptor([]byte{0x09, 0x03, 0x05, 0xFF, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Reports[0].Fields[0].Usages[0].Min; got != MakeUsage(0xFF, 3) {
			t.Errorf("usage = %08x, want 00ff0003", uint32(got))
		}
	})
	t.Run("extended usage keeps its own page", func(t *testing.T) {
		d, err := ParseDescriptor([]byte{0x05, 0x01, 0x0B, 0xFE, 0x00, 0x8C, 0x00, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Reports[0].Fields[0].Usages[0].Min; got != UsageDecodedData {
			t.Errorf("usage = %08x, want 008c00fe", uint32(got))
		}
	})
	t.Run("push and pop", func(t *testing.T) {
		d, err := ParseDescriptor([]byte{0x75, 0x04, 0xA4, 0x75, 0x08, 0xB4, 0x95, 0x01, 0x81, 0x02})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Reports[0].Fields[0].Size; got != 4 {
			t.Errorf("size after pop = %d, want 4", got)
		}
	})
	t.Run("negative logical minimum sign-extends", func(t *testing.T) {
		d, err := ParseDescriptor([]byte{0x15, 0x81, 0x25, 0x7F, 0x75, 0x08, 0x95, 0x01, 0x81, 0x06})
		if err != nil {
			t.Fatal(err)
		}
		f := &d.Reports[0].Fields[0]
		if v, ok := f.Value([]byte{0xFE}, 0); !ok || v != -2 {
			t.Errorf("Value = %d, %v; want -2", v, ok)
		}
	})
}

func TestExtractBits(t *testing.T) {
	data := []byte{0b1010_1100, 0b0000_0011, 0xFF, 0x12}
	tests := []struct {
		off, size int
		want      uint32
		ok        bool
	}{
		{0, 1, 0, true},
		{2, 2, 3, true},
		{4, 6, 0b11_1010, true},
		{8, 8, 3, true},
		{0, 32, 0x12FF03AC, true},
		{4, 28, 0x012FF03A, true},
		{1, 32, 0, false},
		{0, 0, 0, false},
		{30, 4, 0, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d+%d", tt.off, tt.size), func(t *testing.T) {
			got, ok := extractBits(data, tt.off, tt.size)
			if got != tt.want || ok != tt.ok {
				t.Errorf("extractBits = %#x, %v; want %#x, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
