package sip2

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/cockroachdb/errors"
)

// Defaults for the zero values of Server's limits.
const (
	DefaultIdleTimeout    = 5 * time.Minute
	DefaultWriteTimeout   = 30 * time.Second
	DefaultMaxConns       = 64
	DefaultMaxMessageSize = 8 << 10
	// maxBadMessages is how many unusable messages in a row a connection may
	// send before the server hangs up: a terminal that only sends garbage
	// is not going to start making sense.
	maxBadMessages = 10
	// maxFailedLogins is how many wrong logins a connection may try.
	maxFailedLogins = 3
)

// ScreenText holds the screen messages the server writes itself, in the
// library's language; empty fields fall back to English.
type ScreenText struct {
	// Fault is shown when the backend fails for a reason that is not a
	// refusal (a broken database, a bug).
	Fault string
	// LoginRequired is shown when a terminal sends circulation messages
	// before logging in.
	LoginRequired string
	// Unsupported is shown for a request the backend cannot do.
	Unsupported string
}

func (t ScreenText) orDefault() ScreenText {
	if t.Fault == "" {
		t.Fault = "The library system cannot do this now. Please ask at the desk."
	}
	if t.LoginRequired == "" {
		t.LoginRequired = "This terminal is not logged in."
	}
	if t.Unsupported == "" {
		t.Unsupported = "This is not available here. Please ask at the desk."
	}
	return t
}

// Server answers SIP2 requests from self-check units over TCP, optionally
// inside TLS. Set the fields, then call Serve; the fields must not change
// after that.
type Server struct {
	// Addr is the TCP address to listen on, "host:port"; ":6001" if empty.
	Addr string
	// TLSConfig, when not nil, makes the server speak SIP2 inside TLS.
	TLSConfig *tls.Config
	// Backend answers the circulation requests. Required.
	Backend Backend
	// Accounts checks logins. Required.
	Accounts Accounts
	// IdleTimeout closes a connection that sends no complete message for
	// this long; also the time a client has to finish a message it began.
	IdleTimeout time.Duration
	// WriteTimeout bounds the time to write one response.
	WriteTimeout time.Duration
	// MaxConns is the number of connections served at once; more are
	// closed on arrival.
	MaxConns int
	// MaxMessageSize is the largest message accepted, in bytes without the
	// terminator; longer ones are answered with 96. Responses are kept
	// within it too, by cutting item lists short.
	MaxMessageSize int
	// Charset is the character set on the wire; UTF-8 if empty.
	Charset Charset
	// Logger receives connection and error events; nothing is logged if nil.
	Logger *slog.Logger
	// Text holds the server's own screen messages.
	Text ScreenText
	// Clock returns the current time, for the dates in responses; time.Now
	// if nil. Its location is the local time of dates without a zone.
	Clock func() time.Time

	mu sync.Mutex
	ln net.Listener
}

// Listen binds Addr without serving yet, so that a caller who asked for
// port 0 learns the port. Serve calls it if the caller did not.
func (s *Server) Listen() (net.Addr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln.Addr(), nil
	}
	addr := s.Addr
	if addr == "" {
		addr = ":6001"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, errors.Wrapf(err, "sip2: listen on %s", addr)
	}
	if s.TLSConfig != nil {
		ln = tls.NewListener(ln, s.TLSConfig)
	}
	s.ln = ln
	return ln.Addr(), nil
}

