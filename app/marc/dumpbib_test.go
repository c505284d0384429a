package marc

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestDumpBib(t *testing.T) {
	files, _ := filepath.Glob(dataDir + "/*/*")
	for _, f := range files {
		rel, _ := filepath.Rel(dataDir, f)
		if !strings.Contains(rel, "marc") || strings.HasSuffix(f, ".txt") || strings.HasSuffix(f, ".mrk") || strings.Contains(f, "reference") || strings.Contains(f, "pride") || strings.Contains(f, "marc.dat") {
			continue
		}
		var recs []*Record
		if strings.HasSuffix(f, ".xml") {
			recs, _ = readXMLFile(t, rel)
		} else {
			recs, _ = readISOFile(t, rel)
		}
		for _, r := range recs {
			b := ToBib(r, Mapping{})
			fmt.Printf("%s #%d %s %+v\n\n", rel, r.Number, DetectFormat(r), b)
		}
	}
}
