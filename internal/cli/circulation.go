package cli

import (
	"strconv"
	"strings"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/explain"
	"github.com/circa-library/circa/assets/i18n"
)

func runBatch(c *ctx, args []string) error {
	if len(args) == 0 {
		return usageError("cli.batch.need_kind")
	}
	kind := args[0]
	fs := flags("batch")
	reader := fs.String("reader", "", "")
	user := fs.String("user", "", "")
	fs.BoolVar(&c.json, "json", false, "")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("cli.batch.need_file")
	}
	codes, err := readLines(fs.Arg(0))
	if err != nil {
		return err
	}
	d, actor, err := c.openSigned(*user)
	if err != nil {
		return err
	}
	defer d.Close()
	var lines []app.BatchLine
	switch kind {
	case "checkin":
		lines, err = d.Library.BatchCheckIn(actor, codes)
	case "checkout":
		if *reader == "" {
			return usageError("cli.batch.need_reader")
		}
		lines, err = d.Library.BatchCheckOut(actor, *reader, codes)
	case "renew":
		lines, err = d.Library.BatchRenew(actor, codes)
	default:
		return usageError("cli.batch.need_kind")
	}
	c.reportBatch(kind, lines)
	return err
}

type batchJSON struct {
	Line    int    `json:"line"`
	Barcode string `json:"barcode"`
	OK      bool   `json:"ok"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message"`
	Due     string `json:"due,omitempty"`
	Action  string `json:"action,omitempty"`
	Fine    int64  `json:"fine,omitempty"`
}

func (c *ctx) reportBatch(kind string, lines []app.BatchLine) {
	var out []batchJSON
	ok := 0
	for _, l := range lines {
		j := batchJSON{Line: l.Line, Barcode: l.Barcode, OK: l.Err == nil}
		if l.Err != nil {
			j.Reason = string(app.ReasonOf(l.Err))
			j.Message = Explain(l.Err)
		} else {
			ok++
			switch {
			case l.CheckIn != nil:
				j.Action, j.Fine = string(l.CheckIn.Action), int64(l.CheckIn.Fine)
				j.Message = checkInText(l.CheckIn)
			case l.CheckOut != nil:
				j.Due = string(l.CheckOut.Loan.Due)
				j.Message = i18n.T("cli.batch.lent", "title", l.CheckOut.Title.Title, "due", j.Due)
			case l.Renew != nil:
				j.Due = string(l.Renew.Loan.Due)
				j.Message = i18n.T("cli.batch.renewed", "title", l.Renew.Title.Title, "due", j.Due)
			}
		}
		out = append(out, j)
	}
	if c.json {
		c.writeJSON(out)
		return
	}
	var rows [][]string
	for _, j := range out {
		status := i18n.T("cli.batch.ok")
		if !j.OK {
			status = i18n.T("cli.batch.refused")
		}
		rows = append(rows, []string{strconv.Itoa(j.Line), j.Barcode, status, j.Message})
	}
	c.table([]string{i18n.T("cli.batch.line"), i18n.T("cli.batch.barcode"), i18n.T("cli.batch.result"), i18n.T("cli.batch.detail")}, rows)
	c.println(i18n.T("cli.batch.summary", "ok", strconv.Itoa(ok), "total", strconv.Itoa(len(lines))))
}

func checkInText(r *app.CheckInResult) string {
	title := r.Title.Title
	var s string
	switch {
	case !r.WasOnLoan && r.Action == app.ActionShelve:
		s = i18n.T("cli.checkin.not_on_loan", "title", title)
	case r.Action == app.ActionHoldShelf:
		s = i18n.T("cli.checkin.hold_shelf", "title", title, "reader", r.HoldFor.Name, "until", shownDate(string(r.PickupBy)))
	case r.Action == app.ActionTransit:
		s = i18n.T("cli.checkin.transit", "title", title, "location", r.TransitTo)
	default:
		s = i18n.T("cli.checkin.shelve", "title", title)
	}
	parts := []string{s}
	switch {
	case r.OverdueDays > 0 && r.Fine > 0:
		parts = append(parts, i18n.T("cli.checkin.overdue", "days", strconv.Itoa(r.OverdueDays), "fine", i18n.Money(int64(r.Fine))))
	case r.OverdueDays > 0:
		parts = append(parts, i18n.T("cli.checkin.late", "days", strconv.Itoa(r.OverdueDays)))
	}
	if r.SuspendedTo != "" {
		parts = append(parts, i18n.T("cli.checkin.suspended", "date", shownDate(string(r.SuspendedTo))))
	}
	return sentences(parts...)
}

