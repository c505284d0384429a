package ui

import (
	"bytes"
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/notices"
	"github.com/circa-library/circa/assets/i18n"
	circasync "github.com/circa-library/circa/sync"
)

// noticesScreen lists the notices of one kind, grouped by class or overdue
// band, and sends them out: slips, class lists, an SMS list, or email
// through the outbox.
type noticesScreen struct {
	w      fyne.Window
	lib    *app.Library
	actor  func() app.Actor
	outbox *notices.Outbox
	kind   *widget.Select
	group  *widget.Select
	days   *widget.Entry
	status *widget.Label
	mail   *widget.Label
	list   *fyne.Container
	shown  []*notices.Notice
	kinds  []notices.Kind
	// done is called after each background job (tests wait on it).
	done func()
}

// NewNoticesScreen returns the notices screen for lib.
func NewNoticesScreen(w fyne.Window, lib *app.Library, actor func() app.Actor) fyne.CanvasObject {
	return newNoticesScreen(w, lib, actor).content()
}

func newNoticesScreen(w fyne.Window, lib *app.Library, actor func() app.Actor) *noticesScreen {
	s := &noticesScreen{w: w, lib: lib, actor: actor, outbox: notices.NewOutbox(lib),
		status: widget.NewLabel(""), mail: widget.NewLabel(""), list: container.NewVBox(), kinds: notices.Kinds}
	var names []string
	for _, k := range s.kinds {
		names = append(names, kindText(k))
	}
	s.kind = widget.NewSelect(names, func(string) { s.generate() })
	s.group = widget.NewSelect([]string{tr("notices.ui.by_class"), tr("notices.ui.by_band"), tr("notices.ui.no_grouping")}, func(string) { s.show() })
	s.mail.Wrapping = fyne.TextWrapWord
	s.days = widget.NewEntry()
	s.days.SetText("3")
	return s
}

func kindText(k notices.Kind) string {
	switch k {
	case notices.DueSoon:
		return tr("notices.kind.due_soon")
	case notices.Overdue:
		return tr("notices.kind.overdue")
	case notices.HoldReady:
		return tr("notices.kind.hold_ready")
	case notices.CardExpired:
		return tr("notices.kind.card_expired")
	}
	return string(k)
}

func (s *noticesScreen) content() fyne.CanvasObject {
	refresh := widget.NewButton(tr("notices.ui.refresh"), s.generate)
	slips := widget.NewButton(tr("notices.ui.slips"), func() { s.print(false) })
	lists := widget.NewButton(tr("notices.ui.class_lists"), func() { s.print(true) })
	sms := widget.NewButton(tr("notices.ui.sms"), s.smsList)
	email := widget.NewButton(tr("notices.ui.email"), s.queueEmail)
	send := widget.NewButton(tr("notices.ui.send_now"), s.sendNow)
	email.Importance = widget.HighImportance
	bar := container.NewHBox(s.kind, label(tr("notices.ui.days_ahead")),
		container.NewGridWrap(fyne.NewSize(60, s.days.MinSize().Height), s.days), s.group, refresh)
	actions := container.NewHBox(slips, lists, sms, email, send)
	s.group.SetSelectedIndex(0)
	s.kind.SetSelectedIndex(1)
	s.updateMail()
	return container.NewBorder(container.NewVBox(bar, actions, s.status, s.mail), nil, nil, nil, container.NewVScroll(s.list))
}

func (s *noticesScreen) selectedKind() notices.Kind {
	i := s.kind.SelectedIndex()
	if i < 0 || i >= len(s.kinds) {
		return notices.Overdue
	}
	return s.kinds[i]
}

func (s *noticesScreen) generate() {
	if s.kind.SelectedIndex() < 0 {
		return
	}
	days, _ := strconv.Atoi(trimCode(s.days.Text))
	ns, err := notices.Generate(s.lib, s.selectedKind(), notices.Options{DueSoonDays: days})
	if err != nil {
		s.status.SetText(errorText(err))
		return
	}
	s.shown = ns
	s.status.SetText(tr("notices.ui.count", "count", len(ns)))
	s.show()
}

// show lists the notices in their groups: one line per reader.
func (s *noticesScreen) show() {
	s.list.RemoveAll()
	var groups []notices.Group
	switch s.group.SelectedIndex() {
	case 0:
		groups = notices.ByClass(s.shown)
	case 1:
		groups = notices.ByBand(s.shown)
	default:
		groups = []notices.Group{{Notices: s.shown}}
	}
	for _, g := range groups {
		if len(groups) > 1 || g.Key != "" {
			key := g.Key
			if key == "" {
				key = tr("notices.no_class")
			}
			s.list.Add(heading(tr("notices.ui.group", "name", key, "count", len(g.Notices))))
		}
		for _, n := range g.Notices {
			reach := n.Reader.Email
			if reach == "" {
				reach = n.Reader.Phone
			}
			if reach == "" {
				reach = tr("notices.ui.no_contact")
			}
			line := tr("notices.ui.line", "name", n.Reader.Name, "card", n.Reader.Card, "items", len(n.Items), "contact", reach)
			if n.Kind == notices.Overdue {
				line += "  " + tr("notices.ui.overdue_days", "days", n.MaxOverdue())
			}
			s.list.Add(wrapped(line))
		}
	}
	s.list.Refresh()
}

