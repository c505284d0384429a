package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/explain"
	"github.com/circa-library/circa/app/marc"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/internal/gcmode"
)

// MARCSyntax says how a MARC file is written.
type MARCSyntax int

// MARC file syntaxes.
const (
	// SyntaxAuto looks at the first bytes: '<' means MARCXML.
	SyntaxAuto MARCSyntax = iota
	SyntaxISO2709
	SyntaxMARCXML
)

// MARCOptions configure a MARC import.
type MARCOptions struct {
	Syntax  MARCSyntax
	Mapping marc.Mapping
	// Encoding overrides the character set detection of ISO 2709 files.
	Encoding marc.Encoding
	// OnDuplicate: titles already in the library (same ISBN or barcode).
	OnDuplicate app.OnDuplicate
	// ItemType for copies whose holdings field names none.
	ItemType app.ItemType
	// Progress hears how many records were handled, after each batch.
	Progress func(records int)
	// BatchSize is how many records share one transaction (default 500).
	BatchSize int
}

// Damaged is one record that could not be read, and why.
type Damaged struct {
	Record int
	Reason string
	Detail string
}

// Report is the outcome (or, for a preview, the expected outcome) of an
// import.
type Report struct {
	Records int
	Good    int
	Damaged []Damaged
	// Warnings counts records read with tolerated damage.
	Warnings      int
	NewTitles     int
	Matched       int
	Updated       int
	CopiesAdded   int
	CopiesSkipped int
	// Refused lists items the rules refused (bad ISBN, a barcode used by
	// another title …), by source.
	Refused   []Refused
	Cancelled bool
}

// Refused is one record or line refused, with the refusal.
type Refused struct {
	// Source is where the item was in the file: "record 12" in a MARC
	// file, "line 40" in a table. SourceText puts it in words.
	Source string
	Err    error
}

// recordSource and lineSource write a Refused's Source; sourceNumber reads
// the number back.
func recordSource(n int) string { return "record " + strconv.Itoa(n) }
func lineSource(n int) string   { return "line " + strconv.Itoa(n) }

func sourceNumber(source string) int {
	n, _ := strconv.Atoi(source[strings.IndexByte(source, ' ')+1:])
	return n
}

// inFileOrder sorts refusals by where they are in the file.
func inFileOrder(refused []Refused) []Refused {
	slices.SortStableFunc(refused, func(a, b Refused) int { return sourceNumber(a.Source) - sourceNumber(b.Source) })
	return refused
}

// MarshalJSON writes a refusal for scripts (`circa import … --json`): its
// source, the reason and facts of a rule's refusal, and the message in the
// current language, as explain.Error puts it.
func (r Refused) MarshalJSON() ([]byte, error) {
	out := struct {
		Source  string
		Reason  app.Reason        `json:",omitempty"`
		Facts   map[string]string `json:",omitempty"`
		Message string
	}{Source: r.Source}
	if ref, ok := app.RefusalOf(r.Err); ok {
		out.Reason, out.Facts = ref.Reason, ref.Facts
	}
	if r.Err != nil {
		out.Message, _ = explain.Error(i18n.Current(), r.Err)
	}
	return json.Marshal(out)
}

// SourceText is source (a Refused's) in cat's language: "第 12 条记录",
// "第 40 行". A source this package did not write stays as it is.
func SourceText(cat *i18n.Catalogue, source string) string {
	for prefix, key := range map[string]string{"record ": "import.source.record", "line ": "import.source.line"} {
		if n, ok := strings.CutPrefix(source, prefix); ok {
			if _, err := strconv.Atoi(n); err == nil {
				return cat.T(key, "n", n)
			}
		}
	}
	return source
}

// MARCMapping is the mapping a person chose: the dialect and the holdings
// fields that hold the copies, written for marc.ParseHoldings. Empty
// holdings keep the dialect's defaults (marc.DefaultHoldings). A mapping
// that cannot be used fails with a *marc.HoldingsError (see
// HoldingsErrorText).
func MARCMapping(format marc.Format, holdings string) (marc.Mapping, error) {
	m := marc.Mapping{Format: format}
	if strings.TrimSpace(holdings) == "" {
		return m, nil
	}
	sources, err := marc.ParseHoldings(holdings)
	if err != nil {
		return m, err
	}
	return m.WithHoldings(sources), nil
}

