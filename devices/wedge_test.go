package devices

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// stroke is one keystroke in a typed sequence: a rune or a key name, after
// a pause.
type stroke struct {
	after time.Duration
	r     rune
	name  string
}

// typed turns text into strokes `gap` apart; '\n' becomes the Return key.
func typed(text string, gap time.Duration) []stroke {
	var out []stroke
	for _, r := range text {
		if r == '\n' {
			out = append(out, stroke{after: gap, name: "Return"})
			continue
		}
		out = append(out, stroke{after: gap, r: r})
	}
	return out
}

func concat(parts ...[]stroke) []stroke {
	var out []stroke
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// pauseFirst delays the first stroke of a sequence.
func pauseFirst(d time.Duration, s []stroke) []stroke {
	s[0].after = d
	return s
}

func TestWedge(t *testing.T) {
	const scanner, human = 4 * time.Millisecond, 140 * time.Millisecond
	tests := []struct {
		name       string
		cfg        WedgeConfig
		strokes    []stroke
		wantScans  []string
		wantPassed string // what reaches the widget, released or passed, in order (Return as ⏎, BackSpace as ⌫)
	}{
		{name: "scanner burst", strokes: typed("T000123\n", scanner),
			wantScans: []string{"T000123"}},
		{name: "human typing", strokes: typed("hello\n", human),
			wantPassed: "hello⏎"},
		{name: "fast human pair then pause", strokes: typed("ab", 20*time.Millisecond),
			wantPassed: "ab"},
		{name: "short burst with enter is typing", strokes: typed("12\n", scanner),
			wantPassed: "12⏎"},
		{name: "human then scan then human",
			strokes:    concat(typed("abx", human), pauseFirst(human, typed("9780306406157\n", scanner)), typed("cd", human)),
			wantScans:  []string{"9780306406157"},
			wantPassed: "abxcd"},
		{name: "tab key ends a scan",
			strokes:   append(typed("R00042", scanner), stroke{after: scanner, name: "Tab"}),
			wantScans: []string{"R00042"}},
		{name: "burst broken by a pause is typing",
			strokes:    concat(typed("1234", scanner), typed("5\n", human)),
			wantPassed: "12345⏎"},
		{name: "named key releases what is held",
			strokes:    append(typed("ab", scanner), stroke{after: scanner, name: "BackSpace"}),
			wantPassed: "ab⌫"},
		{name: "idle end accepts a burst without terminator", cfg: WedgeConfig{IdleEnd: true},
			strokes: typed("T000123", scanner), wantScans: []string{"T000123"}},
		{name: "without idle end a burst without terminator is typing",
			strokes: typed("T000123", scanner), wantPassed: "T000123"},
		{name: "min length", cfg: WedgeConfig{MinLength: 8},
			strokes: typed("T000123\n", scanner), wantPassed: "T000123⏎"},
		{name: "slow scanner needs a wider gap", cfg: WedgeConfig{MaxGap: 60 * time.Millisecond},
			strokes: typed("T000123\n", 45*time.Millisecond), wantScans: []string{"T000123"}},
		{name: "slow scanner with the default gap is typing",
			strokes: typed("T000123\n", 45*time.Millisecond), wantPassed: "T000123⏎"},
		{name: "tab rune terminates", strokes: typed("ABCD\t", scanner),
			wantScans: []string{"ABCD"}},
		{name: "two scans back to back",
			strokes:   concat(typed("1111\n", scanner), pauseFirst(300*time.Millisecond, typed("2222\n", scanner))),
			wantScans: []string{"1111", "2222"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			show := func(k Key) rune {
				switch k.Name {
				case "":
					return k.Rune
				case "Return":
					return '⏎'
				case "BackSpace":
					return '⌫'
				}
				return '?'
			}
			var scans []string
			var passed []rune
			scanKeys, releasedKeys := 0, 0
			cfg := tt.cfg
			cfg.OnScan = func(s Scan) {
				if s.Device != "keyboard" {
					t.Errorf("Device = %q, want keyboard", s.Device)
				}
				scans = append(scans, s.Text)
				scanKeys += len([]rune(s.Text))
			}
			cfg.OnRelease = func(ks []Key) {
				releasedKeys += len(ks)
				for _, k := range ks {
					passed = append(passed, show(k))
				}
			}
			w := NewWedge(cfg)
			now, swallowed := t0, 0
			for _, s := range tt.strokes {
				now = now.Add(s.after)
				// The UI's timer calls Flush when the deadline passes.
				if d, ok := w.Deadline(); ok && !d.After(now) {
					w.Flush(d)
				}
				var sw bool
				if s.name != "" {
					sw = w.FeedKey(s.name, now)
				} else {
					sw = w.FeedRune(s.r, now)
				}
				if sw {
					swallowed++
				} else {
					passed = append(passed, show(Key{Rune: s.r, Name: s.name}))
				}
			}
			if d, ok := w.Deadline(); ok {
				w.Flush(d)
			}
			if _, ok := w.Deadline(); ok {
				t.Error("keys still held after the final Flush")
			}
			if diff := cmp.Diff(tt.wantScans, scans); diff != "" {
				t.Errorf("scans (-want +got):\n%s", diff)
			}
			if got := string(passed); got != tt.wantPassed {
				t.Errorf("reached the widget %q, want %q", got, tt.wantPassed)
			}
			// Every swallowed key was either given back or is part of a scan
			// (its characters plus, without IdleEnd, its terminator).
			terminators := len(scans)
			if tt.cfg.IdleEnd {
				terminators = 0
			}
			if swallowed != releasedKeys+scanKeys+terminators {
				t.Errorf("swallowed %d keys; released %d, in scans %d+%d", swallowed, releasedKeys, scanKeys, terminators)
			}
		})
	}
}

func TestWedgeDeadline(t *testing.T) {
	var released []Key
	w := NewWedge(WedgeConfig{MaxGap: 30 * time.Millisecond, OnRelease: func(k []Key) { released = append(released, k...) }})
	if _, ok := w.Deadline(); ok {
		t.Fatal("deadline with nothing held")
	}
	w.FeedRune('a', t0)
	d, ok := w.Deadline()
	if !ok || d != t0.Add(31*time.Millisecond) {
		t.Fatalf("Deadline = %v, %v", d, ok)
	}
	w.Flush(t0.Add(10 * time.Millisecond))
	if len(released) != 0 {
		t.Fatal("released before the deadline")
	}
	w.Flush(d)
	if diff := cmp.Diff([]Key{{Rune: 'a'}}, released); diff != "" {
		t.Errorf("released (-want +got):\n%s", diff)
	}
}

func TestWedgeConcurrentFlush(t *testing.T) {
	// The UI's timer may call Flush on another goroutine while keys arrive.
	var mu sync.Mutex
	var scans []string
	w := NewWedge(WedgeConfig{OnScan: func(s Scan) { mu.Lock(); scans = append(scans, s.Text); mu.Unlock() }})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 1000; i++ {
			w.Flush(t0) // never after the keys below: releases nothing
		}
	}()
	now := t0
	for i := 0; i < 50; i++ {
		for _, r := range "T000123" {
			now = now.Add(2 * time.Millisecond)
			w.FeedRune(r, now)
		}
		now = now.Add(2 * time.Millisecond)
		w.FeedKey("Return", now)
		now = now.Add(time.Second)
	}
	<-done
	if len(scans) != 50 {
		t.Errorf("%d scans, want 50", len(scans))
	}
}
