package marc

import (
	"io"
	"strings"
	"testing"
)

// mrkField is one line of LC MARCBreaker text (=TAG  data).
type mrkField struct {
	tag, ind, value string
	subfields       [][2]string
}

// parseMRK reads MARCBreaker records: "=LDR  ..." starts a record, "\"
// stands for a blank, "$" delimits subfields and {name} are mnemonics.
func parseMRK(text string) (leaders []string, records [][]mrkField) {
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if len(line) < 6 || line[0] != '=' {
			continue
		}
		tag, data := line[1:4], line[6:]
		if tag == "LDR" {
			leaders = append(leaders, strings.ReplaceAll(data, `\`, " "))
			records = append(records, nil)
			continue
		}
		f := mrkField{tag: tag}
		if IsControlTag(tag) {
			f.value = strings.ReplaceAll(data, `\`, " ")
		} else {
			f.ind = strings.ReplaceAll(data[:2], `\`, " ")
			for _, s := range strings.Split(data[2:], "$")[1:] {
				f.subfields = append(f.subfields, [2]string{s[:1], s[1:]})
			}
		}
		records[len(records)-1] = append(records[len(records)-1], f)
	}
	return leaders, records
}

// mrkPlain returns the part of a MARCBreaker value that needs no mnemonic
// table: ASCII text up to the first mnemonic, with the four ASCII
// mnemonics resolved.
func mrkPlain(v string) (prefix string, whole bool) {
	for _, m := range [][2]string{{"{dollar}", "$"}, {"{lcub}", "\x00"}, {"{rcub}", "\x01"}, {"{bsol}", `\`}} {
		v = strings.ReplaceAll(v, m[0], m[1])
	}
	i := strings.IndexByte(v, '{')
	whole = i < 0
	if !whole {
		v = v[:i]
	}
	return strings.NewReplacer("\x00", "{", "\x01", "}").Replace(v), whole
}

// TestBrkrtestMatchesMnemonicText checks the MARC-8 binary records of the
// LC MARCBreaker test set against their text form: same leaders, tags,
// indicators and subfield codes, and the same text wherever it is plain.
func TestBrkrtestMatchesMnemonicText(t *testing.T) {
	raw, err := io.ReadAll(openData(t, "marc21/marc4j__brkrtest.mrk"))
	if err != nil {
		t.Fatal(err)
	}
	leaders, want := parseMRK(string(raw))
	recs, damages := readISOFile(t, "marc21/marc4j__brkrtest.mrc")
	if len(damages) > 0 || len(recs) != len(want) || len(recs) != 8 {
		t.Fatalf("records %d, text records %d, damages %v", len(recs), len(want), damages)
	}
	checked := 0
	for i, rec := range recs {
		if rec.Leader != leaders[i] {
			t.Errorf("record %d leader %q, text %q", i+1, rec.Leader, leaders[i])
		}
		if len(rec.Fields) != len(want[i]) {
			t.Errorf("record %d: %d fields, text has %d", i+1, len(rec.Fields), len(want[i]))
			continue
		}
		for j, w := range want[i] {
			f := rec.Fields[j]
			if f.Tag != w.tag {
				t.Errorf("record %d field %d: tag %s, text %s", i+1, j, f.Tag, w.tag)
				continue
			}
			if f.IsControl() {
				if p, whole := mrkPlain(w.value); whole && f.Value != p || !strings.HasPrefix(f.Value, p) {
					t.Errorf("record %d %s: %q, text %q", i+1, f.Tag, f.Value, w.value)
				}
				continue
			}
			if got := string([]byte{f.Ind1, f.Ind2}); got != w.ind {
				t.Errorf("record %d %s: indicators %q, text %q", i+1, f.Tag, got, w.ind)
			}
			if len(f.Subfields) != len(w.subfields) {
				t.Errorf("record %d %s: %d subfields, text %d", i+1, f.Tag, len(f.Subfields), len(w.subfields))
				continue
			}
			for k, ws := range w.subfields {
				s := f.Subfields[k]
				p, whole := mrkPlain(ws[1])
				if s.Code != ws[0] || whole && s.Value != p || !strings.HasPrefix(s.Value, p) {
					t.Errorf("record %d %s $%s: %q, text $%s%q", i+1, f.Tag, s.Code, s.Value, ws[0], ws[1])
				}
				checked++
			}
		}
	}
	if checked < 300 {
		t.Errorf("only %d subfields compared", checked)
	}
}
