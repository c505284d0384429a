package explain_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/explain"
	"github.com/circa-library/circa/assets/i18n"
)

func TestRefusalsInWords(t *testing.T) {
	zh, en := i18n.New(i18n.Chinese), i18n.New(i18n.English)
	for _, tc := range []struct {
		name string
		cat  *i18n.Catalogue
		r    app.Refusal
		want string
	}{
		{"a due day as the language writes it", zh,
			app.Refusal{Reason: app.ReasonCopyOnLoan, Facts: map[string]string{"reader": "朱欣怡", "due": "2026-10-30"}},
			"这本书已借给朱欣怡，应还日期 2026年10月30日。请先办理还书。"},
		{"a field by its name", zh,
			app.Refusal{Reason: app.ReasonFieldRequired, Facts: map[string]string{"field": "name"}},
			"请填写姓名。"},
		{"a field no translation knows keeps its code", en,
			app.Refusal{Reason: app.ReasonFieldRequired, Facts: map[string]string{"field": "shoe_size"}},
			"Please fill in shoe_size."},
		{"an unknown reason", en, app.Refusal{Reason: "moon_phase"}, "Refused (moon_phase)."},
		{"an invalid value named", zh,
			app.Refusal{Reason: app.ReasonInvalidInput, Facts: map[string]string{"field": "format", "value": "doc"}},
			"格式不能是“doc”。"},
		{"an invalid entry without its value", en,
			app.Refusal{Reason: app.ReasonInvalidInput, Facts: map[string]string{"field": "price"}},
			"This entry is not valid: the price."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := explain.Refusal(tc.cat, &tc.r); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestFacts(t *testing.T) {
	en := i18n.New(i18n.English)
	for _, tc := range []struct{ name, value, want string }{
		{"until", "2026-12-09", "9 Dec 2026"},
		{"until", "soon", "soon"}, // not a day: as it is
		{"owed", "1250", "¥12.50"},
		{"status", string(app.CopyOnLoan), en.T("copy_status.on_loan")},
		{"reader", "", "None"},
		{"card", "R1", "R1"},
	} {
		if got := explain.Fact(en, tc.name, tc.value); got != tc.want {
			t.Errorf("Fact(%s, %q) = %q, want %q", tc.name, tc.value, got, tc.want)
		}
	}
}

func TestFileProblems(t *testing.T) {
	zh := i18n.New(i18n.Chinese)
	dir := t.TempDir()
	_, missing := os.Open(filepath.Join(dir, "list.csv"))
	if got, ok := explain.File(zh, errors.Wrap(missing, "opening the list")); !ok || got != filepath.Join(dir, "list.csv")+"：没有这个文件或文件夹，请核对路径。" {
		t.Errorf("a missing file: %q %v", got, ok)
	}
	if _, ok := explain.File(zh, errors.New("something else")); ok {
		t.Error("an error that is no file's was put into file words")
	}
}

func TestErrorsInWords(t *testing.T) {
	en := i18n.New(i18n.English)
	if got, ok := explain.Error(en, app.Refuse(app.ReasonFieldRequired, "field", "name")); !ok || got != "Please fill in the name." {
		t.Errorf("a refusal: %q %v", got, ok)
	}
	path := filepath.Join(t.TempDir(), "x")
	_, missing := os.Open(path)
	if got, ok := explain.Error(en, missing); !ok || got != path+": there is no such file or folder. Check the path." {
		t.Errorf("a missing file: %q %v", got, ok)
	}
	if got, ok := explain.Error(en, errors.New("bolt: timeout\ngoroutine 1 [running]")); ok || got != "bolt: timeout" {
		t.Errorf("anything else: %q %v, want its first line", got, ok)
	}
}
