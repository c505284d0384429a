package demo

import (
	"fmt"
	"io"

	"github.com/circa-library/circa/app/marc"
)

// WriteMARC writes n MARC21 records to w, each a bibliographic record with
// one holding (a copy with its barcode "M0000000"…), a control number and
// Chinese and English text: the file the MARC import benchmarks load.
func WriteMARC(w io.Writer, n int) error {
	mw := marc.NewWriter(w)
	for i := 0; i < n; i++ {
		b := marc.Bib{Title: fmt.Sprintf("山水故事 Mountain tales %d", i), Authors: []string{"吴承恩"},
			Publisher: "人民文学出版社", Year: "2001", CLC: "I247.5", Subjects: []string{"小说"},
			Holdings: []marc.Holding{{Barcode: fmt.Sprintf("M%07d", i), Location: "Main", Price: "25.00"}}}
		rec := marc.BibToRecord(&b)
		rec.Fields = append([]marc.Field{{Tag: "001", Value: fmt.Sprintf("bench%07d", i)}}, rec.Fields...)
		if err := mw.Write(rec); err != nil {
			return err
		}
	}
	return mw.Flush()
}
