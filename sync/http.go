package sync

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/errors"
	"golang.org/x/net/netutil"
)

// API paths. Every one is POST; only join accepts an unpaired station.
const (
	pathHello = "/circa/v1/hello"
	pathPull  = "/circa/v1/pull"
	pathPush  = "/circa/v1/push"
	pathJoin  = "/circa/v1/join"
)

const (
	maxJSONBody      = 1 << 20
	batchContentType = "application/x-circa-batch"
)

// ServerOptions bound what a server accepts.
type ServerOptions struct {
	MaxConns     int           // concurrent connections (default 32)
	ReadTimeout  time.Duration // whole request (default 2 min)
	WriteTimeout time.Duration // whole response (default 2 min)
	IdleTimeout  time.Duration // keep-alive (default 2 min)
}

// Server answers peers over HTTPS (HTTP/2, mutual TLS 1.3, pinned IDs).
// The desk and the hub run the same server.
type Server struct {
	node  *Node
	ident *Identity
	log   *slog.Logger
	opts  ServerOptions
}

// NewServer makes a server for node, presenting ident.
func NewServer(node *Node, ident *Identity, log *slog.Logger, opts ServerOptions) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 32
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = 2 * time.Minute
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 2 * time.Minute
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 2 * time.Minute
	}
	return &Server{node: node, ident: ident, log: log, opts: opts}
}

// TLSConfig is the server side of the handshake: a client certificate is
// required, and its ID must be paired (or, while invites are open, it may
// reach the join endpoint only).
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{s.ident.Cert},
		ClientAuth:   tls.RequireAnyClientCert,
		NextProtos:   []string{"h2", "http/1.1"},
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return ErrUnknownStation
			}
			id := StationID(raw[0])
			if s.node.Trusted(id) || s.node.InvitesOpen() {
				return nil
			}
			s.log.Warn("refused a connection from an unpaired station", "peer", ShortID(id))
			return errors.Wrapf(ErrUnknownStation, "station %s", ShortID(id))
		},
	}
}

// Serve answers on ln until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	var protos http.Protocols
	protos.SetHTTP1(true)
	protos.SetHTTP2(true)
	srv := &http.Server{
		Handler:           s.Handler(),
		TLSConfig:         s.TLSConfig(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		Protocols:         &protos,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	ln = netutil.LimitListener(ln, s.opts.MaxConns)
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		_ = srv.Close()
	}
	<-done
	return nil
}

// Handler is the API, for Serve and for tests with their own listener.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+pathHello, s.handleHello)
	mux.HandleFunc("POST "+pathPull, s.handlePull)
	mux.HandleFunc("POST "+pathPush, s.handlePush)
	mux.HandleFunc("POST "+pathJoin, s.handleJoin)
	return mux
}

func peerOf(r *http.Request) string {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return ""
	}
	return StationID(r.TLS.PeerCertificates[0].Raw)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, status := wireCode(err)
	level := slog.LevelWarn
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(r.Context(), level, "refused a request", "path", r.URL.Path, "peer", ShortID(peerOf(r)), "code", code, "error", err.Error())
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "message": errors.UnwrapAll(err).Error()})
}

func readJSON(w http.ResponseWriter, r *http.Request, into any) error {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody)).Decode(into); err != nil {
		return errors.Wrapf(ErrBadBatch, "request: %v", err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) handleHello(w http.ResponseWriter, r *http.Request) {
	var h Hello
	if err := readJSON(w, r, &h); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.node.ServeHello(peerOf(r), h)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, out)
}

func (s *Server) handlePull(w http.ResponseWriter, r *http.Request) {
	var req PullRequest
	if err := readJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.node.ServePull(peerOf(r), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := EncodeBatch(&buf, b); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", batchContentType)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) handlePush(w http.ResponseWriter, r *http.Request) {
	peer := peerOf(r)
	if err := s.node.checkPeer(peer, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := DecodeBatch(http.MaxBytesReader(w, r.Body, MaxBatchBytes))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			err = errors.Wrap(ErrTooLarge, "body over the limit")
		}
		s.fail(w, r, err)
		return
	}
	reply, err := s.node.ServePush(peer, b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, reply)
}

type joinRequest struct {
	Secret []byte `json:"secret"`
	Name   string `json:"name,omitempty"`
}

func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	var req joinRequest
	if err := readJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.node.Redeem(peerOf(r), req.Secret, req.Name); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, map[string]string{"station": s.node.ID()})
}

// Client is a Remote over HTTPS to one pinned peer.
type Client struct {
	addr string
	peer string
	hc   *http.Client
}

