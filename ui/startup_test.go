package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/assets/i18n"
)

func TestShowOpeningSaysWhatIsHappeningInBothLanguages(t *testing.T) {
	for _, c := range []struct {
		lang i18n.Lang
		want string
	}{{i18n.English, "Opening the library"}, {i18n.Chinese, "正在打开图书馆"}} {
		i18n.SetLang(c.lang)
		a := test.NewTempApp(t)
		w := ShowOpening(a)
		var text string
		var bar bool
		walk(w.Content(), func(o fyne.CanvasObject) bool {
			switch o := o.(type) {
			case *widget.Label:
				text += o.Text
			case *widget.ProgressBarInfinite:
				bar = true
			}
			return true
		})
		if !strings.Contains(text, c.want) || !bar {
			t.Errorf("%s: opening window shows %q (progress bar %v)", c.lang, text, bar)
		}
		w.Close()
	}
	i18n.SetLang(i18n.English)
}
