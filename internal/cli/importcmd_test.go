package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circa-library/circa/assets/i18n"
)

func TestImportMARCHoldingsFlags(t *testing.T) {
	i18n.SetLang(i18n.English)
	data := filepath.Join(t.TempDir(), "lib")
	staff := map[string]string{"CIRCA_USER": "admin", "CIRCA_PASSWORD": "admin123"}
	if r := circa(t, nil, "", "--data", data, "demo", "--readers", "5", "--days", "1"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	mrc := "../../../shared/data/marc21/marcperl__cjk1.marc"
	if _, err := os.Stat(mrc); err != nil {
		t.Skip("shared data is not here")
	}
	for _, tt := range []struct {
		name string
		args []string
		want string // in the error output
	}{
		{"no barcode", []string{"--holdings", "952:location=b"}, "say which subfield holds the barcode"},
		{"unknown property", []string{"--holdings", "952:barcode=a,shelf=b"}, "the properties are barcode, location"},
		{"control field", []string{"--holdings", "001:barcode=a"}, "three digits from 010 to 999"},
		{"unknown dialect", []string{"--format", "cnmarc"}, "--format cnmarc"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := circa(t, staff, "", append([]string{"--data", data, "import", "marc", mrc, "--dry-run"}, tt.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("want exit 2 and %q: %+v", tt.want, r)
			}
		})
	}
	// The records keep their item number in 952 $a and the library in $b.
	r := circa(t, staff, "", "--data", data, "import", "marc", mrc, "--format", "marc21",
		"--holdings", "952:barcode=a,location=b")
	if r.code != 0 || !strings.Contains(r.stdout, "10 copies added") {
		t.Fatalf("import with 952 $a/$b: %+v", r)
	}
}