// Serve accepts connections until ctx ends, then closes the listener and
// every connection, waits for their goroutines and returns nil. It returns
// an error if the configuration is incomplete or the listener fails. Run
// one Serve at a time per Server.
func (s *Server) Serve(ctx context.Context) error {
	// The listener is closed on every way out, including a listener made
	// by an earlier Listen when the configuration turns out to be wrong.
	defer func() {
		s.mu.Lock()
		if s.ln != nil {
			s.ln.Close()
			s.ln = nil
		}
		s.mu.Unlock()
	}()
	if s.Backend == nil || s.Accounts == nil {
		return errors.New("sip2: Server needs a Backend and Accounts")
	}
	if err := s.Charset.Validate(); err != nil {
		return err
	}
	if c := s.TLSConfig; c != nil && len(c.Certificates) == 0 && c.GetCertificate == nil && c.GetConfigForClient == nil {
		return errors.New("sip2: TLSConfig has no certificate")
	}
	if _, err := s.Listen(); err != nil {
		return err
	}
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg      sync.WaitGroup
		connsMu sync.Mutex
		conns   = map[net.Conn]struct{}{}
		stopped bool
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		ln.Close()
		connsMu.Lock()
		stopped = true
		for c := range conns {
			c.Close()
		}
		connsMu.Unlock()
	}()

	log := s.logger()
	slots := make(chan struct{}, positive(s.MaxConns, DefaultMaxConns))
	var acceptErr error
	for backoff := time.Duration(0); ; {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			acceptErr = errors.Wrap(err, "sip2: accept")
			break
		}
		backoff = 0
		select {
		case slots <- struct{}{}:
		default:
			log.Warn("sip2: too many connections, closing new one", "remote", c.RemoteAddr().String())
			c.Close()
			continue
		}
		connsMu.Lock()
		if stopped {
			connsMu.Unlock()
			c.Close()
			<-slots
			break
		}
		conns[c] = struct{}{}
		connsMu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			s.serveConn(ctx, c)
			connsMu.Lock()
			delete(conns, c)
			connsMu.Unlock()
			c.Close()
		}()
	}
	cancel()
	wg.Wait()
	return acceptErr
}

func positive[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Server) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// serveConn runs one connection: read a message, answer it, repeat. It
// never panics on input and returns when the peer goes away, stays silent
// past the idle timeout, misbehaves too often, or the server stops.
func (s *Server) serveConn(ctx context.Context, c net.Conn) {
	log := s.logger().With("remote", c.RemoteAddr().String())
	log.Info("sip2: connection opened")
	defer log.Info("sip2: connection closed")
	defer func() {
		if r := recover(); r != nil {
			log.Error("sip2: panic while serving connection", "panic", r)
		}
	}()

	sess := newSession(s, log)
	br := bufio.NewReaderSize(c, 4096)
	maxSize := positive(s.MaxMessageSize, DefaultMaxMessageSize)
	for ctx.Err() == nil {
		if err := c.SetReadDeadline(time.Now().Add(positive(s.IdleTimeout, DefaultIdleTimeout))); err != nil {
			return
		}
		line, term, tooLong, err := readLine(br, maxSize)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				log.Info("sip2: idle timeout")
			} else if !errors.Is(err, io.EOF) && ctx.Err() == nil {
				log.Info("sip2: read failed", "err", err)
			}
			return
		}
		if len(line) == 0 && !tooLong {
			continue // the LF of a CRLF that arrived late, or an empty line
		}
		resp := sess.answer(ctx, line, tooLong)
		if err := c.SetWriteDeadline(time.Now().Add(positive(s.WriteTimeout, DefaultWriteTimeout))); err != nil {
			return
		}
		if _, err := c.Write(append(resp, term...)); err != nil {
			log.Info("sip2: write failed", "err", err)
			return
		}
		if sess.hangUp {
			return
		}
	}
}

// readLine reads one message ending in CR, LF or CRLF, and returns it
// without the terminator and with the terminator seen, so the answer can
// end the same way. A message longer than max is read to its end and
// dropped, and reported as tooLong.
func readLine(br *bufio.Reader, max int) (line []byte, term string, tooLong bool, err error) {
	for {
		if br.Buffered() == 0 {
			if _, err := br.Peek(1); err != nil {
				return nil, "", false, err
			}
		}
		chunk, _ := br.Peek(br.Buffered())
		i := bytes.IndexAny(chunk, "\r\n")
		part := chunk
		if i >= 0 {
			part = chunk[:i]
		}
		if !tooLong {
			if len(line)+len(part) > max {
				tooLong, line = true, nil
			} else {
				line = append(line, part...)
			}
		}
		if i < 0 {
			br.Discard(len(chunk))
			continue
		}
		end := chunk[i]
		br.Discard(i + 1)
		if end == '\n' {
			return line, "\n", tooLong, nil
		}
		if br.Buffered() > 0 {
			if next, _ := br.Peek(1); next[0] == '\n' {
				br.Discard(1)
				return line, "\r\n", tooLong, nil
			}
		}
		return line, "\r", tooLong, nil
	}
}
