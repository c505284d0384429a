// Command circa-hub is Circa's always-on station without a screen: it keeps
// the whole library, answers desks over mutual TLS and backs up daily.
//
//	circa-hub init   --data DIR
//	circa-hub invite --data DIR [--address HOST:PORT]
//	circa-hub serve  --data DIR [--listen ADDR] [--tz ZONE]
//
// It only parses flags; the work is in package sync.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/explain"
	"github.com/circa-library/circa/assets"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/internal/sip2app"
	circasync "github.com/circa-library/circa/sync"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var err error
	switch os.Args[1] {
	case "init":
		err = runInit(os.Args[2:])
	case "invite":
		err = runInvite(os.Args[2:])
	case "serve":
		err = runServe(os.Args[2:], log)
	case "-h", "--help", "help":
		usage()
		return
	case "--version", "version":
		fmt.Println("circa-hub", assets.Version, assets.BuildDate)
		return
	default:
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, i18n.T("hub.error", "error", errorText(err)))
		os.Exit(1)
	}
}

func usage() { fmt.Fprintln(os.Stderr, i18n.T("hub.usage")) }

func zone(name string) (*time.Location, error) {
	if name == "" {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, errors.New(i18n.T("hub.bad_zone", "zone", name))
	}
	return loc, nil
}

// errorText is err for the person running the hub: a refusal or a file
// problem in words, anything else by its first line.
func errorText(err error) string {
	text, _ := explain.Error(i18n.Current(), err)
	return text
}

// needData is the error for a command run without --data.
func needData() error { return errors.New(i18n.T("hub.need_data")) }

func runInit(args []string) error {
	fs := flag.NewFlagSet("init", flag.ExitOnError)
	data := fs.String("data", "", i18n.T("hub.flag.data"))
	tz := fs.String("tz", "", i18n.T("hub.flag.tz"))
	_ = fs.Parse(args)
	if *data == "" {
		return needData()
	}
	loc, err := zone(*tz)
	if err != nil {
		return err
	}
	ident, err := circasync.InitHub(*data, loc)
	if err != nil {
		return err
	}
	fmt.Println(i18n.T("hub.ready", "dir", *data, "id", circasync.FormatID(ident.ID)))
	return nil
}

func runInvite(args []string) error {
	fs := flag.NewFlagSet("invite", flag.ExitOnError)
	data := fs.String("data", "", i18n.T("hub.flag.data"))
	addr := fs.String("address", "", i18n.T("hub.flag.address", "port", strconv.Itoa(circasync.DefaultPort)))
	_ = fs.Parse(args)
	if *data == "" {
		return needData()
	}
	if *addr == "" {
		host, err := os.Hostname()
		if err != nil {
			return err
		}
		*addr = net.JoinHostPort(host, strconv.Itoa(circasync.DefaultPort))
	}
	code, err := circasync.HubInvite(*data, *addr)
	if err != nil {
		return err
	}
	fmt.Println(code)
	return nil
}

func runServe(args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	data := fs.String("data", "", i18n.T("hub.flag.data"))
	listen := fs.String("listen", ":"+strconv.Itoa(circasync.DefaultPort), i18n.T("hub.flag.listen"))
	tz := fs.String("tz", "", i18n.T("hub.flag.tz"))
	every := fs.Duration("backup-every", 24*time.Hour, i18n.T("hub.flag.backup_every"))
	keep := fs.Int("keep-backups", 14, i18n.T("hub.flag.keep_backups"))
	sip2Listen := fs.String("sip2", "", i18n.T("hub.flag.sip2"))
	_ = fs.Parse(args)
	if *data == "" {
		return needData()
	}
	loc, err := zone(*tz)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return circasync.ServeHub(ctx, circasync.HubConfig{DataDir: *data, Listen: *listen, Location: loc,
		Logger: log, BackupEvery: *every, KeepBackups: *keep,
		Started: func(ctx context.Context, lib *app.Library) func() {
			return startSIP2(ctx, lib, *sip2Listen, log)
		}})
}

// startSIP2 serves SIP2 when --sip2 names an address, else as the hub's own
// settings say (off unless switched on).
func startSIP2(ctx context.Context, lib *app.Library, listen string, log *slog.Logger) func() {
	if listen == "" {
		stop, err := sip2app.Start(ctx, lib, log)
		if err != nil {
			log.Error("sip2: not started", "error", err.Error())
		}
		return stop
	}
	srv, err := sip2app.NewServer(lib, sip2app.Config{Enabled: true, Listen: listen}, log)
	if err == nil {
		var stop func()
		if _, stop, err = sip2app.Run(ctx, srv, log); err == nil {
			return stop
		}
	}
	log.Error("sip2: not started", "error", err.Error())
	return nil
}
