package sync

import (
	"context"
	"log/slog"
	gosync "sync"
	"time"

	"github.com/circa-library/circa/app"
)

// PeerStatus is what the status bar and the sync screen show of one peer.
type PeerStatus struct {
	Peer
	LastContact time.Time
	LastError   string
	Skew        time.Duration
	// Waiting counts this station's events the peer is not known to hold.
	Waiting int
	NextTry time.Time
}

// Status is the state of sync as a whole.
type Status struct {
	Station string
	Syncing bool
	Peers   []PeerStatus
	// Waiting counts events no peer is known to hold yet (all local events
	// when there is no peer).
	Waiting        int
	OpenExceptions int
	LastSync       time.Time
}

// Syncer keeps a station in step with every paired peer that has an
// address (its own, or one discovery suggests): it syncs when local events
// are committed, when asked (SyncNow) and every Interval, backing off from
// peers that cannot be reached.
type Syncer struct {
	node *Node
	log  *slog.Logger
	// Dial makes the Remote for a peer at an address.
	Dial func(p Peer, addr string) Remote
	// Lookup suggests an address for a peer without one (discovery).
	Lookup func(id string) (string, bool)
	// Interval between rounds when nothing happens (default 1 min).
	Interval time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failure.
	MinBackoff, MaxBackoff time.Duration

	wake chan struct{}

	mu      gosync.Mutex
	status  Status
	backoff map[string]time.Duration
	next    map[string]time.Time
	subs    map[int]func(Status)
	nextSub int
	running gosync.Mutex // one round at a time
}

// NewSyncer makes a syncer for node; dial connects to a peer.
func NewSyncer(node *Node, log *slog.Logger, dial func(p Peer, addr string) Remote) *Syncer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Syncer{node: node, log: log, Dial: dial, Interval: time.Minute,
		MinBackoff: 2 * time.Second, MaxBackoff: 5 * time.Minute,
		wake: make(chan struct{}, 1), backoff: map[string]time.Duration{},
		next: map[string]time.Time{}, subs: map[int]func(Status){}}
	s.status.Station = node.ID()
	node.lib.Observe(func(evs []*app.Event) {
		for _, e := range evs {
			if e.Station == node.ID() {
				s.poke()
				return
			}
		}
	})
	return s
}

func (s *Syncer) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// SyncNow asks for a round at once, forgetting any back-off.
func (s *Syncer) SyncNow() {
	s.mu.Lock()
	clear(s.backoff)
	clear(s.next)
	s.mu.Unlock()
	s.poke()
}

// Subscribe calls fn with every new status (from the syncer's goroutine;
// a screen hands it to fyne.Do). It returns a function that stops it.
func (s *Syncer) Subscribe(fn func(Status)) (cancel func()) {
	s.mu.Lock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = fn
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

// Status returns the latest status.
func (s *Syncer) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Serve runs rounds until ctx ends.
func (s *Syncer) Serve(ctx context.Context) error {
	s.Refresh()
	for {
		wait := s.Round(ctx)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-s.wake:
			timer.Stop()
		case <-timer.C:
		}
	}
}

// Round syncs with every peer that is due and returns how long to wait
// before the next round.
func (s *Syncer) Round(ctx context.Context) time.Duration {
	s.running.Lock()
	defer s.running.Unlock()
	s.setSyncing(true)
	wait := s.Interval
	// A push that a peer never finished may have left the state stale.
	if _, err := s.node.lib.RebuildIfStale(); err != nil {
		s.log.Error("replaying the event log", "error", err.Error())
	}
	for _, p := range s.node.Peers() {
		if ctx.Err() != nil {
			break
		}
		addr := p.Address
		if addr == "" && s.Lookup != nil {
			addr, _ = s.Lookup(p.ID)
		}
		if addr == "" {
			continue // it calls us (a desk behind a hub, or a desk without a known address)
		}
		now := s.node.clock.Now()
		s.mu.Lock()
		due := s.next[p.ID]
		s.mu.Unlock()
		if now.Before(due) {
			wait = min(wait, due.Sub(now))
			continue
		}
		_, err := s.exchange(ctx, p, addr)
		s.mu.Lock()
		if err != nil {
			b := s.backoff[p.ID]*2 + s.MinBackoff
			b = min(b, s.MaxBackoff)
			s.backoff[p.ID] = b
			s.next[p.ID] = now.Add(b)
			wait = min(wait, b)
		} else {
			delete(s.backoff, p.ID)
			delete(s.next, p.ID)
			s.status.LastSync = s.node.clock.Now()
		}
		s.mu.Unlock()
	}
	s.setSyncing(false)
	return max(wait, 100*time.Millisecond)
}

func (s *Syncer) exchange(ctx context.Context, p Peer, addr string) (Result, error) {
	r := s.Dial(p, addr)
	if c, ok := r.(interface{ Close() }); ok {
		defer c.Close()
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	res, err := s.node.Exchange(ctx, p.ID, r)
	if err != nil {
		s.log.Warn("sync failed", "peer", ShortID(p.ID), "address", addr, "error", err.Error())
		s.node.noteError(p.ID, err)
	}
	return res, err
}

// SyncOnce runs one round now and reports the first failure (the CLI's
// "circa sync now").
func (s *Syncer) SyncOnce(ctx context.Context) error {
	s.SyncNow()
	s.running.Lock()
	s.running.Unlock()
	var first error
	for _, p := range s.node.Peers() {
		addr := p.Address
		if addr == "" && s.Lookup != nil {
			addr, _ = s.Lookup(p.ID)
		}
		if addr == "" {
			continue
		}
		if _, err := s.exchange(ctx, p, addr); err != nil && first == nil {
			first = err
		}
	}
	s.Refresh()
	return first
}

func (s *Syncer) setSyncing(on bool) {
	s.mu.Lock()
	s.status.Syncing = on
	s.mu.Unlock()
	s.Refresh()
}

// Refresh recomputes the status from the store and tells subscribers.
func (s *Syncer) Refresh() {
	st, err := computeStatus(s.node)
	if err != nil {
		s.log.Warn("reading sync status", "error", err.Error())
		return
	}
	s.mu.Lock()
	st.Syncing, st.LastSync = s.status.Syncing, s.status.LastSync
	for i := range st.Peers {
		st.Peers[i].NextTry = s.next[st.Peers[i].ID]
	}
	s.status = st
	subs := make([]func(Status), 0, len(s.subs))
	for _, fn := range s.subs {
		subs = append(subs, fn)
	}
	s.mu.Unlock()
	for _, fn := range subs {
		fn(st)
	}
}

func computeStatus(n *Node) (Status, error) {
	st := Status{Station: n.ID()}
	peers := n.Peers()
	err := n.lib.View(func(tx app.Tx) error {
		vec, err := tx.Vector()
		if err != nil {
			return err
		}
		own := map[string]uint64{n.ID(): vec[n.ID()]}
		st.Waiting = int(vec[n.ID()])
		for _, p := range peers {
			ps, err := readPeerState(tx, p.ID)
			if err != nil {
				return err
			}
			w := waiting(vec, ps.Vector)
			st.Peers = append(st.Peers, PeerStatus{Peer: p, LastContact: ps.LastContact,
				LastError: ps.LastError, Skew: ps.Skew, Waiting: w})
			st.Waiting = min(st.Waiting, waiting(own, ps.Vector))
		}
		return tx.Scan(app.IdxExceptionOpen, "", "", func(string, string) error {
			st.OpenExceptions++
			return nil
		})
	})
	return st, err
}