// sentences joins whole sentences as the language does: Chinese puts
// nothing after its full stop, English a space.
func sentences(parts ...string) string {
	if i18n.Current().Lang() == i18n.Chinese {
		return strings.Join(parts, "")
	}
	return strings.Join(parts, " ")
}

func runLoans(c *ctx, args []string) error {
	fs := flags("loans")
	card := fs.String("reader", "", "")
	user := fs.String("user", "", "")
	history := fs.Bool("history", false, "")
	fs.BoolVar(&c.json, "json", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *card == "" {
		return usageError("cli.batch.need_reader")
	}
	d, _, err := c.openSigned(*user)
	if err != nil {
		return err
	}
	defer d.Close()
	r, err := d.Library.ReaderByCard(*card)
	if err != nil {
		return err
	}
	loans, err := d.Library.LoansOf(r.ID, *history)
	if err != nil {
		return err
	}
	holds, err := d.Library.HoldsOf(r.ID)
	if err != nil {
		return err
	}
	type loanJSON struct {
		Barcode  string `json:"barcode"`
		Title    string `json:"title"`
		Out      string `json:"out"`
		Due      string `json:"due"`
		Returned string `json:"returned,omitempty"`
		Overdue  int    `json:"overdue_days,omitempty"`
		Renewals int    `json:"renewals"`
	}
	type holdJSON struct {
		Title    string `json:"title"`
		Status   string `json:"status"`
		Position int    `json:"position,omitempty"`
		PickupBy string `json:"pickup_by,omitempty"`
	}
	// Days are the library's (a loan at 07:30 in Beijing is 23:30 the day
	// before in UTC), written YYYY-MM-DD in JSON and as the language writes
	// them in the table.
	loc := d.Library.Location()
	lj := []loanJSON{}
	for _, v := range loans {
		j := loanJSON{Title: v.Title.Title, Out: string(app.DateOf(v.Loan.Out, loc)), Due: string(v.Loan.Due),
			Overdue: v.OverdueDays, Renewals: v.Loan.Renewals}
		if v.Copy != nil {
			j.Barcode = v.Copy.Barcode
		}
		if v.Loan.Returned != nil {
			j.Returned = string(app.DateOf(*v.Loan.Returned, loc))
		}
		lj = append(lj, j)
	}
	hj := []holdJSON{}
	for _, h := range holds {
		hj = append(hj, holdJSON{Title: h.Title.Title, Status: string(h.Hold.Status), Position: h.Position, PickupBy: string(h.Hold.PickupBy)})
	}
	owed, err := d.Library.Outstanding(r.ID)
	if err != nil {
		return err
	}
	if c.json {
		return c.writeJSON(map[string]any{"reader": map[string]string{"card": r.Card, "name": r.Name, "class": r.Class},
			"loans": lj, "holds": hj, "owed": int64(owed)})
	}
	c.println(i18n.T("cli.loans.reader", "name", r.Name, "card", r.Card, "class", r.Class))
	var rows [][]string
	for _, j := range lj {
		due := shownDate(j.Due)
		if j.Overdue > 0 {
			due += " " + i18n.T("cli.loans.overdue", "days", strconv.Itoa(j.Overdue))
		}
		rows = append(rows, []string{j.Barcode, j.Title, shownDate(j.Out), due, shownDate(j.Returned)})
	}
	c.table([]string{i18n.T("cli.batch.barcode"), i18n.T("cli.loans.title"), i18n.T("cli.loans.out"), i18n.T("cli.loans.due"), i18n.T("cli.loans.returned")}, rows)
	if len(hj) > 0 {
		c.println("")
		var hr [][]string
		for _, h := range hj {
			hr = append(hr, []string{h.Title, i18n.T("cli.hold." + h.Status), strconv.Itoa(h.Position), shownDate(h.PickupBy)})
		}
		c.table([]string{i18n.T("cli.loans.title"), i18n.T("cli.loans.hold_status"), i18n.T("cli.loans.position"), i18n.T("cli.loans.pickup_by")}, hr)
	}
	if owed > 0 {
		c.println(i18n.T("cli.loans.owed", "amount", i18n.Money(int64(owed))))
	}
	return nil
}

// shownDate writes a YYYY-MM-DD day as the user's language does; an empty
// day stays empty.
func shownDate(day string) string { return explain.Date(i18n.Current(), app.Date(day)) }
