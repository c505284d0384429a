package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sort"
	gosync "sync"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/internal/gcmode"
)

// Remote is the other end of an exchange: over HTTPS (Client), in the same
// process (Local), or through the simulation's faulty network.
type Remote interface {
	Hello(ctx context.Context, h Hello) (Hello, error)
	Pull(ctx context.Context, req PullRequest) (*Batch, error)
	Push(ctx context.Context, b *Batch) (PushReply, error)
}

// Node is one station's end of sync: it answers peers (the Serve methods)
// and runs exchanges with them (Exchange). It keeps the list of trusted
// peers and what it remembers of each in the library's station-local meta.
type Node struct {
	lib   *app.Library
	log   *slog.Logger
	clock app.Clock
	// BatchEvents bounds the batches this node sends and asks for (default
	// defaultBatchEvents).
	BatchEvents int

	mu          gosync.RWMutex
	trusted     map[string]Peer
	invitesOpen bool

	// beforeCheckpoint, when set (tests), runs after a batch is stored and
	// before the peer's checkpoint is written in the same transaction; an
	// error rolls both back, as a crash would.
	beforeCheckpoint func(peer string) error
}

// NewNode wraps a library. log nil discards.
func NewNode(lib *app.Library, log *slog.Logger) (*Node, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Node{lib: lib, log: log, clock: lib.Clock(), BatchEvents: defaultBatchEvents}
	if err := n.reloadPeers(); err != nil {
		return nil, err
	}
	if err := n.reloadInvites(); err != nil {
		return nil, err
	}
	return n, nil
}

// ID returns this station's ID.
func (n *Node) ID() string { return n.lib.Station() }

// Library returns the library the node serves.
func (n *Node) Library() *app.Library { return n.lib }

func (n *Node) reloadPeers() error {
	var ps []Peer
	if err := n.lib.View(func(tx app.Tx) error {
		var err error
		ps, err = readPeers(tx)
		return err
	}); err != nil {
		return err
	}
	m := make(map[string]Peer, len(ps))
	for _, p := range ps {
		m[p.ID] = p
	}
	n.mu.Lock()
	n.trusted = m
	n.mu.Unlock()
	return nil
}

// Trusted reports whether id is a paired peer.
func (n *Node) Trusted(id string) bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	_, ok := n.trusted[id]
	return ok
}

// Peer returns a paired peer.
func (n *Node) Peer(id string) (Peer, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	p, ok := n.trusted[id]
	return p, ok
}

