package ui

import (
	"context"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
	circasync "github.com/circa-library/circa/sync"
)

// syncScreen shows this station's ID, its paired peers, the sync buttons
// and the exceptions sync found. Its data comes from the station's status
// subscription, handed to the screen with fyne.Do.
type syncScreen struct {
	win   fyne.Window
	st    *circasync.Station
	actor func() app.Actor

	summary    *widget.Label
	message    *widget.Label
	peers      []circasync.PeerStatus
	peerList   *widget.List
	selected   string
	exceptions []*app.Exception
	excList    *widget.List
}

// NewSyncScreen builds the sync screen for station st; actor says who is
// signed in (resolving an exception needs the resolve_sync permission).
func NewSyncScreen(w fyne.Window, st *circasync.Station, actor func() app.Actor) fyne.CanvasObject {
	s := &syncScreen{win: w, st: st, actor: actor}
	return s.build()
}

func (s *syncScreen) build() fyne.CanvasObject {
	id := widget.NewEntry()
	id.SetText(circasync.FormatID(s.st.ID()))
	id.Disable()
	copyBtn := widget.NewButton(tr("sync.copy"), func() {
		fyne.CurrentApp().Clipboard().SetContent(circasync.FormatID(s.st.ID()))
	})
	own := container.NewBorder(nil, nil, widget.NewLabel(tr("sync.own_id", "short", circasync.ShortID(s.st.ID()))), copyBtn, id)

	invite := widget.NewEntry()
	invite.SetPlaceHolder(tr("sync.invite_placeholder"))
	joinBtn := widget.NewButton(tr("sync.join"), func() { s.join(invite) })

	peerID := widget.NewEntry()
	peerID.SetPlaceHolder(tr("sync.pair_id_placeholder"))
	peerAddr := widget.NewEntry()
	peerAddr.SetPlaceHolder(tr("sync.pair_address_placeholder"))
	pairBtn := widget.NewButton(tr("sync.pair"), func() { s.pair(peerID, peerAddr) })

	s.summary = widget.NewLabel("")
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord

	s.peerList = widget.NewList(
		func() int { return len(s.peers) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil, widget.NewButton(tr("sync.unpair"), nil), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.peers) {
				return
			}
			p := s.peers[i]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(peerText(p))
			row.Objects[1].(*widget.Button).OnTapped = func() { s.unpair(p) }
		})
	s.peerList.OnSelected = func(i widget.ListItemID) {
		if i < len(s.peers) {
			s.selected = s.peers[i].ID
		}
	}
	s.peerList.OnUnselected = func(widget.ListItemID) { s.selected = "" }

	s.excList = widget.NewList(
		func() int { return len(s.exceptions) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			return container.NewBorder(nil, nil, nil, widget.NewButton(tr("sync.resolve"), nil), l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.exceptions) {
				return
			}
			x := s.exceptions[i]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(tr("sync.exception_row", "date", i18n.DateTime(x.At),
				"station", circasync.ShortID(x.Station), "text", refusalText(&app.Refusal{Reason: x.Reason, Facts: x.Facts})))
			row.Objects[1].(*widget.Button).OnTapped = func() { s.resolve(x) }
		})

	syncBtn := widget.NewButton(tr("sync.now"), s.syncNow)
	exportBtn := widget.NewButton(tr("sync.export"), s.export)
	importBtn := widget.NewButton(tr("sync.import"), s.importBundle)

	top := container.NewVBox(
		widget.NewLabelWithStyle(tr("sync.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		own,
		container.NewBorder(nil, nil, nil, joinBtn, invite),
		container.NewBorder(nil, nil, nil, pairBtn, container.NewGridWithColumns(2, peerID, peerAddr)),
		container.NewHBox(syncBtn, exportBtn, importBtn),
		s.summary,
		s.message,
	)
	lists := container.NewVSplit(
		container.NewBorder(widget.NewLabelWithStyle(tr("sync.peers"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, s.peerList),
		container.NewBorder(widget.NewLabelWithStyle(tr("sync.exceptions"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, s.excList),
	)
	s.st.Syncer.Subscribe(func(st circasync.Status) {
		excs, err := s.st.Library().OpenExceptions()
		fyne.Do(func() {
			s.show(st)
			if err == nil {
				s.exceptions = excs
				s.excList.Refresh()
			}
		})
	})
	s.refresh()
	return container.NewBorder(top, nil, nil, nil, lists)
}

// refresh reloads status and exceptions in the background; the
// subscription brings them to the screen.
func (s *syncScreen) refresh() { go s.st.Syncer.Refresh() }

func (s *syncScreen) show(st circasync.Status) {
	s.peers = st.Peers
	s.peerList.Refresh()
	text := tr("sync.summary", "waiting", st.Waiting, "exceptions", st.OpenExceptions)
	if st.Syncing {
		text += " · " + tr("sync.syncing")
	}
	s.summary.SetText(text)
}

func peerText(p circasync.PeerStatus) string { return circasync.PeerLine(i18n.Current(), p) }

// say shows a result line; it is called on the Fyne goroutine.
func (s *syncScreen) say(text string) { s.message.SetText(text) }

// background runs fn off the Fyne goroutine and shows its outcome.
func (s *syncScreen) background(fn func() (string, error)) {
	go func() {
		text, err := fn()
		fyne.Do(func() {
			if err != nil {
				s.say(errorText(err))
				return
			}
			s.say(text)
		})
		s.refresh()
	}()
}

func (s *syncScreen) join(code *widget.Entry) {
	c := code.Text
	s.background(func() (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := joinHub(ctx, s.st, c); err != nil {
			return "", err
		}
		fyne.Do(func() { code.SetText("") })
		return tr("sync.joined"), nil
	})
}

// joinHub redeems a hub's invite code for st, which the hub then lists
// under this computer's name.
func joinHub(ctx context.Context, st *circasync.Station, code string) error {
	name, _ := os.Hostname()
	return st.Join(ctx, code, name)
}

func (s *syncScreen) pair(id, addr *widget.Entry) {
	peer, address := id.Text, addr.Text
	s.background(func() (string, error) {
		if err := s.st.Pair(peer, address, ""); err != nil {
			return "", err
		}
		fyne.Do(func() {
			id.SetText("")
			addr.SetText("")
		})
		return tr("sync.paired", "peer", circasync.ShortID(peer)), nil
	})
}

func (s *syncScreen) unpair(p circasync.PeerStatus) {
	dialog.ShowConfirm(tr("sync.unpair"), tr("sync.unpair_confirm", "peer", circasync.ShortID(p.ID)), func(ok bool) {
		if !ok {
			return
		}
		s.background(func() (string, error) {
			return tr("sync.unpaired", "peer", circasync.ShortID(p.ID)), s.st.Unpair(p.ID)
		})
	}, s.win)
}

func (s *syncScreen) syncNow() {
	s.say(tr("sync.syncing"))
	s.background(func() (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if err := s.st.SyncNow(ctx); err != nil {
			return "", err
		}
		return tr("sync.done"), nil
	})
}

func (s *syncScreen) export() {
	peer := s.selected
	dialog.ShowFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		s.background(func() (string, error) {
			defer w.Close()
			n, err := s.st.Export(w, peer, time.Time{})
			if err != nil {
				return "", err
			}
			return tr("sync.exported", "count", n), nil
		})
	}, s.win)
}

func (s *syncScreen) importBundle() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		s.background(func() (string, error) {
			defer r.Close()
			n, err := s.st.Import(r)
			if err != nil {
				return "", err
			}
			return tr("sync.imported", "count", n), nil
		})
	}, s.win)
}

func (s *syncScreen) resolve(x *app.Exception) {
	note := widget.NewEntry()
	note.SetPlaceHolder(tr("sync.resolve_note"))
	dialog.ShowForm(tr("sync.resolve"), tr("sync.resolve"), tr("common.cancel"),
		[]*widget.FormItem{widget.NewFormItem(tr("sync.resolve_note"), note)}, func(ok bool) {
			if !ok {
				return
			}
			text := note.Text
			s.background(func() (string, error) {
				if err := s.st.Library().ResolveException(s.actor(), x.ID, text); err != nil {
					return "", err
				}
				return tr("sync.resolved"), nil
			})
		}, s.win)
}
