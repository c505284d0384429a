package ui

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

// NewAuditScreen is the admin's audit viewer: who did what, when, on which
// station, newest first, filtered by staff account, kind of action, period
// and text. Reading it needs an admin; the domain refuses anyone else.
func NewAuditScreen(lib *app.Library, actor func() app.Actor) fyne.CanvasObject {
	staff := widget.NewEntry()
	staff.SetPlaceHolder(tr("audit.staff"))
	text := widget.NewEntry()
	text.SetPlaceHolder(tr("audit.text"))
	days := widget.NewSelect([]string{"1", "7", "30", "365"}, nil)
	days.SetSelected("30")
	kinds := []app.EventKind{"", app.EvCheckout, app.EvCheckin, app.EvRenew, app.EvHoldPlaced, app.EvHoldCancelled,
		app.EvPayment, app.EvFineAssessed, app.EvCopyState, app.EvRecordCreated, app.EvRecordUpdated,
		app.EvRecordDeleted, app.EvAnonymised, app.EvAudit}
	kindNames := make([]string, len(kinds))
	for i, k := range kinds {
		kindNames[i] = kindLabel(k)
	}
	kind := widget.NewSelect(kindNames, nil)
	kind.SetSelectedIndex(0)
	status := widget.NewLabel("")
	var entries []app.AuditEntry
	list := widget.NewList(
		func() int { return len(entries) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := entries[i]
			o.(*widget.Label).SetText(auditLine(e))
		})
	load := func() {
		f := app.AuditFilter{Staff: strings.TrimSpace(staff.Text), Text: strings.TrimSpace(text.Text), Limit: 1000}
		if n, err := strconv.Atoi(days.Selected); err == nil {
			f.From = lib.Clock().Now().Add(-time.Duration(n) * 24 * time.Hour)
		}
		if i := kind.SelectedIndex(); i > 0 {
			f.Kind = kinds[i]
		}
		var err error
		entries, err = lib.AuditLog(actor(), f)
		if err != nil {
			entries = nil
			status.SetText(errorText(err))
		} else {
			status.SetText(tr("audit.count", "count", strconv.Itoa(len(entries))))
		}
		list.Refresh()
	}
	staff.OnSubmitted = func(string) { load() }
	text.OnSubmitted = func(string) { load() }
	days.OnChanged = func(string) { load() }
	kind.OnChanged = func(string) { load() }
	load()
	filters := container.NewGridWithColumns(5, staff, kind, days, text, widget.NewButton(tr("common.search"), load))
	return container.NewBorder(container.NewVBox(filters, status), nil, nil, nil, list)
}

func kindLabel(k app.EventKind) string {
	if k == "" {
		return tr("audit.all_kinds")
	}
	return trOr("audit.kind."+strings.ReplaceAll(string(k), ".", "_"), string(k))
}

func auditLine(e app.AuditEntry) string {
	keys := make([]string, 0, len(e.Facts))
	for k := range e.Facts {
		if k != "id" && !strings.HasSuffix(k, "_id") && !strings.HasSuffix(k, ".id") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var facts []string
	for _, k := range keys {
		facts = append(facts, k+"="+e.Facts[k])
	}
	station := e.Station
	if len(station) > 8 {
		station = station[:8]
	}
	what := kindLabel(e.Kind)
	if e.Action != "" {
		what += " · " + e.Action
	}
	return i18n.DateTime(e.At) + "  " + e.Staff + "  @" + station + "  " + what + "  " + strings.Join(facts, " ")
}

// NewFeedbackScreen lists what readers said at the kiosk, with counts per
// rating.
func NewFeedbackScreen(lib *app.Library, actor func() app.Actor) fyne.CanvasObject {
	summary := widget.NewLabel("")
	summary.Wrapping = fyne.TextWrapWord
	var entries []*app.Feedback
	list := widget.NewList(
		func() int { return len(entries) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			f := entries[i]
			o.(*widget.Label).SetText(i18n.DateTime(f.At) + "  " + strings.Repeat("★", f.Rating) +
				strings.Repeat("☆", 5-f.Rating) + "  " + f.Comment)
		})
	load := func() {
		s, err := lib.FeedbackList(actor())
		if err != nil {
			summary.SetText(errorText(err))
			entries = nil
			list.Refresh()
			return
		}
		entries = s.Entries
		counts := make([]string, 0, 5)
		for r := 5; r >= 1; r-- {
			counts = append(counts, strings.Repeat("★", r)+" "+strconv.Itoa(s.Counts[r]))
		}
		summary.SetText(tr("feedback.summary", "total", strconv.Itoa(s.Total),
			"average", strconv.FormatFloat(s.Average, 'f', 1, 64)) + "   " + strings.Join(counts, "   "))
		list.Refresh()
	}
	load()
	return container.NewBorder(container.NewVBox(summary, widget.NewButton(tr("common.refresh"), load)), nil, nil, nil, list)
}
