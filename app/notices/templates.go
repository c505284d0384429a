package notices

import (
	"embed"
	"strings"
	"text/template"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// SettingTemplates is the prefix of the settings that override the default
// templates of a language: notices.templates.en, notices.templates.zh-Hans.
// The value is text/template source with {{define "overdue.body"}} … blocks.
const SettingTemplates = "notices.templates."

// Message is a rendered notice.
type Message struct {
	Subject string
	Body    string
	SMS     string
}

// templateData is what templates see.
type templateData struct {
	*Notice
	Library string
	Phone   string
	// MaxOverdue is the most days an item is overdue.
	MaxOverdue int
}

// Templates renders notices in one language with the library's overrides.
type Templates struct {
	t       *template.Template
	library string
	phone   string
}

// LoadTemplates reads the default templates of lang and the library's
// overrides (SettingTemplates+lang), and the library's name and phone.
func LoadTemplates(lib *app.Library, lang i18n.Lang) (*Templates, error) {
	over, err := lib.Setting(SettingTemplates+string(lang), "")
	if err != nil {
		return nil, err
	}
	name, err := lib.Setting(app.SettingLibraryName, "")
	if err != nil {
		return nil, err
	}
	phone, err := lib.Setting(app.SettingLibraryPhone, "")
	if err != nil {
		return nil, err
	}
	return NewTemplates(lang, over, name, phone)
}

// NewTemplates parses the default templates of lang and then overrides, whose
// blocks replace the defaults of the same name.
func NewTemplates(lang i18n.Lang, overrides, library, phone string) (*Templates, error) {
	cat := i18n.New(lang)
	funcs := template.FuncMap{
		"date": func(d app.Date) string {
			if d.IsZero() {
				return ""
			}
			return cat.Date(d.Time())
		},
	}
	src, err := templateFS.ReadFile("templates/" + string(cat.Lang()) + ".tmpl")
	if err != nil {
		return nil, errors.Wrap(err, "reading the default templates")
	}
	t, err := template.New("notices").Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, errors.Wrap(err, "parsing the default templates")
	}
	if strings.TrimSpace(overrides) != "" {
		if t, err = t.Parse(overrides); err != nil {
			return nil, errors.Mark(errors.Wrap(err, "parsing the library's notice templates"), app.ErrInvalidInput)
		}
	}
	return &Templates{t: t, library: library, phone: phone}, nil
}

// Render fills in the subject, body and SMS text of n.
func (ts *Templates) Render(n *Notice) (Message, error) {
	data := templateData{Notice: n, Library: ts.library, Phone: ts.phone, MaxOverdue: n.MaxOverdue()}
	var m Message
	for _, part := range []struct {
		name string
		out  *string
	}{{"subject", &m.Subject}, {"body", &m.Body}, {"sms", &m.SMS}} {
		var b strings.Builder
		if err := ts.t.ExecuteTemplate(&b, string(n.Kind)+"."+part.name, data); err != nil {
			return Message{}, errors.Wrapf(err, "rendering the %s of a %s notice", part.name, n.Kind)
		}
		*part.out = strings.TrimSpace(b.String())
	}
	m.Subject = strings.Join(strings.Fields(m.Subject), " ")
	return m, nil
}
