package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
)

// rulesGrid edits the rules matrix as a table: one row per cell (card type ×
// item type), one column per rule, Save and Delete at the end of each row,
// and an empty row at the bottom for a new cell.
type rulesGrid struct {
	d    *desk
	rows []*ruleRow
}

// ruleRow is one cell of the matrix being edited.
type ruleRow struct {
	// cardType and itemType choose the cell of a new row; an existing
	// row's cell is fixed (cell) and shown as text.
	cardType *widget.Select
	itemType *widget.SelectEntry
	cell     *app.Rule
	ints     []*deskEntry // loan days … pickup days, in ruleColumns order
	selfSvc  *widget.Check
	loanable *widget.Check
	codes    []string
}

// ruleColumns are the numeric columns, in order: label key, and whether the
// value is money.
var ruleColumns = []struct {
	key   string
	money bool
}{
	{"rules.loan_days", false}, {"rules.renewals", false}, {"rules.renewal_days", false},
	{"rules.max_loans", false}, {"rules.max_holds", false}, {"rules.fine_per_day", true},
	{"rules.fine_cap", true}, {"rules.grace_days", false}, {"rules.suspension_days", false},
	{"rules.renew_overdue_days", false}, {"rules.pickup_days", false},
}

// ruleColumnWidths are the widths of the grid's columns, so that the
// table fits 1366 pixels.
var ruleColumnWidths = []float32{110, 110, 62, 62, 62, 62, 62, 70, 70, 62, 62, 62, 62, 52, 52, 64, 64}

func newRulesGrid(d *desk) *rulesGrid { return &rulesGrid{d: d} }

func (g *rulesGrid) build() fyne.CanvasObject {
	d := g.d
	g.rows = nil
	rules, err := d.lib.Rules()
	cts, _ := d.lib.CardTypes()
	header := []string{tr("rules.card_type"), tr("rules.item_type")}
	for _, c := range ruleColumns {
		header = append(header, tr(c.key))
	}
	header = append(header, tr("rules.self_service"), tr("rules.loanable"), "", "")
	table := container.New(&columnsLayout{widths: ruleColumnWidths})
	for _, h := range header {
		l := widget.NewLabel(h)
		l.Wrapping = fyne.TextWrapWord
		l.TextStyle.Bold = true
		l.SizeName = theme.SizeNameCaptionText
		table.Add(l)
	}
	for _, r := range rules {
		g.addRow(table, r, cts)
	}
	g.addRow(table, nil, cts)
	help := wrapped(tr("rules.help"))
	items := []fyne.CanvasObject{help, table}
	if err != nil {
		items = append(items, wrapped(errorText(err)))
	}
	return container.NewScroll(container.NewVBox(items...))
}

// addRow appends one editable cell of the matrix (r nil: a new one).
func (g *rulesGrid) addRow(table *fyne.Container, r *app.Rule, cts []*app.CardType) {
	d := g.d
	row := &ruleRow{codes: []string{""}}
	names := []string{tr("rules.any")}
	for _, ct := range cts {
		row.codes = append(row.codes, ct.Code)
		names = append(names, cardTypeText(ct))
	}
	row.cardType = widget.NewSelect(names, nil)
	row.cardType.SetSelectedIndex(0)
	row.itemType = widget.NewSelectEntry(append([]string{""}, itemTypeNames()...))
	row.itemType.SetPlaceHolder(tr("rules.any"))
	row.selfSvc = widget.NewCheck("", nil)
	row.loanable = widget.NewCheck("", nil)
	if r == nil {
		r = &app.Rule{Loanable: true, SelfService: true}
	} else {
		row.cell = r
	}
	values := []int64{int64(r.LoanDays), int64(r.Renewals), int64(r.RenewalDays), int64(r.MaxLoans), int64(r.MaxHolds),
		int64(r.FinePerDay), int64(r.FineCap), int64(r.GraceDays), int64(r.SuspensionDays), int64(r.RenewOverdueDays), int64(r.PickupDays)}
	for i, c := range ruleColumns {
		e := newEntry(d)
		if c.money {
			e.SetText(moneyInput(app.Money(values[i])))
		} else {
			e.SetText(strconv.FormatInt(values[i], 10))
		}
		row.ints = append(row.ints, e)
	}
	row.selfSvc.SetChecked(r.SelfService)
	row.loanable.SetChecked(r.Loanable)
	isNew := r.ID == ""
	save := widget.NewButton(tr("common.save"), func() { g.save(row) })
	if isNew {
		save.SetText(tr("common.add"))
	}
	del := widget.NewButton(tr("common.delete"), func() {
		if err := d.lib.DeleteRule(d.actor, row.card(), row.item()); err != nil {
			d.status.setAction(errorText(err))
			return
		}
		d.status.setAction(tr("settings.saved"))
		d.settings.reload()
	})
	if isNew || (r.CardType == "" && r.ItemType == "") {
		del.Disable()
	}
	if row.cell != nil {
		ct, it := tr("rules.any"), tr("rules.any")
		if r.CardType != "" {
			ct = d.cardTypeName(r.CardType)
		}
		if r.ItemType != "" {
			it = itemTypeText(r.ItemType)
		}
		table.Add(widget.NewLabel(ct))
		table.Add(widget.NewLabel(it))
	} else {
		table.Add(row.cardType)
		table.Add(row.itemType)
	}
	for _, e := range row.ints {
		table.Add(e)
	}
	table.Add(row.selfSvc)
	table.Add(row.loanable)
	table.Add(save)
	table.Add(del)
	g.rows = append(g.rows, row)
}