// Peers lists the paired peers in ID order.
func (n *Node) Peers() []Peer {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := make([]Peer, 0, len(n.trusted))
	for _, p := range n.trusted {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// AddPeer pairs with a station, or updates its name and address.
func (n *Node) AddPeer(p Peer) error {
	id, err := ParseID(p.ID)
	if err != nil {
		return err
	}
	if id == n.ID() {
		return errors.WithStack(ErrSelfPair)
	}
	p.ID = id
	err = n.lib.Transact(func(tx app.Tx) error {
		ps, err := readPeers(tx)
		if err != nil {
			return err
		}
		out := ps[:0]
		for _, q := range ps {
			if q.ID == id {
				if p.Added.IsZero() {
					p.Added = q.Added
				}
				if p.Address == "" {
					p.Address = q.Address
				}
				continue
			}
			out = append(out, q)
		}
		if p.Added.IsZero() {
			p.Added = n.clock.Now().UTC()
		}
		return writePeers(tx, append(out, p))
	})
	if err != nil {
		return errors.Wrap(err, "saving the peer")
	}
	n.log.Info("paired", "peer", ShortID(id), "address", p.Address, "hub", p.Hub)
	return n.reloadPeers()
}

// RemovePeer unpairs a station: from now on its connections and bundles
// are refused. Events it sent before stay.
func (n *Node) RemovePeer(id string) error {
	id, err := ParseID(id)
	if err != nil {
		return err
	}
	err = n.lib.Transact(func(tx app.Tx) error {
		ps, err := readPeers(tx)
		if err != nil {
			return err
		}
		out := ps[:0]
		for _, q := range ps {
			if q.ID != id {
				out = append(out, q)
			}
		}
		if err := writePeers(tx, out); err != nil {
			return err
		}
		return tx.SetMeta(metaPeerPrefix+id, nil)
	})
	if err != nil {
		return errors.Wrap(err, "removing the peer")
	}
	n.log.Info("unpaired", "peer", ShortID(id))
	return n.reloadPeers()
}

// State returns what this station remembers of a peer.
func (n *Node) State(id string) (PeerState, error) {
	var st PeerState
	err := n.lib.View(func(tx app.Tx) error {
		var err error
		st, err = readPeerState(tx, id)
		return err
	})
	return st, err
}

// Vector returns what this station holds.
func (n *Node) Vector() (map[string]uint64, error) {
	var v map[string]uint64
	err := n.lib.View(func(tx app.Tx) error {
		var err error
		v, err = tx.Vector()
		return err
	})
	return v, err
}

func (n *Node) hello() (Hello, error) {
	h := Hello{Station: n.ID(), Time: n.clock.Now().UTC()}
	err := n.lib.View(func(tx app.Tx) error {
		db, err := tx.Meta(app.MetaDatabaseID)
		if err != nil {
			return err
		}
		h.Database = string(db)
		h.Vector, err = tx.Vector()
		return err
	})
	return h, err
}

func (n *Node) checkPeer(peer, claimed string) error {
	if !n.Trusted(peer) {
		return errors.Wrapf(ErrUnknownStation, "station %s", ShortID(peer))
	}
	if claimed != "" && claimed != peer {
		return errors.Wrapf(ErrWrongStation, "%s speaks for %s", ShortID(peer), ShortID(claimed))
	}
	return nil
}

// noteHello records a peer's hello: its database ID, what it holds and the
// skew of its clock against ours (positive: the peer is ahead).
func (n *Node) noteHello(peer string, h Hello, skew time.Duration) error {
	return n.lib.Transact(func(tx app.Tx) error {
		st, err := readPeerState(tx, peer)
		if err != nil {
			return err
		}
		switch {
		case st.Database != "" && st.Database != h.Database:
			n.log.Warn("peer has a different database file; starting over from its vector",
				"peer", ShortID(peer), "was", st.Database, "now", h.Database)
		case st.Vector[peer] > h.Vector[peer]:
			n.log.Warn("peer holds fewer of its own events than before: restored from a backup?",
				"peer", ShortID(peer), "had", st.Vector[peer], "now", h.Vector[peer])
		}
		// The hello is the truth about what the peer holds now.
		st.Database = h.Database
		st.Vector = copyVector(h.Vector)
		st.Skew = skew
		st.LastContact = n.clock.Now().UTC()
		return writePeerState(tx, peer, st)
	})
}

// ServeHello answers a peer's hello.
func (n *Node) ServeHello(peer string, h Hello) (Hello, error) {
	if err := n.checkPeer(peer, h.Station); err != nil {
		return Hello{}, err
	}
	if err := n.noteHello(peer, h, h.Time.Sub(n.clock.Now())); err != nil {
		return Hello{}, err
	}
	return n.hello()
}

// ServePull answers a peer's pull with the events it lacks.
func (n *Node) ServePull(peer string, req PullRequest) (*Batch, error) {
	if err := n.checkPeer(peer, ""); err != nil {
		return nil, err
	}
	max := n.BatchEvents
	if req.MaxEvents > 0 && req.MaxEvents < max {
		max = req.MaxEvents
	}
	return n.batchFor(req.Have, max)
}

// ServePush stores a batch a peer pushed.
func (n *Node) ServePush(peer string, b *Batch) (PushReply, error) {
	if err := n.checkPeer(peer, b.From); err != nil {
		return PushReply{}, err
	}
	vec, err := n.applyBatch(peer, b.Events)
	if err != nil {
		return PushReply{}, err
	}
	if !b.More {
		// The peer's push is complete: replay now if it came out of order.
		if _, err := n.lib.RebuildIfStale(); err != nil {
			return PushReply{}, err
		}
	}
	return PushReply{Vector: vec}, nil
}

// batchFor collects up to max events beyond have, in replay order, so the
// receiver can usually apply them without a rebuild. Each station's part
// is a contiguous run after have, so the batch never leaves a gap. The
// events go as their log stores them (Batch.lines).
func (n *Node) batchFor(have map[string]uint64, max int) (*Batch, error) {
	b := &Batch{From: n.ID()}
	if max <= 0 || max > MaxBatchEvents {
		max = MaxBatchEvents
	}
	err := n.lib.View(func(tx app.Tx) error {
		db, err := tx.Meta(app.MetaDatabaseID)
		if err != nil {
			return err
		}
		b.Database = string(db)
		vec, err := tx.Vector()
		if err != nil {
			return err
		}
		var all []outEvent
		stations := 0
		for st, seq := range vec {
			if seq <= have[st] {
				continue
			}
			stations++
			got := 0
			if err := tx.EncodedEventsAfter(st, have[st], func(seq uint64, raw []byte) error {
				line, err := wireLine(raw)
				if err != nil {
					return errors.Wrapf(err, "event %s/%d", ShortID(st), seq)
				}
				all = append(all, outEvent{hdr: app.Event{Station: st, Seq: seq}, line: line})
				if got++; got >= max {
					return app.ErrStop
				}
				return nil
			}); err != nil {
				return err
			}
		}
		if stations > 1 {
			// One station's run is in replay order already; runs of several
			// are merged by HLC, which only the events themselves hold.
			for i := range all {
				if err := all[i].readHLC(); err != nil {
					return err
				}
			}
			sort.Slice(all, func(i, j int) bool { return app.EventBefore(&all[i].hdr, &all[j].hdr) })
		}
		size := 0
		for _, e := range all {
			if len(b.lines) >= max || size > MaxBatchInflated/4 {
				break
			}
			size += len(e.line)
			b.lines = append(b.lines, e.line)
		}
		b.More = waiting(vec, have) > len(b.lines)
		return nil
	})
	return b, err
}

// outEvent is an event on its way out: the line it travels as, and what of
// it orders events for replay.
type outEvent struct {
	hdr  app.Event // Station, Seq and, once read, HLC
	line []byte
}

// readHLC fills in the event's HLC from its line.
func (e *outEvent) readHLC() error {
	var h struct {
		HLC app.HLC `json:"hlc"`
	}
	if err := json.Unmarshal(e.line, &h); err != nil {
		return errors.Wrapf(err, "decoding event %s/%d", ShortID(e.hdr.Station), e.hdr.Seq)
	}
	e.hdr.HLC = h.HLC
	return nil
}

// wireLine returns a copy of a stored event's JSON fit to be one line of a
// batch. The log holds compact JSON, so the copy is the same bytes; JSON
// that spans lines (whitespace is all a newline can be in valid JSON) is
// compacted.
func wireLine(raw []byte) ([]byte, error) {
	if bytes.IndexByte(raw, '\n') < 0 {
		return bytes.Clone(raw), nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, errors.Wrap(err, "a stored event is not JSON")
	}
	return buf.Bytes(), nil
}

// applyBatch stores events from peer and the peer's checkpoint in one
// transaction, and returns what this station then holds.
func (n *Node) applyBatch(peer string, evs []*app.Event) (map[string]uint64, error) {
	var vec map[string]uint64
	err := n.lib.Transact(func(tx app.Tx) error {
		if _, err := n.lib.StoreRemote(tx, evs); err != nil {
			return err
		}
		if n.beforeCheckpoint != nil {
			if err := n.beforeCheckpoint(peer); err != nil {
				return err
			}
		}
		st, err := readPeerState(tx, peer)
		if err != nil {
			return err
		}
		st.Vector = mergeVector(st.Vector, lastSeqs(evs))
		st.Received += uint64(len(evs))
		st.LastContact = n.clock.Now().UTC()
		if err := writePeerState(tx, peer, st); err != nil {
			return err
		}
		vec, err = tx.Vector()
		return err
	})
	if err != nil {
		return nil, errors.Wrapf(err, "storing a batch from %s", ShortID(peer))
	}
	return vec, nil
}

// Result sums up one exchange.
type Result struct {
	Peer     string
	Received int
	Sent     int
	Skew     time.Duration
	Rebuilt  bool
}

// Exchange runs one session with a peer: hello, pull what this station
// lacks, push what the peer lacks, then rebuild if batches came out of
// order. An interrupted exchange leaves every stored batch in place; the
// next one carries on from the vectors.
func (n *Node) Exchange(ctx context.Context, peer string, r Remote) (Result, error) {
	res := Result{Peer: peer}
	if !n.Trusted(peer) {
		return res, errors.Wrapf(ErrUnknownStation, "station %s", ShortID(peer))
	}
	mine, err := n.hello()
	if err != nil {
		return res, err
	}
	sent := n.clock.Now()
	theirs, err := r.Hello(ctx, mine)
	if err != nil {
		return res, errors.Wrap(err, "hello")
	}
	if theirs.Station != peer {
		return res, errors.Wrapf(ErrWrongStation, "expected %s, got %s", ShortID(peer), ShortID(theirs.Station))
	}
	if theirs.Vector[n.ID()] > mine.Vector[n.ID()] {
		n.log.Warn("a peer holds more of this station's events than this station does: restored from a backup? Taking them back",
			"peer", ShortID(peer), "have", mine.Vector[n.ID()], "peer_has", theirs.Vector[n.ID()])
	}
	rtt := n.clock.Now().Sub(sent)
	res.Skew = theirs.Time.Sub(sent.Add(rtt / 2))
	if err := n.noteHello(peer, theirs, res.Skew); err != nil {
		return res, err
	}
	if err := n.pull(ctx, peer, r, theirs.Vector, &res); err != nil {
		return res, err
	}
	// Push what the peer's hello lacks. (What was just pulled is in that
	// hello already; this station's own new events are not, whatever it
	// pulled, so they go out in this same session.)
	theirVec := copyVector(theirs.Vector)
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		b, err := n.batchFor(theirVec, n.BatchEvents)
		if err != nil {
			return res, err
		}
		if b.size() == 0 {
			break
		}
		reply, err := r.Push(ctx, b)
		if err != nil {
			return res, errors.Wrap(err, "push")
		}
		if waiting(reply.Vector, theirVec) == 0 {
			return res, errors.Wrap(ErrPeerFailed, "a pushed batch was not kept")
		}
		res.Sent += waiting(reply.Vector, theirVec)
		theirVec = mergeVector(theirVec, reply.Vector)
	}
	err = n.lib.Transact(func(tx app.Tx) error {
		st, err := readPeerState(tx, peer)
		if err != nil {
			return err
		}
		st.Vector = mergeVector(st.Vector, theirVec)
		st.Sent += uint64(res.Sent)
		st.LastContact = n.clock.Now().UTC()
		st.LastError = ""
		return writePeerState(tx, peer, st)
	})
	if err != nil {
		return res, err
	}
	res.Rebuilt, err = n.lib.RebuildIfStale()
	if err == nil && (res.Received > 0 || res.Sent > 0) {
		n.log.Info("synced", "peer", ShortID(peer), "received", res.Received, "sent", res.Sent,
			"skew", res.Skew.Round(time.Millisecond), "rebuilt", res.Rebuilt)
	}
	return res, err
}

// pulled is one answer to a pull.
type pulled struct {
	b   *Batch
	err error
}

// pull fetches and stores the events this station lacks of theirs (the
// vector the peer sent in its hello) and counts them in res. While
// one batch is stored the next is already on its way: the sender gives each
// station's events as a contiguous run after what was asked (batchFor), so
// what this station will hold after a batch is known before it is stored;
// the payloads of the next batch are decoded beside the writer too
// (app.Prepare). Every batch is still checked and stored on its own, with its checkpoint,
// by applyBatch.
func (n *Node) pull(ctx context.Context, peer string, r Remote, theirs map[string]uint64, res *Result) error {
	have, err := n.Vector()
	if err != nil || waiting(theirs, have) == 0 {
		return err
	}
	if waiting(theirs, have) > n.BatchEvents {
		defer gcmode.Throughput()() // a long pull, such as a station's first
	}
	ctx, cancel := context.WithCancel(ctx)
	next := make(chan pulled, 1)
	inFlight := false
	ask := func(have map[string]uint64) {
		inFlight = true
		go func() {
			b, err := r.Pull(ctx, PullRequest{Have: have, MaxEvents: n.BatchEvents})
			if err == nil {
				app.Prepare(b.Events)
			}
			next <- pulled{b, err}
		}()
	}
	defer func() {
		cancel()
		if inFlight {
			<-next
		}
	}()
	ask(have)
	for inFlight {
		p := <-next
		inFlight = false
		if p.err != nil {
			return errors.Wrap(p.err, "pull")
		}
		b := p.b
		if b.From != peer {
			return errors.Wrap(ErrWrongStation, "batch from another station")
		}
		if len(b.Events) == 0 {
			break
		}
		if expected := mergeVector(have, lastSeqs(b.Events)); b.More && waiting(theirs, expected) > 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			ask(expected)
		}
		after, err := n.applyBatch(peer, b.Events)
		if err != nil {
			return err
		}
		if waiting(after, have) == 0 {
			return errors.Wrap(ErrBadBatch, "a pulled batch brought nothing new")
		}
		res.Received += waiting(after, have)
		have = after
	}
	return nil
}

