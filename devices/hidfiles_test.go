package devices

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// hidDataDir holds the shared public HID descriptors and recordings
// (see ../../shared/data/SOURCES.md, section hid/).
const hidDataDir = "../../shared/data/hid"

// hidFile returns the path of a shared data file, skipping the test when the
// shared data folder is not there.
func hidFile(t testing.TB, name string) string {
	t.Helper()
	if _, err := os.Stat(hidDataDir); err != nil {
		t.Skipf("shared HID data not found at %s (it lives next to the repository in shared/data/hid): %v", hidDataDir, err)
	}
	return filepath.Join(hidDataDir, name)
}

var (
	hexOffsetLine = regexp.MustCompile(`(?m)(?:^|[ \t])[0-9A-Fa-f]{4}:((?:[ \t]+[0-9A-Fa-f]{2})+)`)
	cHexByte      = regexp.MustCompile(`0x([0-9A-Fa-f]{2})\b`)
)

// loadDescriptor reads a report descriptor in any of the shared forms: raw
// binary (.bin), an "offset: hex bytes" dump (.txt, macOS USB Prober), a C
// array of 0xNN bytes (.rpt_desc), or the R: line of a hid-recorder file
// (.hid).
func loadDescriptor(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := readShared(t, name)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case strings.HasSuffix(name, ".bin"):
		return raw
	case strings.HasSuffix(name, ".hid"):
		rec := parseRecording(t, raw)
		return rec.descriptor
	}
	var out []byte
	if ms := hexOffsetLine.FindAllSubmatch(raw, -1); len(ms) > 0 {
		for _, m := range ms {
			out = append(out, decodeHexFields(t, string(m[1]))...)
		}
		return out
	}
	for _, m := range cHexByte.FindAllSubmatch(raw, -1) {
		out = append(out, decodeHexFields(t, string(m[1]))...)
	}
	return out
}

func decodeHexFields(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

// recording is a hid-recorder capture: the descriptor and the input events.
type recording struct {
	descriptor []byte
	events     []recordedEvent
}

type recordedEvent struct {
	seconds float64
	report  []byte
}

// parseRecording reads hid-recorder's text format: "R: len bytes..." for the
// descriptor and "E: sec.usec len bytes..." for each input report.
func parseRecording(t testing.TB, raw []byte) recording {
	t.Helper()
	var rec recording
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "R:":
			n, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("R: line: %v", err)
			}
			rec.descriptor = decodeHexFields(t, strings.Join(f[2:], " "))
			if len(rec.descriptor) != n {
				t.Fatalf("R: says %d bytes, holds %d", n, len(rec.descriptor))
			}
		case "E:":
			secs, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				t.Fatalf("E: line: %v", err)
			}
			n, err := strconv.Atoi(f[2])
			if err != nil {
				t.Fatalf("E: line: %v", err)
			}
			rep := decodeHexFields(t, strings.Join(f[3:], " "))
			if len(rep) != n {
				t.Fatalf("E: says %d bytes, holds %d", n, len(rep))
			}
			rec.events = append(rec.events, recordedEvent{seconds: secs, report: rep})
		}
	}
	return rec
}

// sharedDescriptors lists every descriptor file in the shared folder with the
// length its source states.
var sharedDescriptors = []struct {
	file string
	len  int
}{
	{"datalogic_gryphon_gd4400__report_descriptor.bin", 65},
	{"datalogic_gryphon_gd4400__report_descriptor.txt", 65},
	{"hidapi__046A_0011_0006_0001_real.rpt_desc", 66},
	{"hidapi__046D_C534_0006_0001_real.rpt_desc", 59},
	{"hidreport__0003-045E-00DB.0003.hid.bin", 60},
	{"hidreport__0003-045E-0745.0001.hid.bin", 57},
	{"linux-input__apple_keyboard_05ac_0250_hidraw4.hid", 75},
}

func readShared(t testing.TB, name string) ([]byte, error) {
	t.Helper()
	return os.ReadFile(hidFile(t, name))
}
