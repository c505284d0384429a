package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

// settingsScreen is the admin's: library details, card types and rules,
// the calendar, staff, language and the data folder.
type settingsScreen struct {
	d    *desk
	tabs *container.AppTabs
	tab  int
	// library details, by setting name
	fields map[string]*deskEntry
	lang   *widget.Select
	rules  *rulesGrid
	mail   *mailSettings
}

func newSettingsScreen(d *desk) *settingsScreen { return &settingsScreen{d: d} }

func (s *settingsScreen) build() fyne.CanvasObject {
	d := s.d
	s.rules = newRulesGrid(d)
	actor := func() app.Actor { return d.actor }
	type tab struct {
		name  string
		build func() fyne.CanvasObject
	}
	tabs := []tab{
		{tr("settings.library"), s.libraryTab},
		{tr("settings.rules"), s.rules.build},
		{tr("settings.card_types"), s.cardTypesTab},
		{tr("settings.calendar"), s.calendarTab},
		{tr("settings.staff"), s.staffTab},
		{tr("settings.data"), s.dataTab},
		{tr("settings.mail"), s.mailTab},
	}
	if d.cfg.ScannerManager != nil {
		tabs = append(tabs, tab{tr("settings.scanners"), func() fyne.CanvasObject {
			return NewScannerSettings(d.win, d.cfg.DataDir, d.cfg.ScannerManager)
		}})
	}
	if d.cfg.Sync != nil {
		tabs = append(tabs, tab{tr("settings.sync"), func() fyne.CanvasObject { return NewSyncScreen(d.win, d.cfg.Sync, actor) }})
	}
	tabs = append(tabs, tab{tr("settings.sip2"), func() fyne.CanvasObject { return NewSIP2Settings(d.win, d.lib, actor) }})
	if d.actor.Can(app.PermImport) {
		tabs = append(tabs,
			tab{tr("settings.import"), func() fyne.CanvasObject { return NewImportScreen(d.win, d.lib, actor) }},
			tab{tr("settings.year_end"), func() fyne.CanvasObject { return NewYearEndScreen(d.lib, actor) }})
	}
	if d.actor.Can(app.PermViewAudit) {
		tabs = append(tabs,
			tab{tr("settings.audit"), func() fyne.CanvasObject { return NewAuditScreen(d.lib, actor) }},
			tab{tr("settings.feedback"), func() fyne.CanvasObject { return NewFeedbackScreen(d.lib, actor) }})
	}
	// Tabs are built when first opened: some screens read the whole log.
	items := make([]*container.TabItem, len(tabs))
	built := make([]bool, len(tabs))
	for i, t := range tabs {
		items[i] = container.NewTabItem(t.name, widget.NewLabel(""))
	}
	open := func(i int) {
		if i >= 0 && i < len(tabs) && !built[i] {
			built[i] = true
			items[i].Content = tabs[i].build()
		}
	}
	if s.tab >= len(tabs) {
		s.tab = 0
	}
	open(s.tab)
	s.tabs = container.NewAppTabs(items...)
	s.tabs.SelectIndex(s.tab)
	s.tabs.OnSelected = func(*container.TabItem) {
		s.tab = s.tabs.SelectedIndex()
		if !built[s.tab] {
			open(s.tab)
			s.tabs.Refresh()
		}
	}
	return s.tabs
}

// reload rebuilds the current tab's content after a change.
func (s *settingsScreen) reload() {
	if s.d.screen == ScreenSettings && s.d.mode == "main" {
		s.d.show(ScreenSettings)
	}
}

