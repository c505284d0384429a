package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/errors"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/internal/gcmode"
)

// Table is a spreadsheet: a header row and the rows under it.
type Table struct {
	Header []string
	Rows   [][]string
	// FirstRow is the sheet row number of Rows[0], for messages.
	FirstRow int
}

// Limits that keep a pasted or damaged spreadsheet from eating the desk.
const (
	maxTableBytes = 64 << 20
	maxRows       = 500_000
	maxColumns    = 200
)

// ErrTooLarge refuses a spreadsheet over the limits.
var ErrTooLarge = errors.New("spreadsheet too large")

// ReadTable reads a CSV or XLSX file (first sheet). CSV may be UTF-8 (with
// or without a BOM) or GB18030 as Chinese Excel saves it, separated by
// commas, semicolons or tabs.
func ReadTable(r io.Reader) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTableBytes+1))
	if err != nil {
		return nil, errors.Wrap(err, "reading the spreadsheet")
	}
	if len(data) > maxTableBytes {
		return nil, ErrTooLarge
	}
	var rows [][]string
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		rows, err = readXLSX(data)
	} else {
		rows, err = readCSV(data)
	}
	if err != nil {
		return nil, err
	}
	// The header is the first non-empty row.
	for len(rows) > 0 && emptyRow(rows[0]) {
		rows = rows[1:]
	}
	if len(rows) == 0 {
		return &Table{}, nil
	}
	t := &Table{Header: trimAll(rows[0]), FirstRow: 2}
	for _, row := range rows[1:] {
		if len(row) > maxColumns {
			return nil, ErrTooLarge
		}
		t.Rows = append(t.Rows, trimAll(row))
	}
	return t, nil
}