// lastSeqs returns the highest seq of each station in evs.
func lastSeqs(evs []*app.Event) map[string]uint64 {
	got := map[string]uint64{}
	for _, e := range evs {
		if e.Seq > got[e.Station] {
			got[e.Station] = e.Seq
		}
	}
	return got
}

// noteError remembers why the last exchange with a peer failed.
func (n *Node) noteError(peer string, cause error) {
	_ = n.lib.Transact(func(tx app.Tx) error {
		st, err := readPeerState(tx, peer)
		if err != nil {
			return err
		}
		st.LastError = cause.Error()
		return writePeerState(tx, peer, st)
	})
}

// Local is a Remote that calls another node in the same process, as peer
// (tests and benchmarks without a network).
type Local struct {
	Node *Node
	As   string
}

var _ Remote = Local{}

// Hello implements Remote.
func (l Local) Hello(_ context.Context, h Hello) (Hello, error) { return l.Node.ServeHello(l.As, h) }

// Pull implements Remote.
func (l Local) Pull(_ context.Context, req PullRequest) (*Batch, error) {
	b, err := l.Node.ServePull(l.As, req)
	if err != nil {
		return nil, err
	}
	return b, b.decodeLines()
}

// Push implements Remote.
func (l Local) Push(_ context.Context, b *Batch) (PushReply, error) {
	in := *b // the caller's batch stays as it is
	if err := in.decodeLines(); err != nil {
		return PushReply{}, err
	}
	return l.Node.ServePush(l.As, &in)
}
