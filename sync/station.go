package sync

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	gosync "sync"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/explain"
	"github.com/circa-library/circa/assets/i18n"
)

// DefaultPort is where stations listen for peers.
const DefaultPort = 7420

// StationOptions configure a Station.
type StationOptions struct {
	// Listen is the address the station answers peers on ("" : it only
	// calls out, which is enough behind a hub).
	Listen string
	// Discovery turns on the LAN beacon; DiscoveryListen and DiscoverySend
	// default to DefaultDiscoveryPort and the broadcast address.
	Discovery       bool
	DiscoveryListen string
	DiscoverySend   []string
	Logger          *slog.Logger
	Server          ServerOptions
	// Manual leaves syncing to SyncNow: Serve answers peers but never
	// calls them by itself.
	Manual bool
}

// Station is what the desk and the CLI hold: the identity, the node, the
// syncer and, while Serve runs, the server and the beacon.
type Station struct {
	Ident     *Identity
	Node      *Node
	Syncer    *Syncer
	Discovery *Discovery

	lib  *app.Library
	opts StationOptions
	log  *slog.Logger

	mu   gosync.Mutex
	addr string
}

// Identify returns the station identity kept in dataDir, making it on
// first run. Its ID is what the desk passes as app.Options.Station.
func Identify(dataDir string) (*Identity, error) {
	return LoadOrCreateIdentity(dataDir, nil, app.SystemClock{}.Now())
}

// OpenStation prepares sync for lib, whose station ID must be the identity's
// in dataDir. A rebuild left over from a crash runs here.
func OpenStation(dataDir string, lib *app.Library, opts StationOptions) (*Station, error) {
	ident, err := Identify(dataDir)
	if err != nil {
		return nil, err
	}
	return NewStation(ident, lib, opts)
}

