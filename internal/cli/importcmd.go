package cli

import (
	"context"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/importer"
	"github.com/circa-library/circa/app/marc"
	"github.com/circa-library/circa/assets/i18n"
)

func init() {
	extraCommands = append(extraCommands,
		command{"import", "cli.usage.import", runImport},
		command{"promote", "cli.usage.promote", runPromote},
	)
}

func runImport(c *ctx, args []string) error {
	if len(args) == 0 {
		return usageError("cli.import.need_kind")
	}
	kind := args[0]
	fs := flags("import")
	dry := fs.Bool("dry-run", false, "")
	update := fs.Bool("update", false, "")
	user := fs.String("user", "", "")
	cardType := fs.String("card-type", "STU", "")
	format := fs.String("format", "auto", "")
	holdings := fs.String("holdings", "", "")
	fs.BoolVar(&c.json, "json", false, "")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("cli.batch.need_file")
	}
	var opts importer.MARCOptions
	if kind == "marc" || kind == "marcxml" {
		var err error
		if opts, err = marcOptions(kind, *format, *holdings); err != nil {
			return err
		}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return errors.Wrapf(err, "opening %s", fs.Arg(0))
	}
	defer f.Close()
	d, actor, err := c.openSigned(*user)
	if err != nil {
		return err
	}
	defer d.Close()
	// Ctrl-C stops between batches: nothing is half-imported.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dup := app.DuplicateSkip
	if *update {
		dup = app.DuplicateUpdate
	}
	switch kind {
	case "marc", "marcxml":
		opts.OnDuplicate = dup
		rep, err := importer.ImportMARC(ctx, d.Library, actor, f, opts, *dry)
		if rep != nil {
			c.reportImport(rep, *dry)
		}
		return err
	case "csv-titles", "csv-readers":
		tab, err := importer.ReadTable(f)
		if err != nil {
			return err
		}
		if kind == "csv-titles" {
			m := importer.GuessMapping(tab.Header, importer.TitleFields)
			rep, err := importer.ImportTitleTable(ctx, d.Library, actor, tab, m, dup, *dry)
			if rep != nil {
				c.reportImport(rep, *dry)
			}
			return err
		}
		m := importer.GuessMapping(tab.Header, importer.ReaderFields)
		rep, err := importer.ImportReaderTable(ctx, d.Library, actor, tab, m, *cardType, *dry)
		if rep != nil {
			if c.json {
				return c.writeJSON(rep)
			}
			key := "cli.import.readers_done"
			if *dry {
				key = "cli.import.readers_preview"
			}
			c.println(i18n.T(key, "rows", strconv.Itoa(rep.Rows), "created", strconv.Itoa(rep.Created),
				"updated", strconv.Itoa(rep.Updated), "unchanged", strconv.Itoa(rep.Unchanged), "refused", strconv.Itoa(len(rep.Refused))))
			c.printRefused(rep.Refused)
		}
		return err
	}
	return usageError("cli.import.need_kind")
}

// marcOptions reads the MARC import flags: the file syntax from the kind,
// the dialect (--format) and where copies are (--holdings), refusing a
// mapping that cannot be used before anything is opened.
func marcOptions(kind, format, holdings string) (importer.MARCOptions, error) {
	opts := importer.MARCOptions{Syntax: importer.SyntaxISO2709}
	if kind == "marcxml" {
		opts.Syntax = importer.SyntaxMARCXML
	}
	f, ok := marc.ParseFormat(format)
	if !ok {
		return opts, usageError("cli.bad_flags", "error", "--format "+format)
	}
	m, err := importer.MARCMapping(f, holdings)
	if text, ok := importer.HoldingsErrorText(err); ok {
		return opts, errors.Mark(errors.New(text), errUsage)
	}
	opts.Mapping = m
	return opts, err
}

func (c *ctx) reportImport(rep *importer.Report, dry bool) {
	if c.json {
		c.writeJSON(rep)
		return
	}
	key := "cli.import.done"
	if dry {
		key = "cli.import.preview"
	}
	c.println(i18n.T(key, "records", strconv.Itoa(rep.Records), "good", strconv.Itoa(rep.Good),
		"damaged", strconv.Itoa(len(rep.Damaged)), "new", strconv.Itoa(rep.NewTitles), "matched", strconv.Itoa(rep.Matched),
		"copies", strconv.Itoa(rep.CopiesAdded)))
	c.printListed(len(rep.Damaged), func(i int) string {
		d := rep.Damaged[i]
		return i18n.T("cli.import.damaged", "record", strconv.Itoa(d.Record), "reason", i18n.T("marc.damage."+d.Reason))
	})
	c.printRefused(rep.Refused)
	if rep.Cancelled {
		c.println(i18n.T("cli.import.cancelled"))
	}
}

// listedAtMost bounds the damaged or refused records an import report lists
// one by one: a wrong file can have thousands, which --json gives in full.
const listedAtMost = 20

// printListed prints line(i) for the first n items, indented, up to
// listedAtMost of them, then how many more there are.
func (c *ctx) printListed(n int, line func(i int) string) {
	for i := range min(n, listedAtMost) {
		c.println("  " + line(i))
	}
	if n > listedAtMost {
		c.println("  " + i18n.T("cli.import.more", "n", strconv.Itoa(n-listedAtMost)))
	}
}

func (c *ctx) printRefused(refused []importer.Refused) {
	c.printListed(len(refused), func(i int) string {
		r := refused[i]
		return i18n.T("cli.import.refused_line", "source", importer.SourceText(i18n.Current(), r.Source), "reason", Explain(r.Err))
	})
}

func runPromote(c *ctx, args []string) error {
	fs := flags("promote")
	dry := fs.Bool("dry-run", false, "")
	user := fs.String("user", "", "")
	grades := fs.String("grades", strings.Join(app.DefaultGrades, ","), "")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, actor, err := c.openSigned(*user)
	if err != nil {
		return err
	}
	defer d.Close()
	g := app.Grades(strings.Split(*grades, ","))
	var plan []app.PromotionLine
	if *dry {
		plan, err = d.Library.PreviewPromotion(g)
	} else {
		plan, err = d.Library.Promote(actor, g)
	}
	if err != nil {
		return err
	}
	var rows [][]string
	for _, l := range plan {
		to := l.ToClass
		if l.Graduates {
			to = i18n.T("cli.promote.graduates")
			if l.Keeps != "" {
				to += " (" + i18n.T("refusal."+string(l.Keeps)) + ")"
			}
		}
		rows = append(rows, []string{l.Reader.Card, l.Reader.Name, l.FromClass, to})
	}
	c.table([]string{i18n.T("cli.batch.barcode"), i18n.T("cli.promote.name"), i18n.T("cli.promote.from"), i18n.T("cli.promote.to")}, rows)
	return nil
}
