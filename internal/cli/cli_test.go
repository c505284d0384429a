package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/internal/cli"
	circasync "github.com/circa-library/circa/sync"
)

type run struct {
	code           int
	stdout, stderr string
}

func circa(t *testing.T, env map[string]string, stdin string, args ...string) run {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(args, cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return run{code, out.String(), errb.String()}
}

func TestCommandLine(t *testing.T) {
	i18n.SetLang(i18n.English)
	dir := t.TempDir()
	data := filepath.Join(dir, "lib")
	staff := map[string]string{"CIRCA_USER": "admin", "CIRCA_PASSWORD": "admin123"}

	if r := circa(t, nil, "", "--help"); r.code != 0 || !strings.Contains(r.stdout, "circa batch") {
		t.Fatalf("help: %+v", r)
	}
	if r := circa(t, nil, "", "--data", data, "check"); r.code == 0 {
		t.Fatalf("check of a missing library succeeded: %+v", r)
	}
	r := circa(t, nil, "", "--data", data, "demo", "--readers", "25", "--days", "10")
	if r.code != 0 || !strings.Contains(r.stdout, "admin123") {
		t.Fatalf("demo: %+v", r)
	}
	if r := circa(t, nil, "", "--data", data, "demo"); r.code != 2 {
		t.Fatalf("second demo into a full library: %+v", r)
	}
	r = circa(t, nil, "", "--data", data, "check", "--json")
	if r.code != 0 {
		t.Fatalf("check: %+v", r)
	}
	var report struct {
		Counts    map[string]int `json:"counts"`
		StateHash string         `json:"state_hash"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("check --json: %v\n%s", err, r.stdout)
	}
	if report.Counts["readers"] != 25 || len(report.StateHash) != 64 {
		t.Errorf("check report: %+v", report)
	}

	// Batch check-out of three copies to one reader, then back in.
	codes := filepath.Join(dir, "codes.txt")
	os.WriteFile(codes, []byte("T000001\n# comment\nT000004,2026-11-27 10:00\nNOPE\n"), 0o644)
	if r := circa(t, nil, "", "--data", data, "batch", "checkout", "--reader", "R000021", codes); r.code != 2 {
		t.Fatalf("batch without a user: %+v", r)
	}
	if r := circa(t, map[string]string{"CIRCA_USER": "admin"}, "wrong\n", "--data", data, "batch", "checkin", codes); r.code != 1 ||
		!strings.Contains(r.stderr, "Wrong account name or password") {
		t.Fatalf("batch with a wrong password: %+v", r)
	}
	circa(t, staff, "", "--data", data, "batch", "checkin", codes) // whatever the demo had out
	r = circa(t, staff, "", "--data", data, "batch", "checkout", "--reader", "R000021", codes, "--json")
	var lines []struct {
		Barcode string `json:"barcode"`
		OK      bool   `json:"ok"`
		Reason  string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &lines); err != nil {
		t.Fatalf("batch --json: %v\n%+v", err, r)
	}
	if len(lines) != 3 || lines[2].Reason != "unknown_copy" {
		t.Fatalf("batch lines: %+v", lines)
	}
	r = circa(t, staff, "", "--data", data, "loans", "--reader", "R000021", "--json")
	var held struct {
		Loans []struct{ Barcode, Out, Due string }
		Holds []json.RawMessage
	}
	if err := json.Unmarshal([]byte(r.stdout), &held); r.code != 0 || err != nil || len(held.Loans) == 0 || held.Holds == nil {
		t.Fatalf("loans --json (%v): %+v", err, r)
	}
	for _, l := range held.Loans {
		if _, err := app.ParseDate(l.Out); err != nil {
			t.Errorf("loan of %s: out %q is not a YYYY-MM-DD day", l.Barcode, l.Out)
		}
		if _, err := app.ParseDate(l.Due); err != nil {
			t.Errorf("loan of %s: due %q is not a YYYY-MM-DD day", l.Barcode, l.Due)
		}
	}
	r = circa(t, staff, "", "--data", data, "--lang", "zh-Hans", "batch", "checkin", codes)
	if r.code != 0 || !strings.Contains(r.stdout, "条码") {
		t.Fatalf("Chinese batch report: %+v", r)
	}
	i18n.SetLang(i18n.English)

	// Backup, damage nothing, restore.
	before := circa(t, nil, "", "--data", data, "check", "--json")
	backup := filepath.Join(dir, "backup.db")
	if r := circa(t, nil, "", "--data", data, "backup", "--out", backup); r.code != 0 {
		t.Fatalf("backup: %+v", r)
	}
	if r := circa(t, nil, "", "--data", data, "restore", backup); r.code != 0 {
		t.Fatalf("restore: %+v", r)
	}
	after := circa(t, nil, "", "--data", data, "check", "--json")
	if after.code != 0 || after.stdout != before.stdout {
		t.Fatalf("check after restore: %+v", after)
	}
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("not a library"), 0o644)
	if r := circa(t, nil, "", "--data", data, "restore", garbage); r.code == 0 {
		t.Fatalf("restored garbage: %+v", r)
	}
	if r := circa(t, nil, "", "--data", data, "check"); r.code != 0 {
		t.Fatalf("library damaged by a refused restore: %+v", r)
	}
	if r := circa(t, nil, "", "--data", data, "check", "--compact"); r.code != 0 || !strings.Contains(r.stdout, "Compacted") {
		t.Fatalf("check --compact: %+v", r)
	}
	if r := circa(t, nil, "", "--data", data, "check"); r.code != 0 {
		t.Fatalf("library damaged by compacting: %+v", r)
	}
	if r := circa(t, nil, "", "frobnicate"); r.code != 2 {
		t.Fatalf("unknown command: %+v", r)
	}
}

func TestImportCommands(t *testing.T) {
	i18n.SetLang(i18n.English)
	dir := t.TempDir()
	data := filepath.Join(dir, "lib")
	staff := map[string]string{"CIRCA_USER": "admin", "CIRCA_PASSWORD": "admin123"}
	if r := circa(t, nil, "", "--data", data, "demo", "--readers", "5", "--days", "1"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	mrc := "../../../shared/data/marc21/marcperl__camel.usmarc"
	if _, err := os.Stat(mrc); err != nil {
		t.Skip("shared data is not here")
	}
	r := circa(t, staff, "", "--data", data, "import", "marc", mrc, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "Preview (nothing written). Records: 10") {
		t.Fatalf("dry run: %+v", r)
	}
	r = circa(t, staff, "", "--data", data, "import", "marc", mrc)
	if r.code != 0 || !strings.Contains(r.stdout, "10 new titles") {
		t.Fatalf("import: %+v", r)
	}
	r = circa(t, staff, "", "--data", data, "import", "marc", mrc)
	if r.code != 0 || !strings.Contains(r.stdout, "0 new titles, 10 already here") {
		t.Fatalf("second import: %+v", r)
	}
	// A file that is no MARC at all: each damaged record is not listed.
	junk := filepath.Join(dir, "junk.mrc")
	os.WriteFile(junk, bytes.Repeat([]byte("not a leader 0123456789\x1d"), 50), 0o644)
	r = circa(t, staff, "", "--data", data, "import", "marc", junk, "--dry-run")
	if lines := strings.Count(r.stdout, "\n"); r.code != 0 || lines > 23 || !strings.Contains(r.stdout, "… and 30 more (--json lists them all)") {
		t.Fatalf("a junk file (%d lines): %+v", lines, r)
	}
	list := filepath.Join(dir, "class.csv")
	os.WriteFile(list, []byte("学号,姓名,班级\nX1,王喆,五年级1班\n"), 0o644)
	r = circa(t, staff, "", "--data", data, "import", "csv-readers", list)
	if r.code != 0 || !strings.Contains(r.stdout, "1 registered") {
		t.Fatalf("class list: %+v", r)
	}
	r = circa(t, staff, "", "--data", data, "promote", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "六年级1班") {
		t.Fatalf("promotion preview: %+v", r)
	}
}

func TestDamagedLibraryPointsAtBackup(t *testing.T) {
	i18n.SetLang(i18n.English)
	data := filepath.Join(t.TempDir(), "lib")
	if r := circa(t, nil, "", "--data", data, "demo", "--readers", "5", "--days", "1"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	os.MkdirAll(filepath.Join(data, cli.BackupDir), 0o700)
	good := filepath.Join(data, cli.BackupDir, "circa-20261127-090000.db")
	if r := circa(t, nil, "", "--data", data, "backup", "--out", good); r.code != 0 {
		t.Fatalf("backup: %+v", r)
	}
	// Scribble over the middle of the file, as a failing disk would.
	path := filepath.Join(data, cli.LibraryFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(raw) / 3; i < len(raw)/3+16384 && i < len(raw); i++ {
		raw[i] ^= 0x5a
	}
	os.WriteFile(path, raw, 0o600)
	r := circa(t, nil, "", "--data", data, "check")
	if r.code == 0 {
		t.Fatalf("a damaged library passed the check: %+v", r)
	}
	if !strings.Contains(r.stderr, "circa restore "+good) {
		t.Fatalf("no backup advice: %+v", r)
	}
	if r := circa(t, nil, "", "--data", data, "restore", good); r.code != 0 {
		t.Fatalf("restore: %+v", r)
	}
	if r := circa(t, nil, "", "--data", data, "check"); r.code != 0 {
		t.Fatalf("after restore: %+v", r)
	}
}

func TestExportCommands(t *testing.T) {
	i18n.SetLang(i18n.English)
	dir := t.TempDir()
	data := filepath.Join(dir, "lib")
	staff := map[string]string{"CIRCA_USER": "admin", "CIRCA_PASSWORD": "admin123"}
	if r := circa(t, nil, "", "--data", data, "demo", "--readers", "10", "--days", "5"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	for _, tc := range []struct{ args []string }{
		{[]string{"export", "titles", "--format", "csv"}},
		{[]string{"export", "readers", "--format", "xlsx"}},
		{[]string{"export", "stats", "--format", "pdf", "--report", "loans"}},
		{[]string{"export", "marcxml"}},
		{[]string{"export", "all"}},
		{[]string{"labels", "copies"}},
		{[]string{"labels", "cards"}},
	} {
		out := filepath.Join(dir, strings.Join(tc.args, "-"))
		args := append([]string{"--data", data}, tc.args...)
		args = append(args, "--out", out)
		r := circa(t, staff, "", args...)
		if r.code != 0 {
			t.Errorf("%v: %+v", tc.args, r)
			continue
		}
		st, err := os.Stat(out)
		if err != nil || st.Size() == 0 {
			t.Errorf("%v wrote nothing: %v", tc.args, err)
		}
	}
	// --to is the period's last day, as on the statistics screen: a period
	// of one day is from and to the same date.
	day := filepath.Join(dir, "one-day.csv")
	if r := circa(t, staff, "", "--data", data, "export", "stats", "--report", "summary", "--format", "csv",
		"--from", "2026-03-02", "--to", "2026-03-02", "--out", day); r.code != 0 {
		t.Errorf("a one-day period: %+v", r)
	} else if raw, _ := os.ReadFile(day); !strings.Contains(string(raw), "2026-03-02 – 2026-03-02") {
		t.Errorf("a one-day period's report is headed %q", strings.SplitN(string(raw), "\n", 2)[0])
	}
	if r := circa(t, staff, "", "--data", data, "export", "stats", "--report", "summary",
		"--from", "2026-03-03", "--to", "2026-03-02", "--out", day); r.code == 0 {
		t.Errorf("a period that ends before it starts was accepted: %+v", r)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "export-all"))
	if strings.Contains(string(raw), "argon2id") || !strings.Contains(string(raw), `"collection":"readers"`) {
		t.Error("the JSON lines export leaks a hash or lacks readers")
	}
}

// TestUSBStickSync sets up a second desk from nothing through a bundle, as a
// rural library without a network would.
func TestUSBStickSync(t *testing.T) {
	i18n.SetLang(i18n.English)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	staff := map[string]string{"CIRCA_USER": "admin", "CIRCA_PASSWORD": "admin123"}
	if r := circa(t, nil, "", "--data", a, "demo", "--readers", "8", "--days", "3"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	idOf := func(data string) string {
		id, err := circasync.Identify(data)
		if err != nil {
			t.Fatal(err)
		}
		return id.ID
	}
	if r := circa(t, nil, "", "--data", b, "pair", "add", idOf(a)); r.code != 0 {
		t.Fatalf("new station pairs: %+v", r)
	}
	if r := circa(t, staff, "", "--data", a, "pair", "add", idOf(b)); r.code != 0 {
		t.Fatalf("pair: %+v", r)
	}
	bundle := filepath.Join(dir, "stick.circa")
	if r := circa(t, staff, "", "--data", a, "sync", "export", "--peer", idOf(b), "--out", bundle); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	if r := circa(t, nil, "", "--data", b, "sync", "import", bundle); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	if r := circa(t, staff, "", "--data", b, "sync", "import", bundle); r.code != 0 || !strings.Contains(r.stdout, "0 new events") {
		t.Fatalf("the same bundle twice: %+v", r)
	}
	hashOf := func(data string) string {
		r := circa(t, nil, "", "--data", data, "check", "--json")
		var rep struct {
			StateHash string `json:"state_hash"`
		}
		json.Unmarshal([]byte(r.stdout), &rep)
		return rep.StateHash
	}
	if ha, hb := hashOf(a), hashOf(b); ha == "" || ha != hb {
		t.Fatalf("after the bundle the stations differ: %s vs %s", ha, hb)
	}
	// A tampered bundle changes nothing.
	raw, _ := os.ReadFile(bundle)
	raw[len(raw)/2] ^= 1
	os.WriteFile(bundle, raw, 0o600)
	if r := circa(t, staff, "", "--data", b, "sync", "import", bundle); r.code == 0 {
		t.Fatalf("a tampered bundle was accepted: %+v", r)
	}
}
