package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
)

// holdsScreen shows reservations: holds a copy on the shelf can fill now,
// the pickup shelf with its deadlines, and pickups that have expired.
type holdsScreen struct {
	d       *desk
	box     *fyne.Container
	expire  *widget.Button
	expired []app.HoldView
}

func newHoldsScreen(d *desk) *holdsScreen { return &holdsScreen{d: d} }

func (s *holdsScreen) build() fyne.CanvasObject {
	s.box = container.NewStack()
	s.expire = widget.NewButton(tr("holds.expire_now"), s.expireNow)
	s.expire.Importance = widget.HighImportance
	if !s.d.actor.Can(app.PermCirculate) {
		s.expire.Disable()
	}
	s.refresh()
	return s.box
}

// refresh reloads the three lists.
func (s *holdsScreen) refresh() {
	if s.box == nil {
		return
	}
	lib := s.d.lib
	today := lib.Today()
	toFill, err1 := lib.HoldsToFill()
	shelf, err2 := lib.PickupShelf()
	expired, err3 := lib.ExpiredPickups()
	s.expired = expired

	fill := container.NewVBox()
	for _, v := range toFill {
		where := ""
		if v.Copy != nil {
			where = v.Copy.Barcode
			if v.Copy.Location != "" {
				where += " · " + v.Copy.Location
			}
		}
		fill.Add(holdCard(tr("holds.fill_line", "title", holdTitle(v), "reader", holdReader(v), "copy", where), widget.MediumImportance))
	}
	if len(toFill) == 0 {
		fill.Add(wrapped(tr("holds.none_to_fill")))
	}
	pick := container.NewVBox()
	for _, v := range shelf {
		imp := widget.MediumImportance
		if v.Hold.PickupBy.Before(today) {
			imp = widget.DangerImportance
		}
		barcode := ""
		if v.Copy != nil {
			barcode = v.Copy.Barcode
		}
		pick.Add(holdCard(tr("holds.shelf_line", "title", holdTitle(v), "reader", holdReader(v), "copy", barcode, "date", dateText(v.Hold.PickupBy)), imp))
	}
	if len(shelf) == 0 {
		pick.Add(wrapped(tr("holds.shelf_empty")))
	}
	exp := container.NewVBox()
	for _, v := range expired {
		exp.Add(holdCard(tr("holds.expired_line", "title", holdTitle(v), "reader", holdReader(v), "date", dateText(v.Hold.PickupBy)), widget.DangerImportance))
	}
	if len(expired) == 0 {
		exp.Add(wrapped(tr("holds.none_expired")))
		s.expire.Disable()
	} else if s.d.actor.Can(app.PermCirculate) {
		s.expire.Enable()
	}
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			fill.Add(wrapped(errorText(err)))
		}
	}
	col := func(title string, body fyne.CanvasObject, bottom fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(heading(title), bottom, nil, nil, container.NewVScroll(body))
	}
	s.box.Objects = []fyne.CanvasObject{container.NewGridWithColumns(3,
		col(tr("holds.to_fill", "count", len(toFill)), fill, wrapped(tr("holds.to_fill_help"))),
		col(tr("holds.shelf", "count", len(shelf)), pick, nil),
		col(tr("holds.expired", "count", len(expired)), exp, s.expire),
	)}
	s.box.Refresh()
}

func holdCard(text string, imp widget.Importance) fyne.CanvasObject {
	l := wrapped(text)
	l.Importance = imp
	return container.NewVBox(l, widget.NewSeparator())
}

func holdTitle(v app.HoldView) string {
	if v.Title == nil {
		return ""
	}
	return v.Title.Title
}

func holdReader(v app.HoldView) string {
	if v.Reader == nil {
		return ""
	}
	return v.Reader.Name + " (" + v.Reader.Card + ")"
}

// expireNow closes the pickups past their deadline.
func (s *holdsScreen) expireNow() {
	n, err := s.d.lib.ExpirePickups(s.d.actor)
	if err != nil {
		s.d.status.setAction(errorText(err))
	} else {
		s.d.status.setAction(tr("holds.expired_done", "count", n))
	}
	s.refresh()
}
