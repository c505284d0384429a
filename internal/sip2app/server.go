package sip2app

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/sip2"
)

// NewServer returns a SIP2 server for lib configured by cfg, not yet
// listening. Its own screen messages are in the library's default SIP2
// language.
func NewServer(lib *app.Library, cfg Config, logger *slog.Logger) (*sip2.Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv := &sip2.Server{
		Addr:     cfg.Listen,
		Backend:  &Backend{Lib: lib, Logger: logger},
		Accounts: &Accounts{Lib: lib, Logger: logger},
		Charset:  cfg.Charset,
		Logger:   logger,
		Clock:    lib.Clock().Now,
	}
	if srv.Addr == "" {
		srv.Addr = DefaultListen
	}
	cat := i18n.New(DefaultLang(lib))
	srv.Text = sip2.ScreenText{
		Fault:         cat.T("sip2.fault"),
		LoginRequired: cat.T("sip2.login_required"),
		Unsupported:   cat.T("sip2.unsupported"),
	}
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, errors.Wrap(err, "loading the SIP2 TLS certificate")
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return srv, nil
}

// Run listens on srv's address and serves in the background until ctx ends
// or stop is called; stop waits for every connection to close. The address
// is where it listens (useful with port 0).
func Run(ctx context.Context, srv *sip2.Server, logger *slog.Logger) (addr net.Addr, stop func(), err error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	addr, err = srv.Listen()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ctx); err != nil {
			logger.Error("sip2: server stopped", "error", err.Error())
		}
	}()
	logger.Info("sip2: listening", "addr", addr.String(), "charset", string(srv.Charset), "tls", srv.TLSConfig != nil)
	return addr, func() { cancel(); <-done }, nil
}

// Start runs this station's SIP2 server if its settings switch it on, for
// the desk and the hub. stop ends it and waits; it is a no-op when the
// server is off. A server that cannot start (port taken, bad certificate)
// is an error: the caller logs it and carries on without SIP2.
func Start(ctx context.Context, lib *app.Library, logger *slog.Logger) (stop func(), err error) {
	cfg, err := LoadConfig(lib)
	if err != nil {
		return func() {}, err
	}
	if !cfg.Enabled {
		return func() {}, nil
	}
	srv, err := NewServer(lib, cfg, logger)
	if err != nil {
		return func() {}, err
	}
	_, stop, err = Run(ctx, srv, logger)
	if err != nil {
		return func() {}, err
	}
	return stop, nil
}
