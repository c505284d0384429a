package i18n

import (
	"math"
	"testing"
	"time"
)

func TestT(t *testing.T) {
	zh, en := New(Chinese), New(English)
	tests := []struct {
		name string
		c    *Catalogue
		key  string
		args []any
		want string
	}{
		{"plain", en, "common.ok", nil, "OK"},
		{"chinese", zh, "common.ok", nil, "确定"},
		{"placeholder", zh, "common.confirm_delete", []any{"name", "西游记"}, "删除“西游记”？删除后无法恢复。"},
		{"non-string value", en, "app.version", []any{"version", 2, "date", "today"}, "Version 2, built today"},
		{"missing arg left visible", en, "app.version", []any{"version", "1"}, "Version 1, built {date}"},
		{"odd trailing arg ignored", en, "common.confirm_delete", []any{"name", "x", "extra"}, "Delete x? This cannot be undone."},
		{"unknown key", zh, "no.such.key", nil, "no.such.key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.T(tt.key, tt.args...); got != tt.want {
				t.Errorf("T(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestFallsBackToEnglish(t *testing.T) {
	c := &Catalogue{lang: Chinese, msgs: messages{
		Chinese: {"both": "两者"},
		English: {"both": "both", "english.only": "English only"},
	}}
	if got := c.T("english.only"); got != "English only" {
		t.Errorf("got %q, want the English text", got)
	}
	if c.Has("english.only") {
		t.Error("Has reports a key the Chinese catalogue lacks")
	}
}

func TestNewUnsupportedIsEnglish(t *testing.T) {
	if got := New("fr").Lang(); got != English {
		t.Errorf("New(fr).Lang() = %q", got)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"zh-Hans", Chinese, true},
		{"zh_CN.UTF-8", Chinese, true},
		{"zh_TW", Chinese, true},
		{"zh-Hans-CN", Chinese, true},
		{"ZH", Chinese, true},
		{"en", English, true},
		{"en_GB.UTF-8", English, true},
		{"en-US", English, true},
		{"C", English, false},
		{"POSIX", English, false},
		{"fr_FR.UTF-8", English, false},
		{"", English, false},
		{"zhx", English, false},
	}
	for _, tt := range tests {
		got, ok := Parse(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name                 string
		lcAll, lcMsgs, lang_ string
		want                 Lang
	}{
		{"nothing set", "", "", "", English},
		{"LANG", "", "", "zh_CN.UTF-8", Chinese},
		{"LC_MESSAGES beats LANG", "", "en_US.UTF-8", "zh_CN.UTF-8", English},
		{"LC_ALL beats all", "zh_CN.UTF-8", "en_US.UTF-8", "en_US.UTF-8", Chinese},
		{"C locale", "", "", "C", English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LC_ALL", tt.lcAll)
			t.Setenv("LC_MESSAGES", tt.lcMsgs)
			t.Setenv("LANG", tt.lang_)
			if got := Detect(); got != tt.want {
				t.Errorf("Detect() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDate(t *testing.T) {
	day := time.Date(2026, time.November, 27, 14, 5, 0, 0, time.UTC)
	jan := time.Date(2027, time.January, 3, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		lang           Lang
		t              time.Time
		date, dateTime string
	}{
		{Chinese, day, "2026年11月27日", "2026年11月27日 14:05"},
		{English, day, "27 Nov 2026", "27 Nov 2026 14:05"},
		{Chinese, jan, "2027年1月3日", "2027年1月3日 09:00"},
		{English, jan, "3 Jan 2027", "3 Jan 2027 09:00"},
	}
	for _, tt := range tests {
		c := New(tt.lang)
		if got := c.Date(tt.t); got != tt.date {
			t.Errorf("%s Date = %q, want %q", tt.lang, got, tt.date)
		}
		if got := c.DateTime(tt.t); got != tt.dateTime {
			t.Errorf("%s DateTime = %q, want %q", tt.lang, got, tt.dateTime)
		}
	}
}

func TestMoney(t *testing.T) {
	tests := map[int64]string{
		0:             "¥0.00",
		5:             "¥0.05",
		1250:          "¥12.50",
		-300:          "-¥3.00",
		-1:            "-¥0.01",
		math.MinInt64: "-¥92233720368547758.08",
	}
	for fen, want := range tests {
		if got := Money(fen); got != want {
			t.Errorf("Money(%d) = %q, want %q", fen, got, want)
		}
	}
}

func TestSetLangNotifiesListeners(t *testing.T) {
	defer SetLang(Current().Lang())
	SetLang(English)

	var got []Lang
	remove := OnChange(func(l Lang) { got = append(got, l) })
	SetLang(Chinese)
	SetLang(Chinese) // no change, no call
	if T("common.ok") != "确定" {
		t.Errorf("T after SetLang(Chinese) = %q", T("common.ok"))
	}
	remove()
	SetLang(English) // removed, no call
	if len(got) != 1 || got[0] != Chinese {
		t.Errorf("listener saw %v, want [zh-Hans]", got)
	}
}
