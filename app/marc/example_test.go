package marc_test

import (
	"bytes"
	"fmt"
	"io"

	"github.com/circa-library/circa/app/marc"
)

// An import reads records one by one, maps each to a Bib, and reports
// damaged records by number without stopping.
func ExampleNewReader() {
	var file bytes.Buffer
	w := marc.NewWriter(&file)
	for _, title := range []string{"红楼梦", "Pride and prejudice"} {
		_ = w.Write(marc.BibToRecord(&marc.Bib{Title: title, ISBNs: []string{"9787020002207"}}))
	}
	_ = w.Flush()
	file.WriteString("00099 broken\x1d") // a damaged third record

	r := marc.NewAutoReader(&file, marc.Options{})
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if d, ok := marc.AsDamage(err); ok {
			fmt.Printf("record %d skipped: %s\n", d.Record, d.Reason)
			continue
		}
		if err != nil {
			fmt.Println("import failed:", err)
			return
		}
		bib := marc.ToBib(rec, marc.Mapping{})
		fmt.Printf("record %d: %s %v warnings=%d\n", rec.Number, bib.Title, bib.ISBNs, len(rec.Warnings))
	}
	// Output:
	// record 1: 红楼梦 [9787020002207] warnings=0
	// record 2: Pride and prejudice [9787020002207] warnings=0
	// record 3 skipped: truncated
}
