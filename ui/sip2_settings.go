package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/internal/sip2app"
	"github.com/circa-library/circa/sip2"
)

// NewSIP2Settings is the settings page of the self-check units: whether
// this computer answers them, on which address and in which character set,
// and the units' logins. actor is the signed-in staff member at the time
// of each change; the library refuses changes they may not make.
func NewSIP2Settings(w fyne.Window, lib *app.Library, actor func() app.Actor) fyne.CanvasObject {
	s := &sip2Settings{win: w, lib: lib, actor: actor, status: wrapped(""), accounts: container.NewVBox()}
	return s.build()
}

type sip2Settings struct {
	win      fyne.Window
	lib      *app.Library
	actor    func() app.Actor
	status   *widget.Label
	accounts *fyne.Container
}

var sip2Charsets = []string{string(sip2.UTF8), string(sip2.GB18030), string(sip2.CP850)}

// sip2Langs are the language choices: the library-wide one first.
func sip2LangNames() []string { return []string{tr("lang.zh-Hans"), tr("lang.en")} }

func sip2LangOf(name string) i18n.Lang {
	if name == tr("lang.en") {
		return i18n.English
	}
	return i18n.Chinese
}

func sip2LangName(l i18n.Lang) string {
	switch l {
	case i18n.English:
		return tr("lang.en")
	case i18n.Chinese:
		return tr("lang.zh-Hans")
	}
	return tr("sip2.ui.lang_default")
}

func (s *sip2Settings) build() fyne.CanvasObject {
	cfg, err := sip2app.LoadConfig(s.lib)
	if err != nil {
		s.status.SetText(errorText(err))
	}
	enabled := widget.NewCheck(tr("sip2.ui.enabled"), nil)
	enabled.SetChecked(cfg.Enabled)
	listen := widget.NewEntry()
	listen.SetText(cfg.Listen)
	charset := widget.NewSelect(sip2Charsets, nil)
	charset.SetSelected(string(sip2.UTF8))
	for _, c := range sip2Charsets {
		if sip2.Charset(c) == cfg.Charset {
			charset.SetSelected(c)
		}
	}
	lang := widget.NewSelect(sip2LangNames(), nil)
	lang.SetSelected(sip2LangName(sip2app.DefaultLang(s.lib)))
	cert, key := widget.NewEntry(), widget.NewEntry()
	cert.SetText(cfg.TLSCert)
	key.SetText(cfg.TLSKey)
	save := widget.NewButton(tr("common.save"), func() {
		c := sip2app.Config{Enabled: enabled.Checked, Listen: listen.Text, Charset: sip2.Charset(charset.Selected),
			TLSCert: cert.Text, TLSKey: key.Text}
		err := sip2app.SaveConfig(s.lib, s.actor(), c)
		if err == nil {
			err = sip2app.SetDefaultLang(s.lib, s.actor(), sip2LangOf(lang.Selected))
		}
		if err != nil {
			s.status.SetText(errorText(err))
			return
		}
		s.status.SetText(tr("sip2.ui.saved"))
	})
	s.refreshAccounts()
	add := widget.NewButton(tr("sip2.ui.add"), s.addAccount)
	return container.NewVScroll(container.NewVBox(
		heading(tr("sip2.ui.title")),
		heading(tr("sip2.ui.server")),
		enabled,
		form(
			label(tr("sip2.ui.listen")), listen,
			label(""), wrapped(tr("sip2.ui.listen_help")),
			label(tr("sip2.ui.charset")), charset,
			label(tr("sip2.ui.lang")), lang,
			label(tr("sip2.ui.tls_cert")), cert,
			label(tr("sip2.ui.tls_key")), key,
		),
		container.NewHBox(save),
		s.status,
		heading(tr("sip2.ui.accounts")),
		s.accounts,
		container.NewHBox(add),
	))
}

// refreshAccounts lists the logins again, each with its remove button.
func (s *sip2Settings) refreshAccounts() {
	s.accounts.RemoveAll()
	list, err := sip2app.ListAccounts(s.lib)
	if err != nil {
		s.accounts.Add(wrapped(errorText(err)))
		return
	}
	if len(list) == 0 {
		s.accounts.Add(wrapped(tr("sip2.ui.none")))
	}
	for _, a := range list {
		line := tr("sip2.ui.account_line", "user", a.User, "location", a.Location, "lang", sip2LangName(a.Lang))
		if a.Payments {
			line += " · " + tr("sip2.right.payments")
		}
		if a.Block {
			line += " · " + tr("sip2.right.block")
		}
		user := a.User
		remove := widget.NewButton(tr("sip2.ui.remove"), func() { s.removeAccount(user) })
		s.accounts.Add(container.NewBorder(nil, nil, nil, remove, label(line)))
	}
	s.accounts.Refresh()
}

func (s *sip2Settings) addAccount() {
	user, password, location := widget.NewEntry(), widget.NewPasswordEntry(), widget.NewEntry()
	langs := append([]string{tr("sip2.ui.lang_default")}, sip2LangNames()...)
	lang := widget.NewSelect(langs, nil)
	lang.SetSelected(langs[0])
	payments := widget.NewCheck(tr("sip2.ui.payments"), nil)
	block := widget.NewCheck(tr("sip2.ui.block"), nil)
	items := []*widget.FormItem{
		widget.NewFormItem(tr("sip2.ui.user"), user),
		widget.NewFormItem(tr("sip2.ui.password"), password),
		widget.NewFormItem(tr("sip2.ui.location"), location),
		widget.NewFormItem(tr("sip2.ui.account_lang"), lang),
		widget.NewFormItem("", payments),
		widget.NewFormItem("", block),
	}
	dialog.ShowForm(tr("sip2.ui.add"), tr("common.save"), tr("common.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		a := sip2app.Account{User: user.Text, Location: location.Text, Payments: payments.Checked, Block: block.Checked}
		if lang.Selected != langs[0] {
			a.Lang = sip2LangOf(lang.Selected)
		}
		pw, actor := password.Text, s.actor()
		// Hashing the password takes a second: not on the UI thread.
		go func() {
			err := sip2app.AddAccount(s.lib, actor, a, pw)
			fyne.Do(func() {
				if err != nil {
					s.status.SetText(errorText(err))
					return
				}
				s.status.SetText("")
				s.refreshAccounts()
			})
		}()
	}, s.win)
}

func (s *sip2Settings) removeAccount(user string) {
	dialog.ShowConfirm(tr("sip2.ui.remove"), tr("sip2.ui.remove_confirm", "user", user), func(ok bool) {
		if !ok {
			return
		}
		if err := sip2app.RemoveAccount(s.lib, s.actor(), user); err != nil {
			s.status.SetText(errorText(err))
			return
		}
		s.refreshAccounts()
	}, s.win)
}