// libraryTab edits the library's details, card numbering, the idle lock
// and the language.
func (s *settingsScreen) libraryTab() fyne.CanvasObject {
	d := s.d
	s.fields = map[string]*deskEntry{}
	names := []struct{ setting, key, def string }{
		{app.SettingLibraryName, "settings.library_name", ""},
		{app.SettingLibraryAddress, "settings.library_address", ""},
		{app.SettingLibraryPhone, "settings.library_phone", ""},
		{app.SettingTimeZone, "settings.time_zone", ""},
		{app.SettingCardPrefix, "settings.card_prefix", "R"},
		{app.SettingCardDigits, "settings.card_digits", "6"},
		{app.SettingCardNext, "settings.card_next", "1"},
		{app.SettingRetentionDays, "settings.retention_days", "0"},
		{app.SettingBlockThreshold, "settings.block_threshold", "0"},
		{app.SettingLostCharge, "settings.lost_charge", "0"},
		{app.SettingDamagedCharge, "settings.damaged_charge", "0"},
		{settingLockMinutes, "settings.lock_minutes", strconv.Itoa(defaultLockMinutes)},
	}
	var pairs []fyne.CanvasObject
	for _, n := range names {
		e := newEntry(d)
		v, _ := d.lib.Setting(n.setting, n.def)
		e.SetText(v)
		s.fields[n.setting] = e
		pairs = append(pairs, label(tr(n.key)), e)
	}
	s.fields[app.SettingTimeZone].SetPlaceHolder(tr("settings.time_zone_hint"))
	save := widget.NewButton(tr("common.save"), func() {
		for _, n := range names {
			if err := saveSetting(d, n.setting, s.fields[n.setting].Text, n.def); err != nil {
				d.status.setAction(errorText(err))
				return
			}
		}
		d.status.setAction(tr("settings.saved"))
	})
	save.Importance = widget.HighImportance
	var langNames []string
	for _, l := range i18n.Langs() {
		langNames = append(langNames, tr("lang."+string(l)))
	}
	s.lang = widget.NewSelect(langNames, nil)
	for i, l := range i18n.Langs() {
		if l == d.lang {
			s.lang.SetSelectedIndex(i)
		}
	}
	s.lang.OnChanged = func(string) {
		if i := s.lang.SelectedIndex(); i >= 0 {
			d.setLang(i18n.Langs()[i])
		}
	}
	moneyHelp := wrapped(tr("settings.money_in_fen"))
	return container.NewVScroll(container.NewVBox(
		form(label(tr("common.language")), s.lang),
		widget.NewSeparator(),
		form(pairs...), moneyHelp, save))
}

// saveSetting writes value to setting name unless it holds it already
// (def when unset), so saving a form records only what changed.
func saveSetting(d *desk, name, value, def string) error {
	if old, _ := d.lib.Setting(name, def); old == value {
		return nil
	}
	return d.lib.SetSetting(d.actor, name, value)
}

// cardTypesTab edits the card types, one row each, and adds new ones.
func (s *settingsScreen) cardTypesTab() fyne.CanvasObject {
	d := s.d
	cts, err := d.lib.CardTypes()
	grid := container.NewGridWithColumns(7,
		label(tr("cardtype.code")), label(tr("cardtype.name")), label(tr("cardtype.name_en")),
		label(tr("cardtype.valid_days")), label(tr("cardtype.max_fines")), label(tr("cardtype.require_pin")), label(""))
	row := func(ct *app.CardType) {
		code, name, nameEN, days, maxFines := newEntry(d), newEntry(d), newEntry(d), newEntry(d), newEntry(d)
		pin := widget.NewCheck("", nil)
		if ct != nil {
			code.SetText(ct.Code)
			code.Disable()
			name.SetText(ct.Name)
			nameEN.SetText(ct.NameEN)
			days.SetText(strconv.Itoa(ct.ValidDays))
			maxFines.SetText(moneyInput(ct.MaxFines))
			pin.SetChecked(ct.RequirePIN)
		}
		save := widget.NewButton(tr("common.save"), func() {
			n, err1 := atoi(days.Text)
			m, ok := parseMoney(maxFines.Text)
			if days.Text == "" {
				n, err1 = 0, nil
			}
			if err1 != nil || !ok {
				d.status.setAction(errorText(app.Refuse(app.ReasonInvalidInput, "field", "valid_days")))
				return
			}
			if _, err := d.lib.SaveCardType(d.actor, app.CardTypeInput{Code: code.Text, Name: name.Text, NameEN: nameEN.Text,
				ValidDays: n, RequirePIN: pin.Checked, MaxFines: m}); err != nil {
				d.status.setAction(errorText(err))
				return
			}
			d.status.setAction(tr("settings.saved"))
			s.reload()
		})
		if ct == nil {
			save.SetText(tr("common.add"))
		}
		grid.Add(code)
		grid.Add(name)
		grid.Add(nameEN)
		grid.Add(days)
		grid.Add(maxFines)
		grid.Add(pin)
		grid.Add(save)
	}
	for _, ct := range cts {
		row(ct)
	}
	row(nil)
	top := []fyne.CanvasObject{grid}
	if err != nil {
		top = append(top, wrapped(errorText(err)))
	}
	return container.NewVScroll(container.NewVBox(top...))
}

