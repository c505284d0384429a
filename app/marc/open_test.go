package marc

import (
	"bytes"
	"io"
	"testing"
)

func TestNewAutoReader(t *testing.T) {
	cases := []struct {
		file, prefix string
		xml          bool
		records      int
	}{
		{"marc21/marc4j__chabon.mrc", "", false, 2},
		{"marcxml/marc4j__chabon.xml", "", true, 2},
		{"marcxml/marc4j__chabon.xml", "\xef\xbb\xbf\r\n", true, 2},
		{"unimarc/unimarcxml__data.mrc", "", false, 5},
	}
	for _, tc := range cases {
		t.Run(tc.file+"/"+tc.prefix, func(t *testing.T) {
			data, err := io.ReadAll(openData(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			r := NewAutoReader(bytes.NewReader(append([]byte(tc.prefix), data...)), Options{})
			if _, isXML := r.(*XMLReader); isXML != tc.xml {
				t.Errorf("XML reader = %v, want %v", isXML, tc.xml)
			}
			recs, damages := readAll(t, r)
			if len(recs) != tc.records || len(damages) > 0 {
				t.Errorf("records %d, damages %v", len(recs), damages)
			}
		})
	}
}
