package sync

import (
	"strings"
	"testing"
	"time"

	"github.com/circa-library/circa/assets/i18n"
)

func TestStatusIsWrittenInTheUsersLanguage(t *testing.T) {
	station, peer := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	st := Status{Station: station, Waiting: 12, OpenExceptions: 1, Peers: []PeerStatus{{
		Peer:        Peer{ID: peer, Name: "二楼", Hub: true},
		LastContact: time.Date(2026, 11, 27, 9, 5, 0, 0, time.Local),
		Skew:        1500 * time.Millisecond, Waiting: 3,
		LastError: "dial tcp 10.0.0.9:7420: connection refused\nmore",
	}}}
	var b strings.Builder
	WriteStatus(&b, i18n.New(i18n.Chinese), st)
	got := b.String()
	for _, want := range []string{
		FormatID(station), "待发送事件 12 条", "未处理异常 1 条",
		ShortID(peer), "二楼", "2026年11月27日 09:05", "connection refused",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("status lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "more") || strings.Contains(got, "waiting") {
		t.Errorf("status has English or a second error line:\n%s", got)
	}
}