func (row *ruleRow) card() string {
	if row.cell != nil {
		return row.cell.CardType
	}
	if i := row.cardType.SelectedIndex(); i > 0 {
		return row.codes[i]
	}
	return ""
}

func (row *ruleRow) item() app.ItemType {
	if row.cell != nil {
		return row.cell.ItemType
	}
	t := trimCode(row.itemType.Text)
	for _, it := range itemTypes {
		if t == itemTypeText(it) {
			return it
		}
	}
	return app.ItemType(t)
}

// rule reads the row back; ok is false when a number does not parse.
func (row *ruleRow) rule() (app.Rule, bool) {
	var v []int64
	for i, c := range ruleColumns {
		text := row.ints[i].Text
		if c.money {
			m, ok := parseMoney(text)
			if !ok {
				return app.Rule{}, false
			}
			v = append(v, int64(m))
			continue
		}
		if trimCode(text) == "" {
			text = "0"
		}
		n, err := atoi(text)
		if err != nil {
			return app.Rule{}, false
		}
		v = append(v, int64(n))
	}
	return app.Rule{CardType: row.card(), ItemType: row.item(),
		LoanDays: int(v[0]), Renewals: int(v[1]), RenewalDays: int(v[2]), MaxLoans: int(v[3]), MaxHolds: int(v[4]),
		FinePerDay: app.Money(v[5]), FineCap: app.Money(v[6]), GraceDays: int(v[7]), SuspensionDays: int(v[8]),
		RenewOverdueDays: int(v[9]), PickupDays: int(v[10]), SelfService: row.selfSvc.Checked, Loanable: row.loanable.Checked}, true
}

func (g *rulesGrid) save(row *ruleRow) {
	d := g.d
	r, ok := row.rule()
	if !ok {
		d.status.setAction(errorText(app.Refuse(app.ReasonInvalidInput, "field", "rule")))
		return
	}
	if _, err := d.lib.SaveRule(d.actor, r); err != nil {
		d.status.setAction(errorText(err))
		return
	}
	d.status.setAction(tr("settings.saved"))
	d.settings.reload()
}

func itemTypeNames() []string {
	var out []string
	for _, it := range itemTypes {
		out = append(out, itemTypeText(it))
	}
	return out
}

// columnsLayout lays objects out in rows with fixed column widths; each
// row is as tall as its tallest cell.
type columnsLayout struct{ widths []float32 }

func (l *columnsLayout) rows(objs []fyne.CanvasObject) [][]fyne.CanvasObject {
	var out [][]fyne.CanvasObject
	n := len(l.widths)
	for i := 0; i < len(objs); i += n {
		out = append(out, objs[i:min(i+n, len(objs))])
	}
	return out
}

// Layout places the cells.
func (l *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := float32(4)
	y := float32(0)
	for _, row := range l.rows(objs) {
		h := float32(0)
		for i, o := range row {
			h = max(h, rowCellHeight(o, l.widths[i]))
		}
		x := float32(0)
		for i, o := range row {
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(l.widths[i], h))
			x += l.widths[i] + pad
		}
		y += h + pad
	}
}

// rowCellHeight is a cell's height at a width (wrapping labels grow).
func rowCellHeight(o fyne.CanvasObject, w float32) float32 {
	if lab, ok := o.(*widget.Label); ok && lab.Wrapping != fyne.TextWrapOff {
		lab.Resize(fyne.NewSize(w, lab.MinSize().Height))
		return lab.MinSize().Height
	}
	return o.MinSize().Height
}

// MinSize is the sum of the widths by the sum of the row heights.
func (l *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := float32(4)
	w := float32(0)
	for _, x := range l.widths {
		w += x + pad
	}
	h := float32(0)
	for _, row := range l.rows(objs) {
		rh := float32(0)
		for i, o := range row {
			rh = max(rh, rowCellHeight(o, l.widths[i]))
		}
		h += rh + pad
	}
	return fyne.NewSize(w, h)
}

var _ fyne.Layout = (*columnsLayout)(nil)