func emptyRow(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func trimAll(r []string) []string {
	out := make([]string, len(r))
	for i, c := range r {
		out[i] = strings.TrimSpace(c)
	}
	return out
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, errors.Wrap(err, "the file is neither UTF-8 nor GB18030 text")
		}
		data = dec
	}
	first := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		first = data[:i]
	}
	comma := ','
	for _, c := range []rune{'\t', ';'} {
		if bytes.Count(first, []byte(string(c))) > bytes.Count(first, []byte(string(comma))) {
			comma = c
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var rows [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errors.Wrap(err, "reading CSV")
		}
		if len(rows) >= maxRows {
			return nil, ErrTooLarge
		}
		rows = append(rows, rec)
	}
	return rows, nil
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, errors.Wrap(err, "reading XLSX")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, errors.Wrap(err, "reading XLSX rows")
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		row, err := it.Columns()
		if err != nil {
			return nil, errors.Wrap(err, "reading an XLSX row")
		}
		if len(rows) >= maxRows {
			return nil, ErrTooLarge
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// Mapping says which column holds which field: field name → column index.
type Mapping map[string]int

// Field names a column can map to.
var (
	ReaderFields = []string{"card", "name", "class", "grade", "card_type", "phone", "email", "guardian", "expiry", "notes"}
	TitleFields  = []string{"title", "subtitle", "authors", "isbn", "publisher", "year", "clc", "dewey",
		"call_number", "series", "subjects", "summary", "language", "barcode", "location", "item_type", "price"}
)

// synonyms are header names schools and library systems use, in both
// languages, lower-cased.
var synonyms = map[string][]string{
	"card":        {"card", "card number", "card no", "cardnumber", "barcode", "证号", "借书证号", "读者证号", "卡号", "学号", "读者条码"},
	"name":        {"name", "full name", "reader", "student", "姓名", "名字", "读者姓名", "学生姓名"},
	"class":       {"class", "form", "homeroom", "班级", "班", "班别"},
	"grade":       {"grade", "year group", "年级"},
	"card_type":   {"card type", "type", "category", "patron type", "读者类型", "证类型", "类型"},
	"phone":       {"phone", "telephone", "mobile", "电话", "手机", "联系电话", "家长电话"},
	"email":       {"email", "e-mail", "mail", "邮箱", "电子邮件"},
	"guardian":    {"guardian", "parent", "家长", "监护人", "家长姓名"},
	"expiry":      {"expiry", "expires", "valid until", "有效期", "到期日"},
	"notes":       {"notes", "note", "remarks", "备注"},
	"title":       {"title", "书名", "题名", "正题名"},
	"subtitle":    {"subtitle", "副题名", "副书名"},
	"authors":     {"author", "authors", "creator", "作者", "责任者", "著者"},
	"isbn":        {"isbn", "isbn13", "isbn-13", "isbn10", "标准书号"},
	"publisher":   {"publisher", "出版社", "出版者"},
	"year":        {"year", "date", "publication year", "出版年", "出版日期", "出版时间"},
	"clc":         {"clc", "中图法", "中图分类号", "分类号"},
	"dewey":       {"dewey", "ddc", "杜威分类号"},
	"call_number": {"call number", "callnumber", "call no", "索书号"},
	"series":      {"series", "丛书", "丛编"},
	"subjects":    {"subjects", "subject", "主题", "主题词"},
	"summary":     {"summary", "abstract", "description", "摘要", "简介", "内容提要"},
	"language":    {"language", "lang", "语种", "语言"},
	"barcode":     {"barcode", "item barcode", "copy barcode", "accession number", "条码", "条码号", "图书条码", "登录号"},
	"location":    {"location", "shelf", "branch", "馆藏地", "馆藏地点", "位置", "书架"},
	"item_type":   {"item type", "material type", "文献类型", "资料类型"},
	"price":       {"price", "cost", "价格", "定价"},
}

// GuessMapping matches header names to fields (both languages). A column
// matches at most one field; fields not found are absent from the mapping.
func GuessMapping(header []string, fields []string) Mapping {
	m := Mapping{}
	used := map[int]bool{}
	for _, f := range fields {
		for i, h := range header {
			if used[i] {
				continue
			}
			name := strings.ToLower(strings.TrimSpace(h))
			for _, s := range synonyms[f] {
				if name == s {
					m[f] = i
					used[i] = true
					break
				}
			}
			if _, ok := m[f]; ok {
				break
			}
		}
	}
	// A reader list's "barcode" column is the card; a catalogue's is the copy.
	return m
}

func (m Mapping) get(row []string, field string) string {
	i, ok := m[field]
	if !ok || i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

// ReaderRows turns the rows of a class list into readers to upsert.
// defaultType fills an empty or missing card type column.
func ReaderRows(t *Table, m Mapping, defaultType string) ([]app.ReaderInput, []string) {
	var ins []app.ReaderInput
	var sources []string
	for i, row := range t.Rows {
		if emptyRow(row) {
			continue
		}
		in := app.ReaderInput{
			Card: m.get(row, "card"), Name: m.get(row, "name"), Class: m.get(row, "class"),
			Grade: m.get(row, "grade"), CardType: m.get(row, "card_type"), Phone: m.get(row, "phone"),
			Email: m.get(row, "email"), Guardian: m.get(row, "guardian"), Notes: m.get(row, "notes"),
			Expiry: app.Date(m.get(row, "expiry")),
		}
		if in.CardType == "" {
			in.CardType = defaultType
		}
		ins = append(ins, in)
		sources = append(sources, lineSource(t.FirstRow+i))
	}
	return ins, sources
}

// TitleRows turns catalogue rows into items: rows with the same ISBN (or,
// without one, the same title and author) become one title with a copy per
// row that has a barcode.
func TitleRows(t *Table, m Mapping) []app.ImportItem {
	var items []app.ImportItem
	byKey := map[string]int{}
	for i, row := range t.Rows {
		if emptyRow(row) {
			continue
		}
		src := lineSource(t.FirstRow + i)
		in := app.TitleInput{
			Title: m.get(row, "title"), Subtitle: m.get(row, "subtitle"), Publisher: m.get(row, "publisher"),
			Year: m.get(row, "year"), CLC: m.get(row, "clc"), Dewey: m.get(row, "dewey"),
			CallNumber: m.get(row, "call_number"), Series: m.get(row, "series"), Summary: m.get(row, "summary"),
			Language: m.get(row, "language"),
		}
		for _, a := range splitList(m.get(row, "authors")) {
			in.Authors = append(in.Authors, a)
		}
		in.Subjects = splitList(m.get(row, "subjects"))
		if raw := m.get(row, "isbn"); raw != "" {
			in.ISBNs = []string{raw}
		}
		key := ""
		if isbn, ok := app.NormalizeISBN(m.get(row, "isbn")); ok {
			key = "isbn:" + isbn
		} else if in.Title != "" {
			key = "t:" + strings.ToLower(in.Title) + "|" + strings.ToLower(strings.Join(in.Authors, ","))
		}
		idx, seen := byKey[key]
		if !seen || key == "" {
			items = append(items, app.ImportItem{Title: in, Source: src})
			idx = len(items) - 1
			if key != "" {
				byKey[key] = idx
			}
		}
		if bc := m.get(row, "barcode"); bc != "" {
			items[idx].Copies = append(items[idx].Copies, app.CopyInput{Barcode: bc, Location: m.get(row, "location"),
				ItemType: app.ItemType(strings.ToLower(m.get(row, "item_type"))), CallNumber: m.get(row, "call_number"),
				Price: parsePrice(m.get(row, "price"))})
		}
	}
	return items
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '|' || r == '、' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ReaderReport is the outcome (or preview) of a reader list import.
type ReaderReport struct {
	Rows      int
	Created   int
	Updated   int
	Unchanged int
	Refused   []Refused
	Cancelled bool
}

// ImportReaderTable upserts the readers of a class list by card number.
func ImportReaderTable(ctx context.Context, lib *app.Library, actor app.Actor, t *Table, m Mapping, defaultType string, dryRun bool) (*ReaderReport, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if _, ok := m["card"]; !ok {
		return nil, columnMissing("card", t.Header)
	}
	ins, sources := ReaderRows(t, m, defaultType)
	rep := &ReaderReport{Rows: len(ins)}
	ins, sources, twice := listedOnce(ins, sources)
	defer func() { rep.Refused = inFileOrder(append(rep.Refused, twice...)) }()
	for start := 0; start < len(ins); start += batchSize {
		if ctx.Err() != nil {
			rep.Cancelled = true
			return rep, nil
		}
		end := min(start+batchSize, len(ins))
		var outs []app.ReaderImportOutcome
		var err error
		if dryRun {
			outs, err = lib.PreviewImportReaders(ins[start:end], sources[start:end])
		} else {
			outs, err = lib.ImportReaders(actor, ins[start:end], sources[start:end])
		}
		if err != nil {
			return rep, err
		}
		for _, o := range outs {
			switch {
			case o.Err != nil:
				rep.Refused = append(rep.Refused, Refused{Source: o.Source, Err: o.Err})
			case o.Created:
				rep.Created++
			case o.Updated:
				rep.Updated++
			default:
				rep.Unchanged++
			}
		}
	}
	return rep, nil
}

// columnMissing refuses a table that has no column for a field the import
// cannot do without, naming the columns it has: a wrong file, or a header
// the guesser does not know, which the import screen lets staff map.
func columnMissing(field string, header []string) error {
	const shown, longest = 8, 20 // columns, and runes of each
	var cols []string
	for _, h := range header[:min(len(header), shown)] {
		if r := []rune(h); len(r) > longest {
			h = string(r[:longest]) + "…"
		}
		cols = append(cols, h)
	}
	list := strings.Join(cols, ", ")
	if len(header) > shown {
		list += ", …"
	}
	return app.Refuse(app.ReasonColumnMissing, "field", field, "columns", list)
}

// listedOnce keeps the first row of each card number and refuses the rows
// that list it again: a class list with a pupil twice is a mistake to show,
// not two updates of which the last silently wins. Rows without a card are
// kept for the import to refuse.
func listedOnce(ins []app.ReaderInput, sources []string) ([]app.ReaderInput, []string, []Refused) {
	first := map[string]string{} // card → source of its first row
	keepIns, keepSources := ins[:0:0], sources[:0:0]
	var refused []Refused
	for i, in := range ins {
		card := app.NormalizeBarcode(in.Card)
		if card != "" {
			if src, ok := first[card]; ok {
				refused = append(refused, Refused{Source: sources[i],
					Err: app.Refuse(app.ReasonCardListedTwice, "card", card, "line", strconv.Itoa(sourceNumber(src)))})
				continue
			}
			first[card] = sources[i]
		}
		keepIns, keepSources = append(keepIns, in), append(keepSources, sources[i])
	}
	return keepIns, keepSources, refused
}

// ImportTitleTable imports a catalogue spreadsheet.
func ImportTitleTable(ctx context.Context, lib *app.Library, actor app.Actor, t *Table, m Mapping, dup app.OnDuplicate, dryRun bool) (*Report, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if _, ok := m["title"]; !ok {
		return nil, columnMissing("title", t.Header)
	}
	items := TitleRows(t, m)
	rep := &Report{Records: len(items), Good: len(items)}
	defer gcmode.Throughput()()
	for start := 0; start < len(items); start += batchSize {
		if ctx.Err() != nil {
			rep.Cancelled = true
			return rep, nil
		}
		end := min(start+batchSize, len(items))
		var outs []app.ImportOutcome
		var err error
		if dryRun {
			outs, err = lib.PreviewImportTitles(items[start:end])
		} else {
			outs, err = lib.ImportTitles(actor, items[start:end], dup)
		}
		if err != nil {
			return rep, err
		}
		tally(rep, outs)
	}
	return rep, nil
}