// templates returns the notice templates for the notices shown, or nil
// after saying on the status line why there is nothing to do: no notice
// shown, or templates that cannot be read.
func (s *noticesScreen) templates() *notices.Templates {
	if len(s.shown) == 0 {
		s.status.SetText(tr("notices.ui.none"))
		return nil
	}
	ts, err := notices.LoadTemplates(s.lib, i18n.Current().Lang())
	if err != nil {
		s.status.SetText(errorText(err))
		return nil
	}
	return ts
}

// print makes slips (a block per reader) or class lists (a page per class)
// and records them as issued.
func (s *noticesScreen) print(classLists bool) {
	ts := s.templates()
	if ts == nil {
		return
	}
	var buf bytes.Buffer
	var err error
	name := "circa-slips-"
	if classLists {
		name = "circa-class-lists-"
		err = notices.ClassLists(&buf, s.shown, i18n.Current(), kindText(s.selectedKind())+" "+dateText(s.lib.Today()))
	} else {
		err = notices.Slips(&buf, s.shown, ts)
	}
	if err == nil {
		err = s.outbox.Record(s.actor(), s.shown, notices.Print, ts)
	}
	if err != nil {
		s.status.SetText(errorText(err))
		return
	}
	saveBytes(s.w, name+string(s.lib.Today())+".pdf", buf.Bytes(), s.status)
}

func (s *noticesScreen) smsList() {
	ts := s.templates()
	if ts == nil {
		return
	}
	var buf bytes.Buffer
	noPhone, err := notices.SMSCSV(&buf, s.shown, ts, i18n.Current())
	if err == nil {
		err = s.outbox.Record(s.actor(), s.shown, notices.SMS, ts)
	}
	if err != nil {
		s.status.SetText(errorText(err))
		return
	}
	saveBytes(s.w, "circa-sms-"+string(s.lib.Today())+".csv", buf.Bytes(), s.status)
	if len(noPhone) > 0 {
		s.mail.SetText(tr("notices.ui.no_phone", "count", len(noPhone)))
	}
}

func (s *noticesScreen) queueEmail() {
	ts := s.templates()
	if ts == nil {
		return
	}
	res, err := s.outbox.Queue(s.actor(), s.shown, ts)
	if err != nil {
		s.status.SetText(errorText(err))
		return
	}
	s.status.SetText(tr("notices.ui.queued", "queued", res.Queued, "already", res.Already, "no_address", len(res.NoAddress)))
	s.updateMail()
}

// sendNow sends pending mail in the background.
func (s *noticesScreen) sendNow() {
	cfg, err := notices.SMTPConfigOf(s.lib)
	if err != nil {
		s.status.SetText(errorText(err))
		return
	}
	if !cfg.Configured() {
		s.mail.SetText(tr("notices.ui.smtp_missing"))
		return
	}
	s.mail.SetText(tr("notices.ui.sending"))
	go func() {
		res, err := s.outbox.SendPending(context.Background(), &notices.SMTPMailer{Config: cfg})
		fyne.Do(func() {
			switch {
			case err != nil:
				s.mail.SetText(errorText(err))
			case res.LastError != nil:
				s.mail.SetText(tr("notices.ui.send_later", "sent", res.Sent, "left", res.Deferred, "error", firstLine(res.LastError.Error())))
			default:
				s.updateMail()
				s.status.SetText(tr("notices.ui.sent", "sent", res.Sent, "failed", res.Failed))
			}
			if s.done != nil {
				s.done()
			}
		})
	}()
}

func (s *noticesScreen) updateMail() {
	pending, err := s.outbox.Pending()
	if err != nil {
		s.mail.SetText(errorText(err))
		return
	}
	s.mail.SetText(tr("notices.ui.outbox", "count", len(pending)) + "\n" + mailStationText(s.lib))
}

// mailStationText says which station sends the library's email (the mail
// station is a library setting and syncs, so every desk says the same).
func mailStationText(lib *app.Library) string {
	station, err := lib.Setting(notices.SettingMailStation, "")
	switch {
	case err != nil:
		return errorText(err)
	case station == "":
		return tr("notices.ui.mail_station_none")
	case station == lib.Station():
		return tr("notices.ui.mail_station_here")
	}
	return tr("notices.ui.mail_station_other", "station", circasync.ShortID(station))
}