// HoldingsErrorText explains a holdings mapping error in the current
// language; ok is false for any other error.
func HoldingsErrorText(err error) (text string, ok bool) {
	var he *marc.HoldingsError
	if !errors.As(err, &he) {
		return "", false
	}
	return i18n.T("marc.holdings."+string(he.Problem), "part", he.Part), true
}

// batchSize is how many records share one transaction. Storage makes a
// transaction's index writes in key order at commit, so size matters little
// now: into a fresh library, 20,000 records went in at 6,500-8,500
// records/s in batches of 500, about the same in batches of 2,000 and
// 5,400-7,800 in batches of 5,000 (before that, bigger batches were several
// times slower). 500 keeps progress and cancelling fine-grained.
const batchSize = 500

func recordReader(r io.Reader, opts MARCOptions) (marc.RecordReader, error) {
	br := bufferedPeek(r)
	syntax := opts.Syntax
	if syntax == SyntaxAuto {
		head, _ := br.Peek(512)
		if bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"), []byte("<")) {
			syntax = SyntaxMARCXML
		} else {
			syntax = SyntaxISO2709
		}
	}
	if syntax == SyntaxMARCXML {
		return marc.NewXMLReader(br), nil
	}
	return marc.NewReader(br, marc.Options{Encoding: opts.Encoding}), nil
}

// ItemFromRecord maps a MARC record to what the library imports, keeping the
// record (as MARCXML-equivalent ISO 2709, UTF-8) for round trips.
func ItemFromRecord(rec *marc.Record, opts MARCOptions) (app.ImportItem, error) {
	b := marc.ToBib(rec, opts.Mapping)
	// A record too long for ISO 2709 comes in without its source.
	src, err := marc.AppendISO2709(nil, rec)
	if err != nil {
		src = nil
	}
	format := marc.DetectFormat(rec)
	if opts.Mapping.Format != marc.FormatAuto {
		format = opts.Mapping.Format
	}
	in := app.TitleInput{
		Title: b.Title, Subtitle: b.Subtitle, Authors: b.Authors, Publisher: b.Publisher, Place: b.Place,
		Year: b.Year, Language: b.Language, Subjects: b.Subjects, CLC: b.CLC, Dewey: b.Dewey,
		CallNumber: b.CallNumber, Series: b.Series, Summary: b.Summary,
		SourceMARC: src, SourceFormat: format.String(),
		SourceID: strings.TrimSpace(rec.Control("001")),
	}
	if in.Title == "" && b.Romanized.Title != "" {
		in.Title = b.Romanized.Title
	}
	if in.SourceID == "" {
		// No control number: a fingerprint of what identifies the record
		// still lets a second import of the same file match.
		sum := sha256.Sum256([]byte(strings.Join([]string{in.Title, in.Subtitle, strings.Join(in.Authors, ";"),
			in.Publisher, in.Year, strings.Join(b.ISBNs, ";")}, "\x00")))
		in.SourceID = "fp:" + hex.EncodeToString(sum[:12])
	}
	// Only valid ISBNs are kept; a cancelled or mistyped one must not stop
	// the title coming in.
	for _, raw := range b.ISBNs {
		if isbn, ok := app.NormalizeISBN(raw); ok {
			in.ISBNs = append(in.ISBNs, isbn)
		}
	}
	item := app.ImportItem{Title: in, Source: recordSource(rec.Number)}
	for _, h := range b.Holdings {
		if strings.TrimSpace(h.Barcode) == "" {
			continue
		}
		it := app.ItemType(strings.ToLower(strings.TrimSpace(h.ItemType)))
		if it == "" {
			it = opts.ItemType
		}
		item.Copies = append(item.Copies, app.CopyInput{Barcode: h.Barcode, ItemType: it,
			Location: h.Location, CallNumber: h.CallNumber, Price: parsePrice(h.Price)})
	}
	return item, nil
}

// parsePrice reads "CNY25.00", "25.00", "$24.95" as fen/cents.
func parsePrice(s string) app.Money {
	s = strings.TrimSpace(s)
	start := strings.IndexAny(s, "0123456789")
	if start < 0 {
		return 0
	}
	end := start
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		end++
	}
	f, err := strconv.ParseFloat(s[start:end], 64)
	if err != nil || f < 0 || f > 1e7 {
		return 0
	}
	return app.Money(f*100 + 0.5)
}

