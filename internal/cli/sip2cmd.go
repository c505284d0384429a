package cli

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/internal/sip2app"
	"github.com/circa-library/circa/sip2"
	"github.com/circa-library/circa/storage"
)

func init() {
	extraCommands = append(extraCommands, command{"sip2", "sip2.cli.usage", runSIP2})
}

// runSIP2 answers self-check units in the foreground until Ctrl-C, with
// this station's SIP2 settings changed by the flags for this run only; or,
// as "sip2 account …", manages the units' logins.
func runSIP2(c *ctx, args []string) error {
	if len(args) > 0 && args[0] == "account" {
		return runSIP2Account(c, args[1:])
	}
	fs := flags("sip2")
	listen := fs.String("listen", "", "")
	charset := fs.String("charset", "", "")
	cert := fs.String("tls-cert", "", "")
	key := fs.String("tls-key", "", "")
	user := fs.String("user", "", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("cli.bad_flags", "error", strings.Join(fs.Args(), " "))
	}
	d, err := OpenData(c.dataDir, storage.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := c.signInAdmin(d.Library, *user); err != nil {
		return err
	}
	cfg, err := sip2app.LoadConfig(d.Library)
	if err != nil {
		return err
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	if *charset != "" {
		cfg.Charset = sip2.Charset(strings.ToUpper(*charset))
	}
	if *cert != "" || *key != "" {
		cfg.TLSCert, cfg.TLSKey = *cert, *key
	}
	log := slog.New(slog.NewTextHandler(c.env.Stderr, nil))
	srv, err := sip2app.NewServer(d.Library, cfg, log)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	addr, stopServer, err := sip2app.Run(ctx, srv, log)
	if err != nil {
		return err
	}
	name := string(cfg.Charset)
	if name == "" {
		name = string(sip2.UTF8)
	}
	c.println(i18n.T("sip2.cli.listening", "addr", addr.String(), "charset", name))
	<-ctx.Done()
	stopServer()
	c.println(i18n.T("sip2.cli.stopped"))
	return nil
}

// signInAdmin signs staff in and refuses anyone who may not change
// settings: SIP2 accounts and the server are the library's configuration.
func (c *ctx) signInAdmin(lib *app.Library, user string) (app.Actor, error) {
	actor, err := c.signIn(lib, user)
	if err != nil {
		return actor, err
	}
	if !actor.Can(app.PermSettings) {
		return actor, app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermSettings), "role", string(actor.Role))
	}
	return actor, nil
}

// accountView is what "sip2 account list --json" shows: never the hash.
type accountView struct {
	User        string `json:"user"`
	Location    string `json:"location,omitempty"`
	Institution string `json:"institution,omitempty"`
	Lang        string `json:"lang,omitempty"`
	Payments    bool   `json:"payments,omitempty"`
	Block       bool   `json:"block,omitempty"`
}

func runSIP2Account(c *ctx, args []string) error {
	if len(args) == 0 {
		return usageError("sip2.cli.need_account_command")
	}
	sub := args[0]
	if sub != "add" && sub != "list" && sub != "remove" {
		return usageError("sip2.cli.need_account_command")
	}
	fs := flags("sip2 account")
	user := fs.String("user", "", "")
	location := fs.String("location", "", "")
	institution := fs.String("institution", "", "")
	lang := fs.String("lang", "", "")
	payments := fs.Bool("payments", false, "")
	block := fs.Bool("block", false, "")
	fs.BoolVar(&c.json, "json", false, "")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if (sub == "list") != (fs.NArg() == 0) || fs.NArg() > 1 {
		return usageError("sip2.cli.need_user")
	}
	var language i18n.Lang
	if *lang != "" {
		l, ok := i18n.Parse(*lang)
		if !ok {
			return usageError("sip2.cli.bad_lang", "lang", *lang)
		}
		language = l
	}
	d, err := OpenData(c.dataDir, storage.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	// Staff sign-in may read the first line of standard input and the new
	// account's password the next: read one byte at a time so the first
	// read takes no more than its line.
	in := &byteReader{r: c.env.Stdin}
	if c.env.Stdin != nil {
		c.env.Stdin = in
	}
	actor, err := c.signInAdmin(d.Library, *user)
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		name := fs.Arg(0)
		fmtPrompt(c, i18n.T("sip2.cli.password_prompt", "user", name))
		pw, _ := bufio.NewReader(in).ReadString('\n')
		if pw = strings.TrimRight(pw, "\r\n"); pw == "" {
			return usageError("sip2.cli.need_password")
		}
		a := sip2app.Account{User: name, Location: *location, Institution: *institution, Lang: language,
			Payments: *payments, Block: *block}
		if err := sip2app.AddAccount(d.Library, actor, a, pw); err != nil {
			return err
		}
		c.println(i18n.T("sip2.cli.added", "user", name))
	case "remove":
		if err := sip2app.RemoveAccount(d.Library, actor, fs.Arg(0)); err != nil {
			return err
		}
		c.println(i18n.T("sip2.cli.removed", "user", fs.Arg(0)))
	case "list":
		list, err := sip2app.ListAccounts(d.Library)
		if err != nil {
			return err
		}
		views := make([]accountView, 0, len(list))
		for _, a := range list {
			views = append(views, accountView{User: a.User, Location: a.Location, Institution: a.Institution,
				Lang: string(a.Lang), Payments: a.Payments, Block: a.Block})
		}
		if c.json {
			return c.writeJSON(views)
		}
		if len(views) == 0 {
			c.println(i18n.T("sip2.cli.none"))
			return nil
		}
		rows := make([][]string, 0, len(views))
		for _, v := range views {
			var rights []string
			if v.Payments {
				rights = append(rights, i18n.T("sip2.right.payments"))
			}
			if v.Block {
				rights = append(rights, i18n.T("sip2.right.block"))
			}
			rows = append(rows, []string{v.User, v.Location, v.Lang, strings.Join(rights, ", ")})
		}
		c.table([]string{i18n.T("sip2.cli.col_user"), i18n.T("sip2.cli.col_location"),
			i18n.T("sip2.cli.col_lang"), i18n.T("sip2.cli.col_rights")}, rows)
	}
	return nil
}

func fmtPrompt(c *ctx, prompt string) {
	if c.env.Stderr != nil {
		io.WriteString(c.env.Stderr, prompt+" ")
	}
}

// byteReader hands out one byte per Read, so a bufio.Reader on top of it
// never reads past the line it was asked for.
type byteReader struct{ r io.Reader }

func (b *byteReader) Read(p []byte) (int, error) {
	if b.r == nil {
		return 0, io.EOF
	}
	if len(p) > 1 {
		p = p[:1]
	}
	return b.r.Read(p)
}