var _ Remote = (*Client)(nil)

// NewClient talks to the station peer at addr (host:port), presenting
// ident and refusing any server whose certificate is not peer's.
func NewClient(ident *Identity, addr, peer string) *Client {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS13,
		Certificates:       []tls.Certificate{ident.Cert},
		InsecureSkipVerify: true, // no CA: the ID is pinned just below
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || StationID(raw[0]) != peer {
				return errors.Wrapf(ErrWrongStation, "expected %s", ShortID(peer))
			}
			return nil
		},
	}
	tr := &http.Transport{
		TLSClientConfig:       cfg,
		ForceAttemptHTTP2:     true,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          4,
	}
	return &Client{addr: addr, peer: peer, hc: &http.Client{Transport: tr, Timeout: 5 * time.Minute}}
}

// Close drops idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

func (c *Client) post(ctx context.Context, path, ctype string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+c.addr+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ctype)
	// A station that has not paired this one lets the handshake finish
	// (TLS 1.3 checks the client's certificate last), then sends an alert
	// and closes: the client reads the alert, or finds the connection
	// closed under its request.
	var shook atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) { shook.Store(err == nil) },
	}))
	resp, err := c.hc.Do(req)
	if refusedByPeer(err) || shook.Load() && closedUnderRequest(err) {
		return nil, errors.Wrapf(ErrUnknownStation, "%s refused this station's certificate", c.addr)
	}
	if err != nil {
		return nil, errors.Wrapf(err, "reaching %s", c.addr)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		var e struct{ Error, Message string }
		_ = json.NewDecoder(io.LimitReader(resp.Body, maxJSONBody)).Decode(&e)
		if e.Error == "" {
			e.Error, e.Message = "failed", resp.Status
		}
		return nil, wireError(e.Error, e.Message)
	}
	return resp, nil
}

func (c *Client) call(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	resp, err := c.post(ctx, path, "application/json", body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxJSONBody)).Decode(out); err != nil {
		return errors.Wrapf(ErrBadBatch, "reply: %v", err)
	}
	return nil
}

// Hello implements Remote.
func (c *Client) Hello(ctx context.Context, h Hello) (Hello, error) {
	var out Hello
	return out, c.call(ctx, pathHello, h, &out)
}

// Pull implements Remote.
func (c *Client) Pull(ctx context.Context, req PullRequest) (*Batch, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	resp, err := c.post(ctx, pathPull, "application/json", body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return DecodeBatch(io.LimitReader(resp.Body, MaxBatchBytes))
}

// Push implements Remote.
func (c *Client) Push(ctx context.Context, b *Batch) (PushReply, error) {
	var buf bytes.Buffer
	if err := EncodeBatch(&buf, b); err != nil {
		return PushReply{}, err
	}
	resp, err := c.post(ctx, pathPush, batchContentType, buf.Bytes())
	if err != nil {
		return PushReply{}, err
	}
	defer resp.Body.Close()
	var out PushReply
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxJSONBody)).Decode(&out); err != nil {
		return PushReply{}, errors.Wrapf(ErrBadBatch, "reply: %v", err)
	}
	return out, nil
}

// Join redeems an invite: it presents the secret to the hub, whose ID the
// code pins, and on success pairs this node with the hub.
func Join(ctx context.Context, node *Node, ident *Identity, code, name string) (Peer, error) {
	inv, err := ParseInvite(code)
	if err != nil {
		return Peer{}, err
	}
	c := NewClient(ident, inv.Address, inv.Hub)
	defer c.Close()
	var out struct{ Station string }
	if err := c.call(ctx, pathJoin, joinRequest{Secret: inv.Secret, Name: name}, &out); err != nil {
		return Peer{}, errors.Wrap(err, "joining the hub")
	}
	p := Peer{ID: inv.Hub, Name: "hub", Address: inv.Address, Hub: true}
	return p, node.AddPeer(p)
}

// refusedByPeer reports whether err is the peer's TLS alert against this
// station's certificate: what a station that has not paired this one
// answers (Server.TLSConfig), before any request reaches it.
func refusedByPeer(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error" && op.Err != nil &&
		strings.Contains(op.Err.Error(), "bad certificate")
}

// closedUnderRequest reports whether err, met on a connection whose
// handshake had just succeeded, is the peer closing it before answering
// (a reset, a broken pipe, an end of file, an HTTP/2 preface that could
// not be written), rather than the caller's deadline or cancellation.
func closedUnderRequest(err error) bool {
	var ne net.Error
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) &&
		!(errors.As(err, &ne) && ne.Timeout())
}
