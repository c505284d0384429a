package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// deskEntry is the desk's text entry: it offers every keystroke to the scan
// bridge first, so a scan is never typed into the wrong field, and passes the
// desk's shortcuts (F-keys, Esc, Enter in dialogs) to the desk.
type deskEntry struct {
	widget.Entry
	d *desk
}

func newEntry(d *desk) *deskEntry {
	e := &deskEntry{d: d}
	e.ExtendBaseWidget(e)
	return e
}

func newPasswordEntry(d *desk) *deskEntry {
	e := newEntry(d)
	e.Password = true
	return e
}

func newMultiLineEntry(d *desk) *deskEntry {
	e := newEntry(d)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(3)
	return e
}

// TypedRune lets the scan bridge see the character first.
func (e *deskEntry) TypedRune(r rune) {
	if e.d != nil && e.d.bridge.feedRune(r, e) {
		return
	}
	e.Entry.TypedRune(r)
}

// TypedKey lets the scan bridge and the desk's shortcuts see the key first.
func (e *deskEntry) TypedKey(k *fyne.KeyEvent) {
	if e.d != nil && e.d.bridge.feedKey(k) {
		return
	}
	if e.d != nil && isDeskKey(k, e.MultiLine) && e.d.onKey(k) {
		return
	}
	e.Entry.TypedKey(k)
}

// isDeskKey says whether a key typed in an entry may be a desk shortcut.
func isDeskKey(k *fyne.KeyEvent, multiLine bool) bool {
	switch k.Name {
	case fyne.KeyF1, fyne.KeyF2, fyne.KeyF3, fyne.KeyF4, fyne.KeyF5, fyne.KeyF6,
		fyne.KeyF7, fyne.KeyF8, fyne.KeyF9, fyne.KeyF10, fyne.KeyF11, fyne.KeyF12, fyne.KeyEscape:
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		return !multiLine
	}
	return false
}

// bannerKind colours a banner.
type bannerKind int

const (
	bannerInfo bannerKind = iota
	bannerSuccess
	bannerWarning
	bannerError
)

// banner is a coloured strip that says what just happened and offers the one
// action that helps.
type banner struct {
	bg     *canvas.Rectangle
	text   *widget.Label
	action *widget.Button
	box    *fyne.Container
	inner  *fyne.Container
	kind   bannerKind
	msg    string
	label  string
	onTap  func()
}

func newBanner() *banner {
	b := &banner{bg: canvas.NewRectangle(color.Transparent), text: widget.NewLabel("")}
	b.text.Wrapping = fyne.TextWrapWord
	b.text.TextStyle.Bold = true
	b.action = widget.NewButton("", func() {
		if b.onTap != nil {
			b.onTap()
		}
	})
	b.action.Importance = widget.HighImportance
	b.action.Hide()
	b.bg.CornerRadius = theme.InputRadiusSize()
	b.inner = container.NewBorder(nil, nil, nil, b.action, b.text)
	b.box = container.NewStack(b.bg, container.NewPadded(b.inner))
	b.box.Hide()
	return b
}

// show puts a message up; with action set, a button offers it.
func (b *banner) show(kind bannerKind, msg, actionLabel string, action func()) {
	b.kind, b.msg, b.label, b.onTap = kind, msg, actionLabel, action
	b.text.SetText(msg)
	name := theme.ColorNamePrimary
	b.text.Importance = widget.MediumImportance
	switch kind {
	case bannerSuccess:
		name = theme.ColorNameSuccess
		b.text.Importance = widget.SuccessImportance
	case bannerWarning:
		name = theme.ColorNameWarning
		b.text.Importance = widget.WarningImportance
	case bannerError:
		name = theme.ColorNameError
		b.text.Importance = widget.DangerImportance
	}
	r, g, bl, _ := theme.Color(name).RGBA()
	b.bg.FillColor = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: 0x30}
	b.bg.StrokeColor = theme.Color(name)
	b.bg.StrokeWidth = 2
	b.bg.Refresh()
	b.text.Refresh()
	if action != nil {
		b.action.SetText(actionLabel)
		b.action.Show()
	} else {
		b.action.Hide()
	}
	b.box.Show()
	b.inner.Refresh() // lay the text out again beside (or without) the button
}

func (b *banner) clear() {
	b.msg, b.onTap = "", nil
	b.box.Hide()
}

// modal is a dialog that the keyboard drives: Enter confirms, Esc cancels.
type modal struct {
	d        *desk
	dlg      *dialog.CustomDialog
	onOK     func() bool
	onCancel func()
	err      *widget.Label
	content  fyne.CanvasObject
	cancelB  *widget.Button
}

// showModal opens a dialog with content; onOK returns false to keep it open
// (after showing an error with m.fail). okLabel empty gives a dialog with
// only a close button.
func (d *desk) showModal(title string, content fyne.CanvasObject, okLabel string, onOK func(m *modal) bool, onCancel func(), focus fyne.Focusable) *modal {
	d.closeModal()
	m := &modal{d: d, onCancel: onCancel, err: widget.NewLabel(""), content: content}
	m.err.Importance = widget.DangerImportance
	m.err.Wrapping = fyne.TextWrapWord
	m.err.Hide()
	body := container.NewBorder(nil, m.err, nil, nil, content)
	m.dlg = dialog.NewCustomWithoutButtons(title, body, d.win)
	cancelText := tr("common.cancel")
	if okLabel == "" {
		cancelText = tr("common.close")
	}
	cancel := widget.NewButtonWithIcon(cancelText+" (Esc)", theme.CancelIcon(), m.cancel)
	m.cancelB = cancel
	buttons := []fyne.CanvasObject{cancel}
	if okLabel != "" {
		m.onOK = func() bool { return onOK(m) }
		ok := widget.NewButtonWithIcon(okLabel+" (Enter)", theme.ConfirmIcon(), m.ok)
		ok.Importance = widget.HighImportance
		buttons = append(buttons, ok)
	}
	m.dlg.SetButtons(buttons)
	d.modal = m
	m.dlg.Show()
	if focus != nil {
		d.win.Canvas().Focus(focus)
	} else {
		d.win.Canvas().Unfocus() // keys go to the dialog, not the entry behind it
	}
	return m
}

// fail shows why the dialog cannot finish yet.
func (m *modal) fail(err error) {
	m.err.SetText(errorText(err))
	m.err.Show()
}

func (m *modal) ok() {
	if m.onOK == nil {
		m.cancel()
		return
	}
	if m.onOK() {
		m.close()
	}
}

func (m *modal) cancel() {
	m.close()
	if m.onCancel != nil {
		m.onCancel()
	}
}

func (m *modal) close() {
	if m.d.modal == m {
		m.d.modal = nil
	}
	m.dlg.Hide()
	m.d.focusDefault()
}

func (m *modal) key(k *fyne.KeyEvent) bool {
	switch k.Name {
	case fyne.KeyEscape:
		m.cancel()
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		m.ok()
		return true
	}
	return false
}

// closeModal closes any open dialog without its cancel action.
func (d *desk) closeModal() {
	if d.modal != nil {
		d.modal.close()
	}
}

// heading is a bold, larger line of text.
func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// form lays out label/field pairs in two columns.
func form(pairs ...fyne.CanvasObject) *fyne.Container {
	return container.New(layout.NewFormLayout(), pairs...)
}

// label is a plain label.
func label(text string) *widget.Label { return widget.NewLabel(text) }

// wrapped is a label that wraps.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}