// NewStation is OpenStation with an identity already loaded.
func NewStation(ident *Identity, lib *app.Library, opts StationOptions) (*Station, error) {
	if lib.Station() != ident.ID {
		return nil, errors.Newf("the library belongs to station %s, the certificate to %s; open it with app.Options{Station: identity.ID}",
			ShortID(lib.Station()), ShortID(ident.ID))
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if _, err := lib.RebuildIfStale(); err != nil {
		return nil, errors.Wrap(err, "finishing an interrupted sync")
	}
	node, err := NewNode(lib, log)
	if err != nil {
		return nil, err
	}
	s := &Station{Ident: ident, Node: node, lib: lib, opts: opts, log: log}
	s.Syncer = NewSyncer(node, log, func(p Peer, addr string) Remote { return NewClient(ident, addr, p.ID) })
	if opts.Discovery {
		listen := opts.DiscoveryListen
		if listen == "" {
			listen = fmt.Sprintf(":%d", DefaultDiscoveryPort)
		}
		send := opts.DiscoverySend
		if len(send) == 0 {
			send = []string{fmt.Sprintf("255.255.255.255:%d", DefaultDiscoveryPort)}
		}
		s.Discovery = NewDiscovery(Beacon{Station: ident.ID, Instance: node.lib.NewID()}, listen, send, lib.Clock(), log)
		s.Syncer.Lookup = s.Discovery.Address
	}
	return s, nil
}

// ID returns the station ID (hex).
func (s *Station) ID() string { return s.Ident.ID }

// Addr returns the address the server listens on, once Serve has started.
func (s *Station) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Serve answers peers, announces the station and keeps it in sync until
// ctx ends.
func (s *Station) Serve(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg gosync.WaitGroup
	errs := make(chan error, 3)
	run := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil {
				errs <- errors.Wrap(err, name)
				cancel()
			}
		}()
	}
	if s.opts.Listen != "" {
		ln, err := net.Listen("tcp", s.opts.Listen)
		if err != nil {
			return errors.Wrapf(err, "listening on %s", s.opts.Listen)
		}
		s.mu.Lock()
		s.addr = ln.Addr().String()
		s.mu.Unlock()
		s.log.Info("answering peers", "address", s.addr, "station", FormatID(s.ID()))
		srv := NewServer(s.Node, s.Ident, s.log, s.opts.Server)
		run("server", func(ctx context.Context) error { return srv.Serve(ctx, ln) })
		if s.Discovery != nil {
			s.Discovery.self.Port = ln.Addr().(*net.TCPAddr).Port
		}
	}
	if s.Discovery != nil {
		run("discovery", s.Discovery.Serve)
	}
	if !s.opts.Manual {
		run("syncer", s.Syncer.Serve)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// Status returns the sync status as it is in the store now.
func (s *Station) Status() Status {
	s.Syncer.Refresh()
	return s.Syncer.Status()
}

// SyncNow syncs with every reachable peer at once (circa sync now).
func (s *Station) SyncNow(ctx context.Context) error { return s.Syncer.SyncOnce(ctx) }

// Pair trusts a station (circa pair add ID). addr may be empty when the
// peer calls this station, or when discovery will find it.
func (s *Station) Pair(id, addr, name string) error {
	return s.Node.AddPeer(Peer{ID: id, Address: addr, Name: name})
}

// Unpair stops trusting a station (circa pair remove ID).
func (s *Station) Unpair(id string) error { return s.Node.RemovePeer(id) }

// Peers lists the paired stations with what is known of each (circa pair list).
func (s *Station) Peers() []PeerStatus { return s.Status().Peers }

// Invite makes a one-time invite code for a desk to join this station
// (the hub) at address.
func (s *Station) Invite(address string) (string, error) {
	inv, err := s.Node.CreateInvite(address, randReader())
	if err != nil {
		return "", err
	}
	return inv.String(), nil
}

// Join redeems a hub's invite code.
func (s *Station) Join(ctx context.Context, code, name string) error {
	_, err := Join(ctx, s.Node, s.Ident, code, name)
	return err
}

// Export writes a USB bundle (circa sync export --out FILE): with peer
// set, the events that peer is not known to hold; otherwise the events
// from since on (zero: everything).
func (s *Station) Export(w io.Writer, peer string, since time.Time) (int, error) {
	opts := ExportOptions{SinceTime: since}
	if peer != "" {
		id, err := ParseID(peer)
		if err != nil {
			return 0, err
		}
		st, err := s.Node.State(id)
		if err != nil {
			return 0, err
		}
		opts.Since = copyVector(st.Vector)
	}
	return ExportBundle(w, s.Node, s.Ident, opts)
}

// Import applies a USB bundle (circa sync import FILE).
func (s *Station) Import(r io.Reader) (int, error) {
	n, err := ImportBundle(r, s.Node)
	s.Syncer.Refresh()
	return n, err
}

// WriteStatus prints a status for the command line in cat's language: this
// station, what waits to leave, and a line for each peer (PeerLine).
func WriteStatus(w io.Writer, cat *i18n.Catalogue, st Status) {
	fmt.Fprintln(w, cat.T("sync.own_id", "short", ShortID(st.Station)), FormatID(st.Station))
	fmt.Fprintln(w, cat.T("sync.summary", "waiting", st.Waiting, "exceptions", st.OpenExceptions))
	peers := append([]PeerStatus(nil), st.Peers...)
	sort.Slice(peers, func(i, j int) bool { return peers[i].ID < peers[j].ID })
	for _, p := range peers {
		fmt.Fprintln(w, PeerLine(cat, p))
	}
}

// PeerLine says in cat's language how sync with one peer stands: its kind,
// last contact, clock skew, what waits for it and the last error.
func PeerLine(cat *i18n.Catalogue, p PeerStatus) string {
	kind := cat.T("sync.kind_desk")
	if p.Hub {
		kind = cat.T("sync.kind_hub")
	}
	last := cat.T("sync.never")
	if !p.LastContact.IsZero() {
		last = cat.DateTime(p.LastContact.Local())
	}
	text := cat.T("sync.peer_row", "peer", ShortID(p.ID), "name", p.Name, "kind", kind,
		"last", last, "skew", p.Skew.Round(time.Second).String(), "waiting", p.Waiting)
	if p.LastError != "" {
		text += " · " + cat.T("sync.last_error", "error", explain.FirstLine(p.LastError))
	}
	return text
}

// Library returns the library the station syncs.
func (s *Station) Library() *app.Library { return s.lib }
