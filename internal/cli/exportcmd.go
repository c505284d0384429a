package cli

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/export"
	"github.com/circa-library/circa/app/importer"
	"github.com/circa-library/circa/assets/i18n"
)

func init() {
	extraCommands = append(extraCommands,
		command{"export", "cli.usage.export", runExport},
		command{"labels", "cli.usage.labels", runLabels},
	)
}

// createOut makes the output file, readable only by the user (exports hold
// reader data).
func createOut(path string) (*os.File, error) {
	if path == "" {
		return nil, usageError("cli.backup.need_out")
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, errors.Wrapf(classifyFS(err), "creating %s", path)
	}
	return f, nil
}

func runExport(c *ctx, args []string) error {
	if len(args) == 0 {
		return usageError("cli.export.need_kind")
	}
	what := args[0]
	fs := flags("export")
	format := fs.String("format", "csv", "")
	out := fs.String("out", "", "")
	user := fs.String("user", "", "")
	report := fs.String("report", "all", "")
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	d, actor, err := c.openSigned(*user)
	if err != nil {
		return err
	}
	defer d.Close()
	f, err := createOut(*out)
	if err != nil {
		return err
	}
	n, err := exportTo(d.Library, actor, what, *format, *report, *from, *to, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	c.println(i18n.T("cli.export.done", "path", *out, "count", strconv.Itoa(n)))
	return nil
}

func exportTo(lib *app.Library, actor app.Actor, what, format, report, from, to string, w io.Writer) (int, error) {
	switch what {
	case "all":
		if !actor.Can(app.PermExportReaders) {
			return 0, app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermExportReaders))
		}
		n, err := ExportJSONLines(lib, w)
		if err == nil {
			err = lib.Audit(actor, "export_all", map[string]string{"records": strconv.Itoa(n)})
		}
		return n, err
	case "marc", "marcxml":
		if !actor.Can(app.PermEditCatalogue) {
			return 0, app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermEditCatalogue))
		}
		return importer.ExportMARC(lib, w, what == "marcxml")
	}
	if format == "marc" || format == "marcxml" {
		return importer.ExportMARC(lib, w, format == "marcxml")
	}
	f, err := export.ParseFormat(format)
	if err != nil {
		return 0, err
	}
	if what == "stats" {
		fromD, toD, err := period(lib, from, to)
		if err != nil {
			return 0, err
		}
		return 1, export.Stats(lib, w, report, fromD, toD, f)
	}
	return export.Data(lib, actor, what, w, f)
}

// period reads --from/--to, defaulting to the last 30 days. --to names the
// last day of the period, as the statistics screen's "to" does, and the
// period returned ends the day after it.
func period(lib *app.Library, from, to string) (app.Date, app.Date, error) {
	today := lib.Today()
	toD, fromD := today.AddDays(1), today.AddDays(-29)
	if to != "" {
		last, err := app.ParseDate(to)
		if err != nil {
			return "", "", err
		}
		toD = last.AddDays(1)
	}
	if from != "" {
		var err error
		if fromD, err = app.ParseDate(from); err != nil {
			return "", "", err
		}
	}
	if !fromD.Before(toD) {
		return "", "", app.Refuse(app.ReasonInvalidDate, "value", from+"…"+to)
	}
	return fromD, toD, nil
}

// ExportJSONLines writes every record of every collection as one JSON object
// a line, {"collection": …, "record": …}: the whole library, for migrating
// to another system. Password and PIN hashes stay out.
func ExportJSONLines(lib *app.Library, w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	n := 0
	err := lib.View(func(tx app.Tx) error {
		for _, c := range app.AllCollections {
			err := tx.ForEach(c, func(id string, raw []byte) error {
				rec := json.RawMessage(raw)
				if c == app.CollStaff || c == app.CollReaders {
					var m map[string]json.RawMessage
					if err := json.Unmarshal(raw, &m); err != nil {
						return err
					}
					delete(m, "password_hash")
					delete(m, "pin_hash")
					b, err := json.Marshal(m)
					if err != nil {
						return err
					}
					rec = b
				}
				line, err := json.Marshal(struct {
					Collection app.Collection  `json:"collection"`
					Record     json.RawMessage `json:"record"`
				}{c, rec})
				if err != nil {
					return err
				}
				bw.Write(line)
				bw.WriteByte('\n')
				n++
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

func runLabels(c *ctx, args []string) error {
	if len(args) == 0 {
		return usageError("cli.labels.need_kind")
	}
	kind := args[0]
	fs := flags("labels")
	out := fs.String("out", "", "")
	user := fs.String("user", "", "")
	query := fs.String("query", "", "")
	class := fs.String("class", "", "")
	location := fs.String("location", "", "")
	codes := fs.String("codes", "", "")
	sheetName := fs.String("sheet", "", "")
	skip := fs.Int("skip", 0, "")
	border := fs.Bool("border", false, "")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	d, _, err := c.openSigned(*user)
	if err != nil {
		return err
	}
	defer d.Close()
	sheet := export.LabelSheets[0]
	if kind == "cards" {
		sheet = export.LabelSheets[len(export.LabelSheets)-1]
	}
	if *sheetName != "" {
		s, ok := export.LabelSheetByName(*sheetName)
		if !ok {
			return usageError("cli.labels.unknown_sheet", "sheet", *sheetName)
		}
		sheet = s
	}
	q := export.LabelQuery{Search: *query, Class: *class, Location: *location}
	if *codes != "" {
		q.Codes = strings.Split(*codes, ",")
	}
	f, err := createOut(*out)
	if err != nil {
		return err
	}
	n, err := export.Labels(d.Library, kind, f, sheet, q, export.LabelOptions{Skip: *skip, Border: *border})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	c.println(i18n.T("cli.export.done", "path", *out, "count", strconv.Itoa(n)))
	return nil
}
