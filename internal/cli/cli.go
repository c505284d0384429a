package cli

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/cockroachdb/errors"
	"golang.org/x/text/width"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/explain"
	"github.com/circa-library/circa/assets"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/storage"
)

// DeskOptions say how to open the desk window.
type DeskOptions struct {
	DataDir string
	Kiosk   bool
	// Screen opens straight on a screen (for screenshots).
	Screen string
	// AutoLogin "user:password" signs in at start; honoured only when the
	// environment has CIRCA_SCREENSHOT=1.
	AutoLogin string
	// Lang is the language asked for with --lang ("" when not given).
	Lang i18n.Lang
}

// Env is what a command may touch.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (os.Getenv in production).
	Getenv func(string) string
	// Desk opens the desk window and returns the exit code. Nil in tests
	// and in the hub.
	Desk func(DeskOptions) int
}

type command struct {
	name  string
	usage string // i18n key of the one-line description
	run   func(c *ctx, args []string) error
}

// ctx is one run of the command line.
type ctx struct {
	env     Env
	dataDir string
	json    bool
}

func (c *ctx) printf(format string, a ...any) { fmt.Fprintf(c.env.Stdout, format, a...) }
func (c *ctx) println(s string)               { fmt.Fprintln(c.env.Stdout, s) }

// allCommands lists the commands in name order.
func allCommands() []command {
	cmds := append([]command{
		{"demo", "cli.usage.demo", runDemo},
		{"check", "cli.usage.check", runCheck},
		{"backup", "cli.usage.backup", runBackup},
		{"restore", "cli.usage.restore", runRestore},
		{"batch", "cli.usage.batch", runBatch},
		{"loans", "cli.usage.loans", runLoans},
	}, extraCommands...)
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

// extraCommands are added by the files that implement them (import, export,
// sync, sip2 …) in their init functions.
var extraCommands []command

// Main runs the command line and returns the process exit code.
func Main(args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	c := &ctx{env: env}
	global := flag.NewFlagSet("circa", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&c.dataDir, "data", "", "")
	lang := global.String("lang", "", "")
	kiosk := global.Bool("kiosk", false, "")
	screen := global.String("screen", "", "")
	autologin := global.String("autologin", "", "")
	version := global.Bool("version", false, "")
	help := global.Bool("help", false, "")
	global.BoolVar(help, "h", false, "")
	if err := global.Parse(args); err != nil {
		fmt.Fprintln(env.Stderr, i18n.T("cli.bad_flags", "error", err.Error()))
		c.usage(env.Stderr)
		return 2
	}
	var deskLang i18n.Lang
	if *lang != "" {
		l, ok := i18n.Parse(*lang)
		if !ok {
			fmt.Fprintln(env.Stderr, i18n.T("cli.bad_lang", "lang", *lang))
			return 2
		}
		i18n.SetLang(l)
		deskLang = l
	}
	if c.dataDir == "" {
		c.dataDir = DefaultDataDir()
	}
	switch {
	case *version:
		c.println(i18n.T("app.version", "version", assets.Version, "date", assets.BuildDate))
		return 0
	case *help:
		c.usage(env.Stdout)
		return 0
	}
	rest := global.Args()
	if len(rest) == 0 || rest[0] == "desk" || rest[0] == "kiosk" {
		if env.Desk == nil {
			fmt.Fprintln(env.Stderr, i18n.T("cli.no_desk"))
			return 2
		}
		if len(rest) > 0 && rest[0] == "kiosk" {
			*kiosk = true
		}
		return env.Desk(DeskOptions{DataDir: c.dataDir, Kiosk: *kiosk, Screen: *screen, AutoLogin: *autologin, Lang: deskLang})
	}
	if rest[0] == "help" {
		c.usage(env.Stdout)
		return 0
	}
	for _, cmd := range allCommands() {
		if cmd.name == rest[0] {
			if err := cmd.run(c, rest[1:]); err != nil {
				fmt.Fprintln(env.Stderr, Explain(err))
				if errors.Is(err, errUsage) {
					return 2
				}
				return 1
			}
			return 0
		}
	}
	fmt.Fprintln(env.Stderr, i18n.T("cli.unknown_command", "command", rest[0]))
	c.usage(env.Stderr)
	return 2
}

func (c *ctx) usage(w io.Writer) {
	fmt.Fprintln(w, i18n.T("cli.usage.title"))
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  circa\t%s\n", i18n.T("cli.usage.desk"))
	fmt.Fprintf(tw, "  circa --kiosk\t%s\n", i18n.T("cli.usage.kiosk"))
	for _, cmd := range allCommands() {
		fmt.Fprintf(tw, "  circa %s\t%s\n", cmd.name, i18n.T(cmd.usage))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T("cli.usage.global", "dir", DefaultDataDir()))
}

// errUsage marks a command line that makes no sense; the exit code is 2.
var errUsage = errors.New("usage")

func usageError(key string, args ...any) error {
	return errors.Mark(errors.New(i18n.T(key, args...)), errUsage)
}

// Explain is what a person reads for err: a refusal in their language, or
// the first line of anything else, never a stack trace.
func Explain(err error) string {
	text, ok := explain.Error(i18n.Current(), err)
	if ok {
		return text
	}
	return i18n.T("cli.error", "error", text)
}

// flags makes a flag set for a sub-command that reports errors as usage.
func flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	// Allow flags after positional arguments: `circa batch checkin FILE --user x`.
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return usageError("cli.bad_flags", "error", err.Error())
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// signIn asks for the staff account the command acts as: --user (or
// CIRCA_USER) and a password from CIRCA_PASSWORD or the first line of
// standard input.
func (c *ctx) signIn(lib *app.Library, user string) (app.Actor, error) {
	if user == "" {
		user = c.env.Getenv("CIRCA_USER")
	}
	if user == "" {
		return app.Actor{}, usageError("cli.need_user")
	}
	pw := c.env.Getenv("CIRCA_PASSWORD")
	if pw == "" && c.env.Stdin != nil {
		fmt.Fprint(c.env.Stderr, i18n.T("cli.password_prompt", "user", user)+" ")
		line, err := bufio.NewReader(c.env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return app.Actor{}, usageError("cli.need_password")
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	return lib.SignIn(user, pw)
}

// openSigned opens the data folder and signs in as user; the caller closes
// the data.
func (c *ctx) openSigned(user string) (*Data, app.Actor, error) {
	d, err := OpenData(c.dataDir, storage.Options{})
	if err != nil {
		return nil, app.Actor{}, err
	}
	actor, err := c.signIn(d.Library, user)
	if err != nil {
		d.Close()
		return nil, app.Actor{}, err
	}
	return d, actor, nil
}

func (c *ctx) writeJSON(v any) error {
	enc := json.NewEncoder(c.env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (c *ctx) table(header []string, rows [][]string) {
	writeTable(c.env.Stdout, header, rows)
}

// writeTable writes rows under a header in columns two spaces apart,
// padding each cell by the columns it takes in a terminal: a Chinese
// character takes two, which text/tabwriter counts as one, so its tables
// of names and classes came out ragged.
func writeTable(w io.Writer, header []string, rows [][]string) {
	all := append([][]string{header}, rows...)
	var widths []int
	for _, r := range all {
		for i, cell := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], termWidth(cell))
		}
	}
	var b strings.Builder
	for _, r := range all {
		for i, cell := range r {
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-termWidth(cell)+2))
			}
		}
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}

// termWidth is how many terminal columns s takes: two for East Asian wide
// and fullwidth characters, none for combining marks and zero-width
// characters, one for the rest.
func termWidth(s string) int {
	n := 0
	for _, r := range s {
		if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			continue
		}
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// readLines reads a file of barcodes, one per line (blank lines and lines
// starting with # are skipped by the batch runner).
func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.Wrapf(err, "opening %s", path)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			line = ""
		}
		// Portable scanners often write "barcode,timestamp".
		if i := strings.IndexAny(line, ",;\t"); i >= 0 {
			line = line[:i]
		}
		out = append(out, line)
	}
	return out, errors.Wrapf(sc.Err(), "reading %s", path)
}
