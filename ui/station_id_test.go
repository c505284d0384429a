package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/notices"
	"github.com/circa-library/circa/storage/memstore"
	circasync "github.com/circa-library/circa/sync"
)

// The desk gives a station ID in the forms the sync screen, the CLI and
// the log use (sync.ShortID, sync.FormatID), so that staff can match what
// one station shows of itself with what another shows of it.
func TestStationIDsReadAsSyncShowsThem(t *testing.T) {
	id := circasync.StationID([]byte("this desk's certificate"))
	other := circasync.StationID([]byte("the other desk's certificate"))
	lib, err := app.Open(memstore.New(), app.Options{Clock: app.NewFakeClock(start), Location: time.UTC, Station: id})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Setup(app.SetupInput{LibraryName: "Test Library", AdminUsername: "admin", AdminName: "Ada", AdminPassword: adminPass}); err != nil {
		t.Fatal(err)
	}
	d := newTestDesk(t, lib, Config{})
	if got, want := d.status.station.Text, tr("status.station", "station", circasync.ShortID(id)); got != want {
		t.Errorf("status bar %q, want %q", got, want)
	}

	d.signedInAs(app.Actor{Username: "ADMIN", Role: app.RoleAdmin})
	d.show(ScreenSettings)
	for i, item := range d.settings.tabs.Items {
		if item.Text == tr("settings.data") {
			d.settings.tabs.SelectIndex(i)
		}
	}
	wantOnScreen(t, d, circasync.FormatID(id))
	if dir := os.Getenv("CIRCA_KEEP"); dir != "" {
		out, _ := os.Create(filepath.Join(dir, "settings-data.png"))
		png.Encode(out, d.win.Canvas().Capture())
		out.Close()
	}

	if err := lib.SetSetting(app.System, notices.SettingMailStation, other); err != nil {
		t.Fatal(err)
	}
	if got := mailStationText(lib); !strings.Contains(got, circasync.ShortID(other)) {
		t.Errorf("mail station %q does not name %s", got, circasync.ShortID(other))
	}
}
