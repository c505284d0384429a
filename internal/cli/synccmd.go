package cli

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/storage"
	circasync "github.com/circa-library/circa/sync"
)

// SyncListen is where a desk answers its paired peers.
const SyncListen = ":7420"

func init() {
	extraCommands = append(extraCommands,
		command{"sync", "cli.usage.sync", runSync},
		command{"pair", "cli.usage.pair", runPair},
	)
}

// OpenStation prepares sync on an opened data folder. manual stations never
// call peers by themselves (the command line).
func OpenStation(d *Data, manual bool, log *slog.Logger) (*circasync.Station, error) {
	opts := circasync.StationOptions{Manual: manual, Logger: log}
	if !manual {
		opts.Listen, opts.Discovery = SyncListen, true
	}
	return circasync.NewStation(d.Identity, d.Library, opts)
}

func (c *ctx) station(user string, perm app.Permission) (*Data, *circasync.Station, error) {
	d, err := OpenData(c.dataDir, storage.Options{})
	if err != nil {
		return nil, nil, err
	}
	// A brand-new station (no staff yet) is being set up to join a library:
	// it has nothing to protect until the first sync brings the accounts.
	var actor app.Actor
	if has, herr := d.Library.HasStaff(); herr != nil {
		err = herr
	} else if !has {
		actor = app.System
	} else {
		actor, err = c.signIn(d.Library, user)
	}
	if err == nil && !actor.Can(perm) {
		err = app.Refuse(app.ReasonPermissionDenied, "permission", string(perm), "role", string(actor.Role))
	}
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	st, err := OpenStation(d, true, nil)
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, st, nil
}

func runSync(c *ctx, args []string) error {
	if len(args) == 0 {
		return usageError("cli.sync.need_kind")
	}
	kind := args[0]
	fs := flags("sync")
	user := fs.String("user", "", "")
	out := fs.String("out", "", "")
	peer := fs.String("peer", "", "")
	since := fs.String("since", "", "")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	perm := app.PermCirculate
	if kind == "import" {
		perm = app.PermResolveSync
	}
	d, st, err := c.station(*user, perm)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch kind {
	case "status":
		circasync.WriteStatus(c.env.Stdout, i18n.Current(), st.Status())
		return nil
	case "now":
		if len(st.Peers()) == 0 {
			return usageError("cli.sync.no_peers")
		}
		err := st.SyncNow(ctx)
		circasync.WriteStatus(c.env.Stdout, i18n.Current(), st.Status())
		return err
	case "export":
		var from time.Time
		if *since != "" {
			day, err := app.ParseDate(*since)
			if err != nil {
				return err
			}
			from = day.Time()
		}
		peerID := ""
		if *peer != "" {
			if peerID, err = circasync.ParseID(*peer); err != nil {
				return err
			}
		}
		f, err := createOut(*out)
		if err != nil {
			return err
		}
		n, err := st.Export(f, peerID, from)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out)
			return err
		}
		c.println(i18n.T("cli.sync.exported", "path", *out, "count", strconv.Itoa(n)))
		return nil
	case "import":
		if fs.NArg() != 1 {
			return usageError("cli.batch.need_file")
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return errors.Wrapf(err, "opening %s", fs.Arg(0))
		}
		defer f.Close()
		n, err := st.Import(f)
		if err != nil {
			return err
		}
		c.println(i18n.T("cli.sync.imported", "count", strconv.Itoa(n)))
		return nil
	}
	return usageError("cli.sync.need_kind")
}

func runPair(c *ctx, args []string) error {
	if len(args) == 0 {
		return usageError("cli.pair.need_kind")
	}
	kind := args[0]
	fs := flags("pair")
	user := fs.String("user", "", "")
	addr := fs.String("address", "", "")
	name := fs.String("name", "", "")
	fs.BoolVar(&c.json, "json", false, "")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	d, st, err := c.station(*user, app.PermSettings)
	if err != nil {
		return err
	}
	defer d.Close()
	switch kind {
	case "list":
		peers := st.Peers()
		if c.json {
			return c.writeJSON(peers)
		}
		c.println(i18n.T("cli.pair.self", "id", circasync.FormatID(st.ID())))
		if len(peers) == 0 {
			c.println(i18n.T("cli.sync.no_peers"))
			return nil
		}
		var rows [][]string
		for _, p := range peers {
			last := "-"
			if !p.LastContact.IsZero() {
				last = i18n.DateTime(p.LastContact.Local())
			}
			rows = append(rows, []string{circasync.ShortID(p.ID), p.Name, p.Address, last, p.LastError})
		}
		c.table([]string{i18n.T("cli.pair.station"), i18n.T("cli.promote.name"), i18n.T("cli.pair.address"),
			i18n.T("cli.pair.last_contact"), i18n.T("cli.pair.last_error")}, rows)
		return nil
	case "add", "remove":
		if fs.NArg() != 1 {
			return usageError("cli.pair.need_id")
		}
		id, err := circasync.ParseID(fs.Arg(0))
		if err != nil {
			return err
		}
		if kind == "remove" {
			err = st.Unpair(id)
		} else {
			err = st.Pair(id, *addr, *name)
		}
		if err != nil {
			return err
		}
		c.println(i18n.T("cli.pair."+kind+"ed", "id", circasync.ShortID(id)))
		return nil
	case "join":
		if fs.NArg() != 1 {
			return usageError("cli.pair.need_code")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := st.Join(ctx, fs.Arg(0), *name); err != nil {
			return err
		}
		c.println(i18n.T("cli.pair.joined"))
		return nil
	}
	return usageError("cli.pair.need_kind")
}
