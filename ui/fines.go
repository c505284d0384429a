package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
)

// finesDialog lists a reader's fines and payments, with pay and waive.
func (d *desk) finesDialog(r *app.Reader, after func()) {
	fines, err := d.lib.FinesOf(r.ID)
	box := container.NewVBox()
	if err != nil {
		box.Add(wrapped(errorText(err)))
	}
	owed, _ := d.lib.Outstanding(r.ID)
	box.Add(heading(tr("fines.owed", "amount", moneyText(owed))))
	if len(fines) == 0 {
		box.Add(label(tr("fines.none")))
	}
	for _, f := range fines {
		f := f
		line := tr("fines.line", "kind", trOr("fine_kind."+string(f.Kind), string(f.Kind)),
			"amount", moneyText(f.Amount), "date", dateText(app.DateOf(f.Created, d.lib.Location())),
			"left", moneyText(f.Outstanding()))
		row := container.NewBorder(nil, nil, nil, nil, wrapped(line))
		if f.Outstanding() > 0 && d.actor.Can(app.PermWaiveFines) {
			waive := widget.NewButton(tr("fines.waive"), func() { d.waiveDialog(r, f, after) })
			row = container.NewBorder(nil, nil, nil, waive, wrapped(line))
		}
		box.Add(row)
		for _, p := range f.Payments {
			key := "fines.paid_line"
			if p.Waived {
				key = "fines.waived_line"
			}
			pl := wrapped(tr(key, "amount", moneyText(p.Amount), "date", dateText(app.DateOf(p.At, d.lib.Location())), "staff", p.Staff, "note", p.Note))
			pl.Importance = widget.LowImportance
			box.Add(pl)
		}
	}
	if owed > 0 && d.actor.Can(app.PermTakePayments) {
		box.Add(widget.NewButton(tr("fines.pay"), func() { d.payDialog(r, owed, after) }))
	}
	d.showModal(tr("fines.title", "name", r.Name), container.NewVScroll(box), "", nil, after, nil)
	d.modal.dlg.Resize(fyne.NewSize(640, 480))
}

// payDialog takes a payment, the whole amount owed unless staff change it.
func (d *desk) payDialog(r *app.Reader, owed app.Money, after func()) {
	amount := newEntry(d)
	amount.SetText(moneyInput(owed))
	note := newEntry(d)
	d.showModal(tr("fines.pay_title", "name", r.Name), container.NewVBox(
		label(tr("fines.owed", "amount", moneyText(owed))),
		form(label(tr("fines.amount")), amount, label(tr("fines.note")), note),
	), tr("fines.pay"), func(m *modal) bool {
		m2, ok := parseMoney(amount.Text)
		if !ok {
			m.fail(app.Refuse(app.ReasonInvalidInput, "field", "amount"))
			return false
		}
		if _, err := d.lib.Pay(d.actor, r.ID, m2, note.Text); err != nil {
			m.fail(err)
			return false
		}
		d.status.setAction(tr("fines.paid", "amount", moneyText(m2), "name", r.Name))
		if after != nil {
			after()
		}
		return true
	}, nil, amount)
}

// waiveDialog forgives a fine, asking why.
func (d *desk) waiveDialog(r *app.Reader, f *app.Fine, after func()) {
	amount := newEntry(d)
	amount.SetText(moneyInput(f.Outstanding()))
	note := newEntry(d)
	d.showModal(tr("fines.waive_title", "name", r.Name), form(
		label(tr("fines.amount")), amount, label(tr("fines.waive_reason")), note,
	), tr("fines.waive"), func(m *modal) bool {
		m2, ok := parseMoney(amount.Text)
		if !ok {
			m.fail(app.Refuse(app.ReasonInvalidInput, "field", "amount"))
			return false
		}
		if _, err := d.lib.Waive(d.actor, f.ID, m2, note.Text); err != nil {
			m.fail(err)
			return false
		}
		d.status.setAction(tr("fines.waived", "amount", moneyText(m2), "name", r.Name))
		if after != nil {
			after()
		}
		return true
	}, nil, note)
}
