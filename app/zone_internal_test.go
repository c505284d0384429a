package app

import (
	"testing"
	"time"
)

func TestZonesCompareByWhatTheyDo(t *testing.T) {
	utc, _ := time.LoadLocation("Etc/UTC")
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	chongqing, _ := time.LoadLocation("Asia/Chongqing") // an alias of Shanghai's rules
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if zoneFingerprint(time.UTC) != zoneFingerprint(utc) || zoneFingerprint(shanghai) != zoneFingerprint(chongqing) {
		t.Error("zones that cut days alike have different fingerprints")
	}
	if zoneFingerprint(time.UTC) == zoneFingerprint(shanghai) || zoneFingerprint(shanghai) == zoneFingerprint(berlin) {
		t.Error("different zones share a fingerprint")
	}
	for _, c := range []struct {
		stored string
		loc    *time.Location
		want   bool
	}{
		{zoneFingerprint(shanghai), chongqing, true},
		{zoneFingerprint(shanghai), berlin, false},
		{"UTC", utc, true}, // a name, as written before fingerprints
		{"Asia/Shanghai", chongqing, true},
		{"Asia/Shanghai", time.UTC, false},
		{"Local", time.Local, true},
		{"Nowhere/Town", time.UTC, false},
	} {
		if got := sameZone(c.stored, zoneFingerprint(c.loc)); got != c.want {
			t.Errorf("sameZone(%q, %s) = %v, want %v", c.stored, c.loc, got, c.want)
		}
	}
}
