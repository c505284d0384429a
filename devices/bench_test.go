package devices

import (
	"context"
	"testing"
	"time"
)

// BenchmarkDecodeKeyboardReport decodes one keyboard report (a key press or
// its release) with the Datalogic GD4400 descriptor. Target: under 5 µs.
func BenchmarkDecodeKeyboardReport(b *testing.B) {
	d := mustDescriptor(b, loadDescriptor(b, "datalogic_gryphon_gd4400__report_descriptor.bin"))
	dec, err := NewKeyboardDecoder(d, DecoderOptions{})
	if err != nil {
		b.Fatal(err)
	}
	reports, err := KeyboardReports(d, LayoutUS, "9780306406157", KeyEnter)
	if err != nil {
		b.Fatal(err)
	}
	emit := func(Scan) {}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := dec.Decode(reports[i%len(reports)], t0, emit); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePOSReport decodes one HID POS report holding a whole
// EAN-13. Target: under 5 µs.
func BenchmarkDecodePOSReport(b *testing.B) {
	d := mustDescriptor(b, HIDPOSDescriptor)
	dec, err := NewPOSDecoder(d, "pos")
	if err != nil {
		b.Fatal(err)
	}
	reports, err := POSReports(d, "9780306406157", "]E0")
	if err != nil {
		b.Fatal(err)
	}
	emit := func(Scan) {}
	b.ReportAllocs()
	for b.Loop() {
		if err := dec.Decode(reports[0], t0, emit); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDescriptor(b *testing.B) {
	raw := loadDescriptor(b, "linux-input__apple_keyboard_05ac_0250_hidraw4.hid")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDescriptor(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDelivery measures from queuing a scan's reports on a simulated device
// to receiving the Scan from Manager.Scans: the reading goroutine, the
// decoder and the channel. Target: under 1 ms.
func benchDelivery(b *testing.B, dev *SimDevice, reports [][]byte) {
	bus := &SimBus{}
	bus.Plug(dev)
	connected := make(chan struct{}, 1)
	m := NewManager(ManagerConfig{Bus: bus, Chosen: []string{dev.Info.Key()}, Ticks: make(chan time.Time),
		OnStatus: func(s Status) {
			if s.State == StateConnected {
				connected <- struct{}{}
			}
		}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- m.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	<-connected
	b.ResetTimer()
	for b.Loop() {
		for _, r := range reports {
			dev.Send(r)
		}
		<-m.Scans()
	}
}

func BenchmarkReportToScanPOS(b *testing.B) {
	d := mustDescriptor(b, HIDPOSDescriptor)
	reports, err := POSReports(d, "9780306406157", "]E0")
	if err != nil {
		b.Fatal(err)
	}
	benchDelivery(b, NewSimDevice(posInfo, HIDPOSDescriptor), reports)
}

// BenchmarkReportToScanKeyboard sends the 28 reports of a 13-digit scan in
// keyboard mode; a real scanner spreads them over 15-30 ms of USB polling.
func BenchmarkReportToScanKeyboard(b *testing.B) {
	raw := loadDescriptor(b, "datalogic_gryphon_gd4400__report_descriptor.bin")
	reports, err := KeyboardReports(mustDescriptor(b, raw), LayoutUS, "9780306406157", KeyEnter)
	if err != nil {
		b.Fatal(err)
	}
	benchDelivery(b, NewSimDevice(kbInfo, raw), reports)
}

// BenchmarkWedgeScan feeds a 13-character scan and Return to the wedge.
func BenchmarkWedgeScan(b *testing.B) {
	w := NewWedge(WedgeConfig{OnScan: func(Scan) {}})
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range "9780306406157" {
			now = now.Add(3 * time.Millisecond)
			w.FeedRune(r, now)
		}
		now = now.Add(3 * time.Millisecond)
		w.FeedKey("Return", now)
		now = now.Add(time.Second)
	}
}
