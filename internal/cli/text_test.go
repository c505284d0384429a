package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

func TestCheckInTextSaysWhatFollowsALateReturn(t *testing.T) {
	t.Cleanup(func() { i18n.SetLang(i18n.English) })
	title := &app.Title{Title: "西游记"}
	for _, tc := range []struct {
		name string
		lang i18n.Lang
		r    app.CheckInResult
		want string
	}{
		{"on time", i18n.English, app.CheckInResult{WasOnLoan: true},
			"西游记: returned; put it back on the shelf."},
		{"late with a fine", i18n.English, app.CheckInResult{WasOnLoan: true, OverdueDays: 3, Fine: 150},
			"西游记: returned; put it back on the shelf. 3 days late, fine ¥1.50."},
		{"late, no fine", i18n.English, app.CheckInResult{WasOnLoan: true, OverdueDays: 28},
			"西游记: returned; put it back on the shelf. 28 days late."},
		{"late, suspended", i18n.English, app.CheckInResult{WasOnLoan: true, OverdueDays: 5, SuspendedTo: "2026-12-09"},
			"西游记: returned; put it back on the shelf. 5 days late. Borrowing suspended until 9 Dec 2026."},
		{"Chinese sentences", i18n.Chinese, app.CheckInResult{WasOnLoan: true, OverdueDays: 5, SuspendedTo: "2026-12-09"},
			"《西游记》：已还，请上架。逾期 5 天。暂停借阅至 2026年12月9日。"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i18n.SetLang(tc.lang)
			tc.r.Title = title
			if got := checkInText(&tc.r); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestFileProblemsAreExplained(t *testing.T) {
	t.Cleanup(func() { i18n.SetLang(i18n.English) })
	dir := t.TempDir()
	_, missing := os.Open(filepath.Join(dir, "codes.txt"))
	_, folder := readLines(dir)
	i18n.SetLang(i18n.Chinese)
	if got, want := Explain(missing), filepath.Join(dir, "codes.txt")+"：没有这个文件或文件夹，请核对路径。"; got != want {
		t.Errorf("a missing file: %q, want %q", got, want)
	}
	i18n.SetLang(i18n.English)
	if got, want := Explain(folder), dir+": this is a folder; name a file."; got != want {
		t.Errorf("a folder: %q, want %q", got, want)
	}
}