// calendarTab lists the closed days and adds or removes them.
func (s *settingsScreen) calendarTab() fyne.CanvasObject {
	d := s.d
	days, _ := d.lib.ClosedDays()
	list := container.NewVBox()
	if len(days) == 0 {
		list.Add(label(tr("settings.no_closed_days")))
	}
	for _, cd := range days {
		cd := cd
		rm := widget.NewButton(tr("common.delete"), func() {
			if err := d.lib.RemoveClosedDay(d.actor, cd.Day); err != nil {
				d.status.setAction(errorText(err))
			}
			s.reload()
		})
		list.Add(container.NewBorder(nil, nil, nil, rm, label(dateText(cd.Day)+"  "+cd.Reason)))
	}
	day := newEntry(d)
	day.SetPlaceHolder(string(d.lib.Today()))
	reason := newEntry(d)
	add := widget.NewButton(tr("common.add"), func() {
		if err := d.lib.AddClosedDay(d.actor, app.Date(trimCode(day.Text)), reason.Text); err != nil {
			d.status.setAction(errorText(err))
			return
		}
		s.reload()
	})
	help := wrapped(tr("settings.closed_help"))
	return container.NewBorder(
		container.NewVBox(form(label(tr("settings.closed_day")), day, label(tr("settings.closed_reason")), reason), add, help, widget.NewSeparator()),
		nil, nil, nil, container.NewVScroll(list))
}

// staffTab lists the staff accounts and adds or changes them.
func (s *settingsScreen) staffTab() fyne.CanvasObject {
	d := s.d
	staff, _ := d.lib.StaffList()
	list := container.NewVBox()
	for _, st := range staff {
		st := st
		text := st.Username + " · " + st.Name + " · " + roleText(st.Role)
		if st.Disabled {
			text += " · " + tr("staff.disabled")
		}
		edit := widget.NewButton(tr("common.edit"), func() { s.editStaff(st) })
		if !d.actor.Can(app.PermManageStaff) {
			edit.Disable()
		}
		list.Add(container.NewBorder(nil, nil, nil, edit, label(text)))
	}
	add := widget.NewButton(tr("staff.add"), func() { s.editStaff(nil) })
	if !d.actor.Can(app.PermManageStaff) {
		add.Disable()
	}
	return container.NewBorder(add, nil, nil, nil, container.NewVScroll(list))
}

// editStaff adds an account (st nil) or changes one.
func (s *settingsScreen) editStaff(st *app.Staff) {
	d := s.d
	user, name, pass := newEntry(d), newEntry(d), newPasswordEntry(d)
	var roleNames []string
	for _, r := range app.Roles {
		roleNames = append(roleNames, roleText(r))
	}
	role := widget.NewSelect(roleNames, nil)
	role.SetSelectedIndex(2)
	disabled := widget.NewCheck(tr("staff.disabled"), nil)
	if st != nil {
		user.SetText(st.Username)
		user.Disable()
		name.SetText(st.Name)
		disabled.SetChecked(st.Disabled)
		for i, r := range app.Roles {
			if r == st.Role {
				role.SetSelectedIndex(i)
			}
		}
	}
	passLabel := tr("staff.password")
	if st != nil {
		passLabel = tr("staff.new_password")
	}
	content := form(label(tr("signin.username")), user, label(tr("staff.name")), name,
		label(tr("staff.role")), role, label(passLabel), pass, label(""), disabled)
	title := tr("staff.add")
	focus := fyne.Focusable(user)
	if st != nil {
		title = tr("staff.edit", "user", st.Username)
		focus = name
	}
	d.showModal(title, content, tr("common.save"), func(m *modal) bool {
		r := app.Roles[max(role.SelectedIndex(), 0)]
		var err error
		if st == nil {
			_, err = d.lib.AddStaff(d.actor, app.StaffInput{Username: user.Text, Name: name.Text, Role: r, Password: pass.Text})
		} else {
			err = d.lib.UpdateStaff(d.actor, st.Username, name.Text, r, pass.Text, disabled.Checked)
		}
		if err != nil {
			m.fail(err)
			return false
		}
		d.status.setAction(tr("settings.saved"))
		s.reload()
		return true
	}, nil, focus)
	d.modal.dlg.Resize(fyne.NewSize(520, 360))
}
