package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/devices"
	circasync "github.com/circa-library/circa/sync"
)

// statusBar is the line at the bottom of the desk: station, user, scanner,
// sync, the last action, and the progress of a running job.
type statusBar struct {
	d        *desk
	station  *widget.Label
	user     *widget.Label
	scanner  *widget.Label
	sync     *widget.Label
	action   *widget.Label
	progress *widget.ProgressBarInfinite
	jobName  *widget.Label
	cancel   *widget.Button
	jobBox   *fyne.Container

	actionText string
	who        app.Actor
	job        *job
}

func newStatusBar(d *desk) *statusBar { return &statusBar{d: d} }

// build makes the bar's widgets in the current language.
func (s *statusBar) build() fyne.CanvasObject {
	// The same short form as the sync screen and the log, so that staff
	// can match this desk to what another station shows of it.
	s.station = widget.NewLabel(tr("status.station", "station", circasync.ShortID(s.d.lib.Station())))
	s.user = widget.NewLabel("")
	s.scanner = widget.NewLabel("")
	s.sync = widget.NewLabel("")
	s.refreshSync()
	s.action = widget.NewLabel(s.actionText)
	s.action.Truncation = fyne.TextTruncateEllipsis
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.jobName = widget.NewLabel("")
	s.cancel = widget.NewButton(tr("common.cancel"), func() {
		if s.job != nil {
			s.job.cancelled = true
			if s.job.stop != nil {
				s.job.stop()
			}
			s.endJob()
		}
	})
	s.jobBox = container.NewHBox(s.jobName, container.NewGridWrap(fyne.NewSize(160, s.cancel.MinSize().Height), s.progress), s.cancel)
	s.jobBox.Hide()
	s.setUser(s.who)
	s.refreshScanner()
	left := container.NewHBox(s.station, widget.NewSeparator(), s.user, widget.NewSeparator(), s.scanner, widget.NewSeparator(), s.sync, widget.NewSeparator())
	return container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, left, s.jobBox, s.action))
}

func (s *statusBar) setUser(a app.Actor) {
	s.who = a
	if s.user == nil {
		return
	}
	if a.Username == "" {
		s.user.SetText(tr("status.not_signed_in"))
		return
	}
	s.user.SetText(tr("status.user", "user", a.Username, "role", roleText(a.Role)))
}

func (s *statusBar) refreshScanner() {
	if s.scanner == nil {
		return
	}
	var statuses []devices.Status
	switch {
	case s.d.cfg.ScannerStatuses != nil:
		statuses = s.d.cfg.ScannerStatuses()
	case s.d.cfg.ScannerConnected != nil && s.d.cfg.ScannerConnected():
		statuses = []devices.Status{{State: devices.StateConnected}}
	}
	connected := false
	for _, st := range statuses {
		connected = connected || st.State == devices.StateConnected
	}
	switch {
	case len(statuses) == 0:
		s.scanner.SetText(tr("status.scanner_keyboard"))
	case connected:
		s.scanner.SetText(tr("status.scanner_connected"))
	default:
		s.scanner.SetText(tr("status.scanner_not_connected"))
	}
}

// refreshSync shows the state of sync: honest words, or "not set up" when
// the desk has no sync station.
func (s *statusBar) refreshSync() {
	if s.sync == nil {
		return
	}
	st := s.d.cfg.Sync
	if st == nil {
		s.sync.SetText(tr("status.sync_not_set_up"))
		return
	}
	status := st.Status()
	var text string
	switch {
	case len(status.Peers) == 0:
		text = tr("status.sync_no_peers")
	case status.Syncing:
		text = tr("status.sync_syncing")
	default:
		last := tr("status.sync_never")
		if !status.LastSync.IsZero() {
			last = i18n.DateTime(status.LastSync.In(s.d.lib.Location()))
		}
		text = tr("status.sync_state", "waiting", status.Waiting, "last", last)
	}
	if status.OpenExceptions > 0 {
		text += " · " + tr("status.sync_exceptions", "count", status.OpenExceptions)
	}
	s.sync.SetText(text)
}

// setAction shows the last thing the desk did.
func (s *statusBar) setAction(text string) {
	s.actionText = text
	if s.action != nil {
		s.action.SetText(text)
	}
	s.refreshScanner()
}

// job is work that may take longer than a second.
type job struct {
	cancelled bool
	done      bool
	// stop, when set, tells the work itself to stop at once.
	stop func()
}

// runJob runs work off the UI goroutine. After a second it shows a progress
// bar (with Cancel when cancel is set, which is called if the person
// cancels); then is called on the UI goroutine with the result unless the
// job was cancelled.
func (d *desk) runJob(name string, work func() error, cancel func(), then func(error)) {
	d.startJob(&job{}, name, work, cancel, then)
}

// runStoppableJob is runJob for work that stops when its context is
// cancelled: Cancel stops it at once, then cancel runs when it has stopped.
func (d *desk) runStoppableJob(name string, work func(ctx context.Context) error, cancel func(), then func(error)) {
	ctx, stop := context.WithCancel(context.Background())
	d.startJob(&job{stop: stop}, name, func() error {
		defer stop()
		return work(ctx)
	}, cancel, then)
}

func (d *desk) startJob(j *job, name string, work func() error, cancel func(), then func(error)) {
	s := d.status
	s.job = j
	d.jobs.Add(1)
	go func() {
		defer d.jobs.Done()
		err := work()
		fyne.DoAndWait(func() {
			j.done = true
			if s.job == j {
				s.endJob()
			}
			if j.cancelled {
				if cancel != nil {
					cancel()
				}
				return
			}
			then(err)
		})
	}()
	time.AfterFunc(time.Second, func() {
		fyne.Do(func() {
			if j.done || s.jobBox == nil || s.job != j {
				return
			}
			s.jobName.SetText(name)
			if cancel != nil {
				s.cancel.Show()
			} else {
				s.cancel.Hide()
			}
			s.jobBox.Show()
			s.progress.Start()
		})
	})
}

func (s *statusBar) endJob() {
	s.job = nil
	if s.jobBox != nil {
		s.progress.Stop()
		s.jobBox.Hide()
	}
}
