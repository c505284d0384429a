package ui

import (
	"context"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/notices"
)

// mailSettings is the Settings tab of the notices' email: the mail server
// (library settings, synced, except the password, which stays on this
// computer) and whether this computer is the mail station, the one station
// that sends, so that no message goes out twice from two desks.
type mailSettings struct {
	d                          *desk
	host, port, user, from, pw *deskEntry
	security                   *widget.Select
	station                    *widget.Check
	status                     *widget.Label
	// send is how the test message goes out; tests replace it.
	send func(ctx context.Context, cfg notices.SMTPConfig, e *notices.Entry) error
	// tested, when set, is called once a test message's outcome is shown.
	tested func()
}

// mailSecurity pairs the choices of the security select with the stored
// SettingSMTPStartTLS values.
var mailSecurity = []struct{ key, value string }{
	{"settings.mail.starttls", "true"},
	{"settings.mail.implicit", "implicit"},
	{"settings.mail.plain", "false"},
}

func (s *settingsScreen) mailTab() fyne.CanvasObject {
	m := &mailSettings{d: s.d, status: wrapped(""),
		send: func(ctx context.Context, cfg notices.SMTPConfig, e *notices.Entry) error {
			return (&notices.SMTPMailer{Config: cfg}).Send(ctx, e)
		}}
	s.mail = m
	return m.build()
}

func (m *mailSettings) build() fyne.CanvasObject {
	d := m.d
	m.host, m.port, m.user, m.from = newEntry(d), newEntry(d), newEntry(d), newEntry(d)
	m.pw = newPasswordEntry(d)
	var names []string
	for _, c := range mailSecurity {
		names = append(names, tr(c.key))
	}
	m.security = widget.NewSelect(names, nil)
	m.station = widget.NewCheck(tr("settings.mail.station"), nil)
	m.load()
	save := widget.NewButton(tr("common.save"), m.save)
	save.Importance = widget.HighImportance
	test := widget.NewButton(tr("settings.mail.test"), m.sendTest)
	return container.NewVScroll(container.NewVBox(
		wrapped(tr("settings.mail.intro")),
		form(label(tr("settings.mail.host")), m.host, label(tr("settings.mail.port")), m.port,
			label(tr("settings.mail.security")), m.security, label(tr("settings.mail.user")), m.user,
			label(tr("settings.mail.password")), m.pw, label(tr("settings.mail.from")), m.from),
		m.station, wrapped(tr("settings.mail.station_help")),
		container.NewHBox(save, test), m.status))
}

// load shows what is stored.
func (m *mailSettings) load() {
	cfg, err := notices.SMTPConfigOf(m.d.lib)
	if err != nil {
		m.status.SetText(errorText(err))
	}
	m.host.SetText(cfg.Host)
	m.port.SetText(strconv.Itoa(cfg.Port))
	m.user.SetText(cfg.User)
	m.from.SetText(cfg.From)
	m.pw.SetText("")
	if cfg.Password != "" {
		m.pw.SetPlaceHolder(tr("settings.mail.password_kept"))
	}
	mode, _ := m.d.lib.Setting(notices.SettingSMTPStartTLS, "true")
	m.security.SetSelectedIndex(0)
	for i, c := range mailSecurity {
		if c.value == mode {
			m.security.SetSelectedIndex(i)
		}
	}
	station, _ := m.d.lib.Setting(notices.SettingMailStation, "")
	m.station.SetChecked(station != "" && station == m.d.lib.Station())
}

// check refuses, in words, a port or sender address that cannot work.
func (m *mailSettings) check() error {
	if n, err := strconv.Atoi(strings.TrimSpace(m.port.Text)); err != nil || n < 1 || n > 65535 {
		return app.Refuse(app.ReasonInvalidInput, "field", tr("settings.mail.port"))
	}
	if from := strings.TrimSpace(m.from.Text); from != "" {
		if _, err := mail.ParseAddress(from); err != nil {
			return app.Refuse(app.ReasonInvalidInput, "field", tr("settings.mail.from"))
		}
	}
	return nil
}

func (m *mailSettings) save() {
	if err := m.check(); err != nil {
		m.status.SetText(errorText(err))
		return
	}
	d := m.d
	mode := mailSecurity[max(m.security.SelectedIndex(), 0)].value
	station, _ := d.lib.Setting(notices.SettingMailStation, "")
	switch {
	case m.station.Checked:
		station = d.lib.Station()
	case station == d.lib.Station():
		station = ""
	}
	for _, s := range []struct{ name, value, def string }{
		{notices.SettingSMTPHost, m.host.Text, ""},
		{notices.SettingSMTPPort, m.port.Text, "587"},
		{notices.SettingSMTPStartTLS, mode, "true"},
		{notices.SettingSMTPUser, m.user.Text, ""},
		{notices.SettingSMTPFrom, m.from.Text, ""},
		{notices.SettingMailStation, station, ""},
	} {
		if err := saveSetting(d, s.name, strings.TrimSpace(s.value), s.def); err != nil {
			m.status.SetText(errorText(err))
			return
		}
	}
	if m.pw.Text != "" {
		if err := notices.SetSMTPPassword(d.lib, d.actor, m.pw.Text); err != nil {
			m.status.SetText(errorText(err))
			return
		}
	}
	m.load()
	m.status.SetText(tr("settings.saved"))
}

// sendTest sends one message to the sender's own address, in the
// background, and says how it went.
func (m *mailSettings) sendTest() {
	cfg, err := notices.SMTPConfigOf(m.d.lib)
	if err != nil {
		m.status.SetText(errorText(err))
		return
	}
	if !cfg.Configured() {
		m.status.SetText(tr("notices.ui.smtp_missing"))
		return
	}
	e := &notices.Entry{ID: m.d.lib.NewID(), To: cfg.From, Name: cfg.From,
		Subject: tr("settings.mail.test_subject"), Body: tr("settings.mail.test_body")}
	m.status.SetText(tr("notices.ui.sending"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := m.send(ctx, cfg, e)
		fyne.Do(func() {
			if err != nil {
				m.status.SetText(tr("settings.mail.test_failed", "error", firstLine(err.Error())))
			} else {
				m.status.SetText(tr("settings.mail.test_sent", "to", cfg.From))
			}
			if m.tested != nil {
				m.tested()
			}
		})
	}()
}
