package sip2

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// dataDir holds the shared SIP2 transcripts (see shared/data/SOURCES.md).
const dataDir = "../../shared/data/sip2"

// transcriptFiles lists the shared SIP2 transcripts, skipping the test if
// there are none.
func transcriptFiles(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dataDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Skip("shared SIP2 transcripts not present")
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	return names
}

// dataLines returns the lines of one transcript, skipping the test if the
// shared data is not there.
func dataLines(t testing.TB, name string) [][]byte {
	t.Helper()
	f, err := os.Open(filepath.Join(dataDir, name))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("shared data %s not present", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if len(sc.Bytes()) > 0 {
			lines = append(lines, bytes.Clone(sc.Bytes()))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestParseTranscripts(t *testing.T) {
	t.Run("jsip2: every request parses, the 52 with checksums verify", func(t *testing.T) {
		lines := dataLines(t, "jsip2__request_messages.txt")
		withSum := 0
		for _, l := range lines {
			m, err := Parse(l, UTF8)
			if err != nil {
				t.Errorf("Parse(%q): %v", l, err)
				continue
			}
			if m.Checksum {
				withSum++
			}
			if !isRequest(m.Command) {
				t.Errorf("Parse(%q): command %s is not a request", l, m.Command)
			}
		}
		if withSum != 52 {
			t.Errorf("%d messages with a checksum, SOURCES.md says 52", withSum)
		}
	})
	t.Run("tzeumer: checksums ok, BAD, ok, BAD, ok, ok, ok, ok, ok", func(t *testing.T) {
		lines := dataLines(t, "tzeumer__gossip_tuhh_messages.txt")
		want := []bool{true, false, true, false, true, true, true, true, true}
		if len(lines) != len(want) {
			t.Fatalf("%d lines, want %d", len(lines), len(want))
		}
		for i, l := range lines {
			m, err := Parse(l, UTF8)
			if m == nil {
				t.Fatalf("Parse(%q): %v", l, err)
			}
			if got := err == nil; got != want[i] {
				t.Errorf("line %d: checksum ok = %v, want %v (err %v)", i+1, got, want[i], err)
			}
			if err != nil && !errors.Is(err, ErrChecksum) {
				t.Errorf("line %d: %v is not ErrChecksum", i+1, err)
			}
			if !m.Checksum || m.Seq == NoSequence {
				t.Errorf("line %d: checksum %v seq %d, want both present", i+1, m.Checksum, m.Seq)
			}
		}
	})
	t.Run("every line of every transcript parses", func(t *testing.T) {
		for _, file := range transcriptFiles(t) {
			for _, l := range dataLines(t, file) {
				m, err := Parse(l, UTF8)
				if m == nil || err != nil && !errors.Is(err, ErrChecksum) {
					t.Errorf("%s: Parse(%q): %v", file, l, err)
				}
			}
		}
	})
}

func isRequest(c Command) bool {
	_, ok := responseTo[c]
	return ok
}

// responseTo maps each request to the command of its answer; 97 is
// answered with whatever was sent last.
var responseTo = map[Command]Command{
	BlockPatron: PatronStatusResponse, Checkin: CheckinResponse, Checkout: CheckoutResponse,
	Hold: HoldResponse, ItemInformation: ItemInformationResponse, ItemStatusUpdate: ItemStatusUpdateResponse,
	PatronStatusRequest: PatronStatusResponse, PatronEnable: PatronEnableResponse, Renew: RenewResponse,
	EndPatronSession: EndPatronSessionResponse, FeePaid: FeePaidResponse, PatronInformation: PatronInformationResponse,
	RenewAll: RenewAllResponse, Login: LoginResponse, SCStatus: ACSStatus, RequestACSResend: "",
}

func TestParseFields(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		badSum bool // the transcript's checksum is wrong (SOURCES.md)
		check  func(t *testing.T, m *Message)
	}{{
		name:   "checkin response with $ in barcode and ä in title",
		badSum: true,
		line:   "101YUN20160427    130429AOTUHH|AB830$28328201|AQLS1|AJDigital ävionics handbook;          2: Development 2. ed CRC Pres 2007|AA08300005811|AY5AZD8E7",
		check: func(t *testing.T, m *Message) {
			want := []string{"1", "Y", "U", "N", "20160427    130429"}
			if diff := cmp.Diff(want, m.Fixed); diff != "" {
				t.Errorf("fixed fields (-want +got):\n%s", diff)
			}
			if got := m.Field(FieldItemID); got != "830$28328201" {
				t.Errorf("AB = %q", got)
			}
			if got := m.Field(FieldTitleID); !strings.HasPrefix(got, "Digital ävionics handbook;   ") {
				t.Errorf("AJ = %q", got)
			}
			if m.Seq != 5 {
				t.Errorf("Seq = %d, want 5", m.Seq)
			}
		},
	}, {
		name: "Gossip fee paid response keeps repeated extension fields in order",
		line: "38Y20160429    212935AOTUHH|AA00180530690|BK00180530690-20160429-212934-954-257|BV2.00|CG81766|FA1.00|FB830$24602811|FC08.12.2014|FDStudentisches Wohnen in Baden-Wuerttemberg: Bestandsaufnahm|FE8|FFLeihfristberschreitung|FG1.00|CG521111|FA1.00|FB830$34278992|FC08.12.2014|FDLe Corbusier - Pavillon Suisse: the biography o/Zaknic, Ivan|FE8|FFLeihfristberschreitung|FG1.00|AY3AZ8EA3",
		check: func(t *testing.T, m *Message) {
			if diff := cmp.Diff([]string{"81766", "521111"}, m.FieldValues(FieldFeeIdentifier)); diff != "" {
				t.Errorf("CG (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"830$24602811", "830$34278992"}, m.FieldValues("FB")); diff != "" {
				t.Errorf("FB (-want +got):\n%s", diff)
			}
			var ids []string
			for _, f := range m.Fields[4:11] {
				ids = append(ids, f.ID)
			}
			if diff := cmp.Diff([]string{"CG", "FA", "FB", "FC", "FD", "FE", "FF"}, ids); diff != "" {
				t.Errorf("field order (-want +got):\n%s", diff)
			}
		},
	}, {
		name: "ACS status with space-padded AM and SV extension",
		line: "98YYYYNN90099920160511    0605582.00AOTUB HH|AMTUHH                                    |BXYYYNYYYYYYYNNNYY|SVGossip gossip-1.1.2; scala-Version: 2.11.8; sbt-Version: 0.13.11; built: Mon Apr 18 23:18:00 CEST 2016|AY2AZC870",
		check: func(t *testing.T, m *Message) {
			if got := m.FixedField(FTimeoutPeriod); got != "900" {
				t.Errorf("timeout = %q", got)
			}
			if got := m.FixedField(FProtocolVersion); got != "2.00" {
				t.Errorf("version = %q", got)
			}
			if got := m.Field(FieldLibraryName); got != "TUHH"+strings.Repeat(" ", 36) {
				t.Errorf("AM = %q", got)
			}
			if got := m.Field("SV"); !strings.HasPrefix(got, "Gossip gossip-1.1.2") {
				t.Errorf("SV = %q", got)
			}
		},
	}, {
		name: "request ACS resend with checksum and no sequence number",
		line: "97AZFEF5",
		check: func(t *testing.T, m *Message) {
			if !m.Checksum || m.Seq != NoSequence || len(m.Fields) != 0 {
				t.Errorf("got %+v", m)
			}
		},
	}, {
		name: "SC status with stray delimiter before the sequence number",
		line: "9900002.00|AY0AZFC2D",
		check: func(t *testing.T, m *Message) {
			if diff := cmp.Diff([]string{"0", "000", "2.00"}, m.Fixed); diff != "" {
				t.Errorf("fixed (-want +got):\n%s", diff)
			}
			if m.Seq != 0 || !m.Checksum {
				t.Errorf("seq %d checksum %v", m.Seq, m.Checksum)
			}
		},
	}, {
		name: "patron information with summary and range",
		line: "6300020210814    083455          AOinstitutionId|AApatronIdentifier|ACterminalPassword|ADpatronPassword|BP2|BQ5|AY0AZD9E4",
		check: func(t *testing.T, m *Message) {
			if got := m.FixedField(FSummary); got != "          " {
				t.Errorf("summary = %q", got)
			}
			if start, end := summaryRange(m); start != 2 || end != 5 {
				t.Errorf("range = %d..%d", start, end)
			}
		},
	}, {
		name: "empty fields are kept",
		line: "2300020210814    083455AO|AApatronIdentifier|AC|AD|AY2AZEFB7",
		check: func(t *testing.T, m *Message) {
			want := []Field{{"AO", ""}, {"AA", "patronIdentifier"}, {"AC", ""}, {"AD", ""}}
			if diff := cmp.Diff(want, m.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		},
	}, {
		name: "a value ending in AZ and hex is not a checksum without a field boundary",
		line: "1720060110    215612AOUWOLS|ABX1AZ12AB",
		check: func(t *testing.T, m *Message) {
			if m.Checksum || m.Field(FieldItemID) != "X1AZ12AB" {
				t.Errorf("checksum %v, AB %q", m.Checksum, m.Field(FieldItemID))
			}
		},
	}, {
		name: "CRLF terminator",
		line: "9300CNuser|COpasswd|CPlocation|\r\n",
		check: func(t *testing.T, m *Message) {
			if m.Field(FieldLocationCode) != "location" {
				t.Errorf("CP = %q", m.Field(FieldLocationCode))
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.line), UTF8)
			if tt.badSum && errors.Is(err, ErrChecksum) {
				err = nil
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, m)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		line string
		want error
	}{
		{"empty", "", ErrMalformed},
		{"one character", "9", ErrMalformed},
		{"unknown command", "42hello|", ErrUnknownCommand},
		{"unknown command is malformed too", "XXgarbage", ErrMalformed},
		{"truncated fixed part", "11YN2006", ErrMalformed},
		{"truncated date", "2300120060101    0842", ErrMalformed},
		{"field without identifier", "9300CNuser|X|", ErrMalformed},
		{"control character as identifier", "9300\x01\x02user|", ErrMalformed},
		{"wrong checksum", "9300CNuser|COpasswd|CPlocation|AY0AZF2FC", ErrChecksum},
		{"checksum over other bytes", "941AY1AZFDFD", ErrChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.line), UTF8)
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse(%q) = %v, want %v", tt.line, err, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		msg  *Message
		want string
	}{{
		name: "login response with sequence and checksum",
		msg:  &Message{Command: LoginResponse, Fixed: []string{"1"}, Seq: 1, Checksum: true},
		want: "941AY1AZFDFC",
	}, {
		name: "resend request with checksum",
		msg:  &Message{Command: RequestACSResend, Seq: NoSequence, Checksum: true},
		want: "97AZFEF5",
	}, {
		name: "fixed fields padded and cut, delimiters in values replaced",
		msg: NewMessage(PatronStatusRequest).SetFixedField(FLanguage, "1").
			SetFixedField(FTransactionDate, "20060101    084235xxx").
			Add(FieldInstitutionID, "A|B").Add(FieldPatronID, "line\rbreak"),
		want: "231  20060101    084235AOA B|AAline break|",
	}, {
		name: "login request matches the jsip2 bytes",
		msg: &Message{Command: Login, Fixed: []string{"0", "0"}, Seq: 1, Checksum: true,
			Fields: []Field{{"CN", "user"}, {"CO", "passwd"}, {"CP", "circulationLocation"}}},
		want: "9300CNuser|COpasswd|CPcirculationLocation|AY1AZEE7D",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.msg.Format(UTF8)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Format = %q, want %q", b, tt.want)
			}
		})
	}
}

// TestRoundTrip formats every transcript message again and parses the
// result: the message must come back unchanged, with a valid checksum.
func TestRoundTrip(t *testing.T) {
	for _, file := range transcriptFiles(t) {
		t.Run(file, func(t *testing.T) {
			for _, l := range dataLines(t, file) {
				m, err := Parse(l, UTF8)
				if m == nil {
					t.Fatalf("Parse(%q): %v", l, err)
				}
				b, err := m.Format(UTF8)
				if err != nil {
					t.Fatal(err)
				}
				again, err := Parse(b, UTF8)
				if err != nil {
					t.Fatalf("Parse(Format(%q)) = %q: %v", l, b, err)
				}
				if diff := cmp.Diff(m, again); diff != "" {
					t.Errorf("round trip of %q (-first +second):\n%s", l, diff)
				}
				if !m.Checksum && !bytes.Equal(bytes.TrimRight(l, "|"), bytes.TrimRight(b, "|")) {
					t.Errorf("Format(Parse(%q)) = %q", l, b)
				}
			}
		})
	}
}

func TestCharsets(t *testing.T) {
	tests := []struct {
		cs   Charset
		text string
		wire []byte
	}{
		{UTF8, "王小明 ä", []byte("王小明 ä")},
		{GB18030, "王小明", []byte{0xcd, 0xf5, 0xd0, 0xa1, 0xc3, 0xf7}},
		{CP850, "Müller", []byte{'M', 0x81, 'l', 'l', 'e', 'r'}},
		{CP850, "王", []byte("?")},
	}
	for _, tt := range tests {
		t.Run(string(tt.cs)+" "+tt.text, func(t *testing.T) {
			m := NewMessage(PatronStatusResponse).Add(FieldPersonalName, tt.text)
			m.Seq, m.Checksum = 3, true
			b, err := m.Format(tt.cs)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, append([]byte("AE"), tt.wire...)) {
				t.Errorf("Format = %q, want AE%q inside", b, tt.wire)
			}
			got, err := Parse(b, tt.cs)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if want := string(tt.wire); tt.cs == UTF8 || want != "?" {
				if got.Field(FieldPersonalName) != tt.text {
					t.Errorf("name = %q, want %q", got.Field(FieldPersonalName), tt.text)
				}
			}
		})
	}
	t.Run("invalid UTF-8 becomes U+FFFD", func(t *testing.T) {
		m, err := Parse([]byte("2300020210814    083455AAab\xffcd|"), UTF8)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Field(FieldPatronID); got != "ab\uFFFDcd" {
			t.Errorf("AA = %q", got)
		}
	})
	t.Run("unknown charset", func(t *testing.T) {
		if err := Charset("EBCDIC").Validate(); !errors.Is(err, ErrUnknownCharset) {
			t.Errorf("Validate = %v", err)
		}
	})
}

func TestDates(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name string
		text string
		want time.Time
	}{
		{"local", "20060329    203000", time.Date(2006, 3, 29, 20, 30, 0, 0, shanghai)},
		{"UTC", "20160511   Z071022", time.Date(2016, 5, 11, 7, 10, 22, 0, time.UTC)},
		{"blank", strings.Repeat(" ", 18), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.text, shanghai)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("ParseDate = %v, want %v", got, tt.want)
			}
			if back := FormatDate(got); back != tt.text {
				t.Errorf("FormatDate = %q, want %q", back, tt.text)
			}
		})
	}
	for _, bad := range []string{"2006", "2006032x    203000", "20060329    253000"} {
		if _, err := ParseDate(bad, shanghai); err == nil {
			t.Errorf("ParseDate(%q) succeeded", bad)
		}
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		text string
		want int64
		back string
	}{
		{"2.00", 200, "2.00"}, {"9.99", 999, "9.99"}, {"3", 300, "3.00"},
		{"-1.5", -150, "-1.50"}, {".05", 5, "0.05"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			m, err := ParseMoney(tt.text, "EUR")
			if err != nil {
				t.Fatal(err)
			}
			if m.Minor != tt.want || m.String() != tt.back {
				t.Errorf("got %d %q, want %d %q", m.Minor, m.String(), tt.want, tt.back)
			}
		})
	}
	for _, bad := range []string{"", "1.234", "abc", "1,00", "-", "."} {
		if _, err := ParseMoney(bad, "EUR"); err == nil {
			t.Errorf("ParseMoney(%q) succeeded", bad)
		}
	}
}

func TestStringMasksPasswords(t *testing.T) {
	m, err := Parse([]byte("9300CNuser|COsecret|CPlocation|"), UTF8)
	if err != nil {
		t.Fatal(err)
	}
	if s := m.String(); strings.Contains(s, "secret") {
		t.Errorf("String() = %q shows the password", s)
	}
}
