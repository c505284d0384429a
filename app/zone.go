package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"time"
	// Windows has no zone database of its own: every program that opens a
	// library carries one, so a zone set on a Linux desk loads everywhere.
	_ "time/tzdata"

	"github.com/cockroachdb/errors"
)

// SettingTimeZone is the library's time zone, an IANA name such as
// "Asia/Shanghai". It is library data and syncs like any setting, so every
// station cuts days the same way: due dates, closed days, "overdue today",
// the daily figures and replay's checks all agree. Unset, a station uses the
// zone it was opened with (Options.Location, else the computer's).
const SettingTimeZone = "library.timezone"

// MetaDailyZone (station-local) holds the zoneFingerprint of the zone the
// stored daily figures were cut in, so that a change of SettingTimeZone
// recomputes them.
const MetaDailyZone = "local/daily/zone"

// zoneFingerprint tells zones apart by what they do, not by name: the
// computer's zone ("Local") and the same zone by its IANA name, or "UTC" on
// a computer set to UTC, cut days alike and must not force a recount. It
// hashes the zone's offset from UTC twice a day from 1990 to 2050.
func zoneFingerprint(loc *time.Location) string {
	h := sha256.New()
	var buf [4]byte
	t := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC)
	for ; t.Before(end); t = t.Add(12 * time.Hour) {
		_, off := t.In(loc).Zone()
		binary.BigEndian.PutUint32(buf[:], uint32(int32(off)))
		h.Write(buf[:])
	}
	return "fp:" + hex.EncodeToString(h.Sum(nil)[:16])
}

// sameZone reports whether stored, a MetaDailyZone value, names the zone
// whose zoneFingerprint is current. Values written before fingerprints were
// zone names.
func sameZone(stored, current string) bool {
	if strings.HasPrefix(stored, "fp:") {
		return stored == current
	}
	named := time.Local
	if stored != "Local" {
		var err error
		if named, err = time.LoadLocation(stored); err != nil {
			return false
		}
	}
	return zoneFingerprint(named) == current
}

// LoadZone turns a SettingTimeZone value into a location; "" is the
// computer's own zone. An unknown name is refused with
// ReasonUnknownTimeZone.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return time.Local, nil
	}
	// LoadLocation also reads files: accept names only.
	if strings.ContainsAny(name, `\.`) || strings.HasPrefix(name, "/") {
		return nil, Refuse(ReasonUnknownTimeZone, "zone", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Refuse(ReasonUnknownTimeZone, "zone", name)
	}
	return loc, nil
}

// zoneFor is the location a stored SettingTimeZone value means for this
// library: the setting when it names a zone, else the zone it was opened
// with. A value no longer known (a station without that zone's data) falls
// back too, rather than stopping the desk.
func (l *Library) zoneFor(setting string) *time.Location {
	if setting == "" {
		return l.defaultLoc
	}
	loc, err := LoadZone(setting)
	if err != nil {
		return l.defaultLoc
	}
	return loc
}

// refreshZone makes the library use the zone its settings name; when that
// differs from the one the daily figures were cut in, BackfillDaily
// recomputes them (and otherwise does nothing). Open calls it, and update
// after any change to the settings, local or synced.
func (l *Library) refreshZone() error {
	name, err := l.Setting(SettingTimeZone, "")
	if err != nil {
		return errors.Wrap(err, "reading the time zone")
	}
	l.loc.Store(l.zoneFor(name))
	return l.BackfillDaily()
}

// touchesSettings reports whether evs change a setting.
func touchesSettings(evs []*Event) bool {
	for _, ev := range evs {
		switch ev.Kind {
		case EvRecordCreated, EvRecordUpdated, EvRecordDeleted:
			if bytes.Contains(ev.Payload, []byte(`"c":"settings"`)) {
				return true
			}
		}
	}
	return false
}