// ImportMARC reads a MARC file into lib. With dryRun it only counts: what
// is good, what is damaged (by record number and reason), what would be new
// and what matches titles the library has. Records go in batches of 500 in
// one transaction each; cancelling ctx stops between batches, so no record
// is ever half-imported.
func ImportMARC(ctx context.Context, lib *app.Library, actor app.Actor, r io.Reader, opts MARCOptions, dryRun bool) (*Report, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if opts.ItemType == "" {
		opts.ItemType = app.ItemBook
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = batchSize
	}
	rr, err := recordReader(r, opts)
	if err != nil {
		return nil, err
	}
	// Records are read and mapped beside the import of the batch before.
	readCtx, stopReading := context.WithCancel(ctx)
	batches := make(chan marcBatch, 1)
	go readBatches(readCtx, rr, opts, batches)
	defer func() {
		stopReading()
		for range batches { // the reader is done with r when this ends
		}
	}()
	defer gcmode.Throughput()()
	rep := &Report{}
	ended := false
	for b := range batches {
		if ctx.Err() != nil {
			rep.Cancelled = true
			return rep, nil
		}
		rep.Records += b.records
		rep.Good += len(b.items)
		rep.Warnings += b.warnings
		rep.Damaged = append(rep.Damaged, b.damaged...)
		if b.err != nil {
			return rep, b.err
		}
		if len(b.items) > 0 {
			var outs []app.ImportOutcome
			if dryRun {
				outs, err = previewTitles(lib, b.items)
			} else {
				outs, err = lib.ImportTitles(actor, b.items, opts.OnDuplicate)
			}
			if err != nil {
				return rep, err
			}
			tally(rep, outs)
		}
		if opts.Progress != nil {
			opts.Progress(rep.Records)
		}
		ended = b.end
	}
	// The reader stops early only when ctx is done.
	rep.Cancelled = !ended
	return rep, nil
}

// marcBatch is up to opts.BatchSize records read and mapped, with what the
// reading met on the way.
type marcBatch struct {
	items    []app.ImportItem
	records  int
	warnings int
	damaged  []Damaged
	// err ends the import: the file could not be read further.
	err error
	// end says the file ends after this batch.
	end bool
}

// readBatches reads rr into batches of opts.BatchSize good records until
// the file ends, reading fails or ctx is done, then closes out.
func readBatches(ctx context.Context, rr marc.RecordReader, opts MARCOptions, out chan<- marcBatch) {
	defer close(out)
	send := func(b marcBatch) bool {
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var b marcBatch
	for ctx.Err() == nil {
		rec, err := rr.Read()
		if err == io.EOF {
			b.end = true
			send(b)
			return
		}
		if err != nil {
			if d, ok := marc.AsDamage(err); ok {
				b.records++
				b.damaged = append(b.damaged, Damaged{Record: d.Record, Reason: d.Reason.String(), Detail: d.Detail})
				continue
			}
			b.err = errors.Wrap(err, "reading the MARC file")
			send(b)
			return
		}
		b.records++
		if len(rec.Warnings) > 0 {
			b.warnings++
		}
		item, err := ItemFromRecord(rec, opts)
		if err != nil {
			b.err = err
			send(b)
			return
		}
		if strings.TrimSpace(item.Title.Title) == "" {
			b.damaged = append(b.damaged, Damaged{Record: rec.Number, Reason: "no_title"})
			continue
		}
		b.items = append(b.items, item)
		if len(b.items) == opts.BatchSize {
			if !send(b) {
				return
			}
			b = marcBatch{}
		}
	}
}

func tally(rep *Report, outs []app.ImportOutcome) {
	for _, o := range outs {
		if o.Err != nil {
			rep.Refused = append(rep.Refused, Refused{Source: o.Source, Err: o.Err})
			continue
		}
		switch {
		case o.Created:
			rep.NewTitles++
		case o.Updated:
			rep.Updated++
			rep.Matched++
		case o.Matched:
			rep.Matched++
		}
		rep.CopiesAdded += o.CopiesAdded
		rep.CopiesSkipped += o.CopiesSkipped
		for _, e := range o.CopyErrs {
			rep.Refused = append(rep.Refused, Refused{Source: o.Source, Err: e})
		}
	}
}

// previewTitles works out what ImportTitles would do without writing: it
// runs the import in a transaction that is always rolled back.
func previewTitles(lib *app.Library, items []app.ImportItem) ([]app.ImportOutcome, error) {
	return lib.PreviewImportTitles(items)
}

func checkActor(a app.Actor) error {
	if !a.Can(app.PermImport) {
		return app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermImport), "role", string(a.Role))
	}
	return nil
}
