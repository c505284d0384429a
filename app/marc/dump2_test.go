package marc

import (
	"fmt"
	"testing"
)

func TestDump2(t *testing.T) {
	for _, f := range []string{"marc21/pymarc__marc.dat", "marc21/marc4j__pride-and-prejudice-fixed.mrc", "marc21/marcperl__cjk1.marc", "marc21/marcperl__cjk2.marc", "marc21/marc4j__brkrtest.mrc", "marc21/pymarc__diacritic.dat", "marc21/pymarc__marc8.dat", "unimarc/pymarc__testunimarc.dat"} {
		recs, dm := readISOFile(t, f)
		fmt.Println(f, len(recs), len(dm))
		warns := map[Reason]int{}
		for i, r := range recs {
			for _, w := range r.Warnings {
				warns[w.Reason]++
			}
			b := ToBib(r, Mapping{})
			if i < 2 || i == len(recs)-1 || (len(recs) > 100 && i%60 == 0) {
				fmt.Printf("  #%d %q %q %q %q %v\n", r.Number, b.Title, b.Subtitle, b.Authors, b.Publisher, b.ISBNs)
			}
		}
		fmt.Println("  warnings", warns)
	}
}
