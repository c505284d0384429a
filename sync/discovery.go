package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strconv"
	gosync "sync"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// Beacon is what a station announces on the LAN.
type Beacon struct {
	Station  string `json:"station"`
	Port     int    `json:"port"`
	Instance string `json:"instance"`
}

var beaconMagic = []byte("CIRCA-BEACON1\n")

// DefaultDiscoveryPort is the UDP port beacons use.
const DefaultDiscoveryPort = 21047

// Sighting is where and when a station was last heard.
type Sighting struct {
	Addr string
	At   time.Time
}

// Discovery announces this station and listens for others. What it hears
// only suggests an address: the TLS handshake decides who is who.
type Discovery struct {
	self   Beacon
	listen string
	send   []string
	clock  app.Clock
	log    *slog.Logger
	// Interval between announcements (default 30 s).
	Interval time.Duration

	mu   gosync.Mutex
	seen map[string]Sighting
}

// NewDiscovery announces self to each of send (e.g. "255.255.255.255:21047")
// and listens on listen (e.g. ":21047").
func NewDiscovery(self Beacon, listen string, send []string, clock app.Clock, log *slog.Logger) *Discovery {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Discovery{self: self, listen: listen, send: send, clock: clock, log: log,
		Interval: 30 * time.Second, seen: map[string]Sighting{}}
}

// Address returns where station id was last heard, if anywhere recently.
func (d *Discovery) Address(id string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.seen[id]
	if !ok || d.clock.Now().Sub(s.At) > 10*d.Interval {
		return "", false
	}
	return s.Addr, true
}

// Seen lists every station heard.
func (d *Discovery) Seen() map[string]Sighting {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]Sighting, len(d.seen))
	for k, v := range d.seen {
		out[k] = v
	}
	return out
}

// Serve announces and listens until ctx ends.
func (d *Discovery) Serve(ctx context.Context) error {
	pc, err := net.ListenPacket("udp", d.listen)
	if err != nil {
		return errors.Wrap(err, "listening for beacons")
	}
	var wg gosync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		_ = pc.Close()
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.announce(ctx, pc)
	}()
	buf := make([]byte, 2048)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			wg.Wait()
			if ctx.Err() != nil {
				return nil
			}
			return errors.Wrap(err, "reading beacons")
		}
		d.heard(buf[:n], from)
	}
}

func (d *Discovery) announce(ctx context.Context, pc net.PacketConn) {
	raw, _ := json.Marshal(d.self)
	pkt := append(append([]byte(nil), beaconMagic...), raw...)
	for {
		for _, s := range d.send {
			addr, err := net.ResolveUDPAddr("udp", s)
			if err == nil {
				_, err = pc.WriteTo(pkt, addr)
			}
			if err != nil && ctx.Err() == nil {
				d.log.Debug("sending a beacon", "to", s, "error", err.Error())
			}
		}
		t := time.NewTimer(d.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// heard records a beacon, ignoring anything malformed and this station's own.
func (d *Discovery) heard(pkt []byte, from net.Addr) {
	b, ok := ParseBeacon(pkt)
	if !ok || b.Station == d.self.Station {
		return
	}
	ua, ok := from.(*net.UDPAddr)
	if !ok {
		return
	}
	addr := net.JoinHostPort(ua.IP.String(), strconv.Itoa(b.Port))
	d.mu.Lock()
	prev := d.seen[b.Station]
	d.seen[b.Station] = Sighting{Addr: addr, At: d.clock.Now()}
	d.mu.Unlock()
	if prev.Addr != addr {
		d.log.Info("station heard on the LAN", "peer", ShortID(b.Station), "address", addr)
	}
}

// ParseBeacon reads a beacon packet.
func ParseBeacon(pkt []byte) (Beacon, bool) {
	var b Beacon
	if !bytes.HasPrefix(pkt, beaconMagic) || json.Unmarshal(pkt[len(beaconMagic):], &b) != nil {
		return b, false
	}
	if _, err := ParseID(b.Station); err != nil || b.Port <= 0 || b.Port > 65535 {
		return b, false
	}
	return b, true
}
