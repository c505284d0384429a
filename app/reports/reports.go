package reports

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

// Report names, in dashboard order.
const (
	Summary     = "summary"
	Loans       = "loans"
	CardTypes   = "card_types"
	Classes     = "classes"
	Grades      = "grades"
	ItemTypes   = "item_types"
	CLC         = "clc"
	Dewey       = "dewey"
	TopTitles   = "top_titles"
	TopAuthors  = "top_authors"
	Hours       = "hours"
	NotBorrowed = "not_borrowed"
	// NeverBorrowed is the weeding list: titles with copies that no loan
	// ever touched. NotBorrowed is the same since the period's first day.
	NeverBorrowed = "never_borrowed"
)

// Names lists every report, in dashboard order.
func Names() []string {
	return []string{Summary, Loans, CardTypes, Classes, Grades, ItemTypes, CLC, Dewey, TopTitles, TopAuthors, Hours, NotBorrowed, NeverBorrowed}
}

// TopN is how many rows the top titles and authors reports show.
const TopN = 20

// MaxNotBorrowed bounds the not-borrowed and never-borrowed (weeding) lists.
const MaxNotBorrowed = 500

// Table is one report: named columns and rows of string, int or float64
// cells, with a chart of the same figures (nil when a chart says nothing).
type Table struct {
	Name    string
	Title   string
	Period  Period
	Columns []Column
	Rows    [][]any
	Chart   *Chart
	// Note says what the figures leave out, when something is.
	Note string
}

// Column is a table heading.
type Column struct {
	Label   string
	Numeric bool
}

// ChartKind is how a chart draws its series.
type ChartKind int

// Chart kinds.
const (
	BarChart ChartKind = iota
	LineChart
)

// Chart is what to draw: one value per label in each series.
type Chart struct {
	Kind   ChartKind
	Title  string
	Labels []string
	Series []Series
	// Percent marks values that are percentages.
	Percent bool
}

// Series is one named line or set of bars.
type Series struct {
	Name   string
	Values []float64
	// Previous marks the previous period's figures, drawn in grey.
	Previous bool
}

// Cell formats a table cell for text output (CSV, PDF, screen).
func Cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return fmt.Sprint(v)
}

// Build computes one report for [from, to) in the current language.
func Build(lib *app.Library, name string, from, to app.Date) (*Table, error) {
	ts, err := build(lib, []string{name}, from, to, i18n.Current())
	if err != nil {
		return nil, err
	}
	return ts[0], nil
}

// Dashboard computes every report for [from, to), from one reading of the
// daily aggregates, in the current language.
func Dashboard(lib *app.Library, from, to app.Date) ([]*Table, error) {
	return build(lib, Names(), from, to, i18n.Current())
}

// BuildIn is Build or Dashboard (names nil) in the language of cat.
func BuildIn(lib *app.Library, names []string, from, to app.Date, cat *i18n.Catalogue) ([]*Table, error) {
	if names == nil {
		names = Names()
	}
	return build(lib, names, from, to, cat)
}

func build(lib *app.Library, names []string, from, to app.Date, cat *i18n.Catalogue) ([]*Table, error) {
	for _, n := range names {
		if !known(n) {
			return nil, app.Refuse(app.ReasonInvalidInput, "field", "report", "value", n)
		}
	}
	p := Period{From: from, To: to}
	if err := p.Check(); err != nil {
		return nil, err
	}
	var out []*Table
	err := lib.View(func(tx app.Tx) error {
		s, err := computeTx(tx, lib.Location(), lib.Today(), p, AutoGranularity(p), needsOf(names))
		if err != nil {
			return err
		}
		cardNames, err := cardTypeNames(tx, cat)
		if err != nil {
			return err
		}
		var titlesOnShelf map[string]*shelfTitle
		for _, n := range names {
			var t *Table
			if (n == NotBorrowed || n == NeverBorrowed) && titlesOnShelf == nil {
				if titlesOnShelf, err = shelf(tx, s.LastBorrowed, p.From); err != nil {
					return err
				}
			}
			switch n {
			case NotBorrowed:
				t, err = weedingList(tx, titlesOnShelf, p.From, cat)
			case NeverBorrowed:
				t, err = weedingList(tx, titlesOnShelf, "", cat)
			case Grades:
				t, err = gradesTable(tx, s, cat)
			default:
				t = tableOf(s, n, cat, cardNames)
			}
			if err != nil {
				return err
			}
			t.Name, t.Period = n, p
			if t.Title == "" {
				t.Title = Title(cat, n)
			}
			if t.Chart != nil && t.Chart.Title == "" {
				t.Chart.Title = t.Title
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

func known(name string) bool {
	for _, n := range Names() {
		if n == name {
			return true
		}
	}
	return false
}

// Title is a report's heading in the language of cat.
func Title(cat *i18n.Catalogue, name string) string {
	switch name {
	case Summary:
		return cat.T("reports.name.summary")
	case Loans:
		return cat.T("reports.name.loans")
	case CardTypes:
		return cat.T("reports.name.card_types")
	case Classes:
		return cat.T("reports.name.classes")
	case ItemTypes:
		return cat.T("reports.name.item_types")
	case CLC:
		return cat.T("reports.name.clc")
	case Dewey:
		return cat.T("reports.name.dewey")
	case TopTitles:
		return cat.T("reports.name.top_titles")
	case TopAuthors:
		return cat.T("reports.name.top_authors")
	case Hours:
		return cat.T("reports.name.hours")
	case Grades:
		return cat.T("reports.name.grades")
	case NotBorrowed:
		return cat.T("reports.name.not_borrowed")
	case NeverBorrowed:
		return cat.T("reports.name.never_borrowed")
	}
	return name
}

func cardTypeNames(tx app.Tx, cat *i18n.Catalogue) (map[string]string, error) {
	out := map[string]string{}
	err := tx.ForEach(app.CollCardTypes, func(id string, raw []byte) error {
		var ct app.CardType
		if _, err := tx.Get(app.CollCardTypes, id, &ct); err != nil || ct.Deleted {
			return err
		}
		name := ct.Name
		if cat.Lang() == i18n.English && ct.NameEN != "" {
			name = ct.NameEN
		}
		out[ct.Code] = name
		return nil
	})
	return out, errors.Wrap(err, "reading card types")
}

func tableOf(s *Stats, name string, cat *i18n.Catalogue, cardTypes map[string]string) *Table {
	cur, prev := cat.T("reports.col.this_period"), cat.T("reports.col.previous")
	switch name {
	case Summary:
		return summary(s, cat)
	case Loans:
		return loansOverTime(s, cat)
	case CardTypes:
		return breakdown(s.ByCardType, cat.T("reports.col.card_type"), func(k string) string {
			if n, ok := cardTypes[k]; ok {
				return n
			}
			return orNone(cat, k)
		}, byCount, cat, cur, prev)
	case Classes:
		return breakdown(s.ByClass, cat.T("reports.col.class"), func(k string) string { return orNone(cat, k) }, byLabel, cat, cur, prev)
	case ItemTypes:
		return breakdown(s.ByItemType, cat.T("reports.col.item_type"), func(k string) string { return ItemTypeName(cat, app.ItemType(k)) }, byCount, cat, cur, prev)
	case CLC:
		return breakdown(s.ByCLC, cat.T("reports.col.clc_class"), func(k string) string { return CLCName(cat, k) }, byKey, cat, cur, prev)
	case Dewey:
		return breakdown(s.ByDewey, cat.T("reports.col.dewey_class"), func(k string) string { return DeweyName(cat, k) }, byKey, cat, cur, prev)
	case TopTitles:
		return topTitles(s, cat)
	case TopAuthors:
		return topAuthors(s, cat)
	case Hours:
		return hours(s, cat)
	}
	return &Table{}
}

func orNone(cat *i18n.Catalogue, k string) string {
	if k == "" {
		return cat.T("reports.none")
	}
	return k
}

// change is the relative change from prev to cur as text: "+12.5%", "—"
// when there was nothing before.
func change(cur, prev float64) string {
	if prev == 0 {
		if cur == 0 {
			return "0%"
		}
		return "—"
	}
	return fmt.Sprintf("%+.1f%%", (cur-prev)/prev*100)
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

func summary(s *Stats, cat *i18n.Catalogue) *Table {
	t := &Table{Columns: []Column{
		{Label: cat.T("reports.col.figure")},
		{Label: cat.T("reports.col.this_period"), Numeric: true},
		{Label: cat.T("reports.col.previous"), Numeric: true},
		{Label: cat.T("reports.col.change")},
	}}
	row := func(label string, cur, prev float64, isInt bool) {
		var a, b any = round1(cur), round1(prev)
		if isInt {
			a, b = int(cur), int(prev)
		}
		t.Rows = append(t.Rows, []any{label, a, b, change(cur, prev)})
	}
	pair := func(label string, p Pair) { row(label, float64(p.Cur), float64(p.Prev), true) }
	pair(cat.T("reports.fig.loans"), s.Loans)
	pair(cat.T("reports.fig.returns"), s.Returns)
	pair(cat.T("reports.fig.renewals"), s.Renewals)
	pair(cat.T("reports.fig.active_readers"), s.ActiveReaders)
	pair(cat.T("reports.fig.anonymised"), s.Anonymised)
	row(cat.T("reports.fig.overdue_rate"), s.OverdueRate(false)*100, s.OverdueRate(true)*100, false)
	pair(cat.T("reports.fig.holds_ready"), s.HoldsReady)
	row(cat.T("reports.fig.hold_wait"), s.HoldWaitDays[0], s.HoldWaitDays[1], false)
	t.Chart = &Chart{
		Kind:   BarChart,
		Title:  Title(cat, Summary),
		Labels: []string{cat.T("reports.fig.loans"), cat.T("reports.fig.returns"), cat.T("reports.fig.active_readers")},
		Series: []Series{
			{Name: cat.T("reports.col.this_period"), Values: []float64{float64(s.Loans.Cur), float64(s.Returns.Cur), float64(s.ActiveReaders.Cur)}},
			{Name: cat.T("reports.col.previous"), Previous: true, Values: []float64{float64(s.Loans.Prev), float64(s.Returns.Prev), float64(s.ActiveReaders.Prev)}},
		},
	}
	t.Note = cat.T("reports.note.anonymised")
	return t
}

// BucketLabel names a bucket: a day, the first day of a week, or a month.
func BucketLabel(b Bucket, g Granularity) string {
	switch g {
	case Monthly:
		return string(b.From)[:7]
	}
	return string(b.From)
}

func loansOverTime(s *Stats, cat *i18n.Catalogue) *Table {
	var col string
	switch s.Granularity {
	case Monthly:
		col = cat.T("reports.col.month")
	case Weekly:
		col = cat.T("reports.col.week_of")
	default:
		col = cat.T("reports.col.day")
	}
	t := &Table{Columns: []Column{
		{Label: col},
		{Label: cat.T("reports.fig.loans"), Numeric: true},
		{Label: cat.T("reports.fig.returns"), Numeric: true},
		{Label: cat.T("reports.col.prev_loans"), Numeric: true},
		{Label: cat.T("reports.col.prev_returns"), Numeric: true},
	}}
	c := &Chart{Kind: LineChart, Title: Title(cat, Loans), Series: []Series{
		{Name: cat.T("reports.fig.loans")}, {Name: cat.T("reports.fig.returns")}, {Name: cat.T("reports.col.prev_loans"), Previous: true},
	}}
	for _, b := range s.Buckets {
		label := BucketLabel(b, s.Granularity)
		t.Rows = append(t.Rows, []any{label, b.Loans, b.Returns, b.PrevLoans, b.PrevRetns})
		c.Labels = append(c.Labels, label)
		c.Series[0].Values = append(c.Series[0].Values, float64(b.Loans))
		c.Series[1].Values = append(c.Series[1].Values, float64(b.Returns))
		c.Series[2].Values = append(c.Series[2].Values, float64(b.PrevLoans))
	}
	t.Chart = c
	return t
}

type order int

const (
	byCount order = iota
	byLabel
	byKey
	schoolOrder // school order (app.DefaultGrades), then by label
)

func breakdown(m map[string]*Pair, heading string, label func(string) string, ord order, cat *i18n.Catalogue, cur, prev string) *Table {
	keys := make([]string, 0, len(m))
	total := 0
	for k, p := range m {
		keys = append(keys, k)
		total += p.Cur
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if (a == "") != (b == "") {
			return b == "" // unclassified last
		}
		switch ord {
		case byCount:
			if m[a].Cur != m[b].Cur {
				return m[a].Cur > m[b].Cur
			}
		case byLabel:
			return label(a) < label(b)
		case schoolOrder:
			if ra, rb := gradeRank(a), gradeRank(b); ra != rb {
				return ra < rb
			}
			return label(a) < label(b)
		}
		return a < b
	})
	t := &Table{Columns: []Column{
		{Label: heading},
		{Label: cur, Numeric: true},
		{Label: cat.T("reports.col.share"), Numeric: true},
		{Label: prev, Numeric: true},
		{Label: cat.T("reports.col.change")},
	}}
	c := &Chart{Kind: BarChart, Series: []Series{{Name: cur}, {Name: prev, Previous: true}}}
	for _, k := range keys {
		p := m[k]
		l := label(k)
		t.Rows = append(t.Rows, []any{l, p.Cur, round1(ratio(p.Cur, total) * 100), p.Prev, change(float64(p.Cur), float64(p.Prev))})
		c.Labels = append(c.Labels, l)
		c.Series[0].Values = append(c.Series[0].Values, float64(p.Cur))
		c.Series[1].Values = append(c.Series[1].Values, float64(p.Prev))
	}
	t.Chart = c
	return t
}

// top returns the keys with the most loans in the period, most first.
func top(m map[string]*Pair, n int) []string {
	type entry struct {
		key string
		cur int
	}
	before := func(a, b entry) bool { return a.cur > b.cur || a.cur == b.cur && a.key < b.key }
	// best holds the n first so far, in order; a year has a couple of
	// hundred thousand titles, and sorting them all to show twenty is most
	// of the cost of the list.
	best := make([]entry, 0, n+1)
	for k, p := range m {
		e := entry{k, p.Cur}
		if p.Cur <= 0 || k == "" || n <= 0 || len(best) == n && !before(e, best[n-1]) {
			continue
		}
		i := sort.Search(len(best), func(i int) bool { return before(e, best[i]) })
		best = append(best, entry{})
		copy(best[i+1:], best[i:])
		best[i] = e
		if len(best) > n {
			best = best[:n]
		}
	}
	keys := make([]string, len(best))
	for i, e := range best {
		keys[i] = e.key
	}
	return keys
}

func topTitles(s *Stats, cat *i18n.Catalogue) *Table {
	t := &Table{Columns: []Column{
		{Label: cat.T("reports.col.rank"), Numeric: true},
		{Label: cat.T("reports.col.title")},
		{Label: cat.T("reports.col.authors")},
		{Label: cat.T("reports.col.this_period"), Numeric: true},
		{Label: cat.T("reports.col.previous"), Numeric: true},
	}}
	c := &Chart{Kind: BarChart, Series: []Series{{Name: cat.T("reports.fig.loans")}}}
	for i, id := range top(s.ByTitle, TopN) {
		info := s.Titles[id]
		name := id
		var authors string
		if info != nil {
			name, authors = info.Title, strings.Join(info.Authors, "; ")
		}
		p := s.ByTitle[id]
		t.Rows = append(t.Rows, []any{i + 1, name, authors, p.Cur, p.Prev})
		c.Labels = append(c.Labels, name)
		c.Series[0].Values = append(c.Series[0].Values, float64(p.Cur))
	}
	t.Chart = c
	return t
}

func topAuthors(s *Stats, cat *i18n.Catalogue) *Table {
	t := &Table{Columns: []Column{
		{Label: cat.T("reports.col.rank"), Numeric: true},
		{Label: cat.T("reports.col.author")},
		{Label: cat.T("reports.col.this_period"), Numeric: true},
		{Label: cat.T("reports.col.previous"), Numeric: true},
	}}
	c := &Chart{Kind: BarChart, Series: []Series{{Name: cat.T("reports.fig.loans")}}}
	for i, a := range top(s.ByAuthor, TopN) {
		p := s.ByAuthor[a]
		t.Rows = append(t.Rows, []any{i + 1, a, p.Cur, p.Prev})
		c.Labels = append(c.Labels, a)
		c.Series[0].Values = append(c.Series[0].Values, float64(p.Cur))
	}
	t.Chart = c
	return t
}

func hours(s *Stats, cat *i18n.Catalogue) *Table {
	t := &Table{Columns: []Column{
		{Label: cat.T("reports.col.hour")},
		{Label: cat.T("reports.fig.loans"), Numeric: true},
		{Label: cat.T("reports.fig.returns"), Numeric: true},
	}}
	c := &Chart{Kind: BarChart, Series: []Series{{Name: cat.T("reports.fig.loans")}, {Name: cat.T("reports.fig.returns")}}}
	for h := 0; h < 24; h++ {
		label := fmt.Sprintf("%02d", h)
		t.Rows = append(t.Rows, []any{label + ":00", s.LoanHours[h], s.ReturnHours[h]})
		c.Labels = append(c.Labels, label)
		c.Series[0].Values = append(c.Series[0].Values, float64(s.LoanHours[h]))
		c.Series[1].Values = append(c.Series[1].Values, float64(s.ReturnHours[h]))
	}
	t.Chart = c
	return t
}

// ItemTypeName names an item type in the language of cat.
func ItemTypeName(cat *i18n.Catalogue, it app.ItemType) string {
	switch it {
	case app.ItemBook:
		return cat.T("reports.item.book")
	case app.ItemMagazine:
		return cat.T("reports.item.magazine")
	case app.ItemReference:
		return cat.T("reports.item.reference")
	case app.ItemAV:
		return cat.T("reports.item.av")
	case "":
		return cat.T("reports.none")
	}
	return string(it)
}

var clcNames = map[string][2]string{
	"A": {"马克思主义、列宁主义、毛泽东思想、邓小平理论", "Marxism, Leninism, Mao Zedong Thought, Deng Xiaoping Theory"},
	"B": {"哲学、宗教", "Philosophy and religion"},
	"C": {"社会科学总论", "Social sciences (general)"},
	"D": {"政治、法律", "Politics and law"},
	"E": {"军事", "Military science"},
	"F": {"经济", "Economics"},
	"G": {"文化、科学、教育、体育", "Culture, science, education, sports"},
	"H": {"语言、文字", "Languages and writing"},
	"I": {"文学", "Literature"},
	"J": {"艺术", "Arts"},
	"K": {"历史、地理", "History and geography"},
	"N": {"自然科学总论", "Natural sciences (general)"},
	"O": {"数理科学和化学", "Mathematics, physics, chemistry"},
	"P": {"天文学、地球科学", "Astronomy and earth sciences"},
	"Q": {"生物科学", "Biology"},
	"R": {"医药、卫生", "Medicine and health"},
	"S": {"农业科学", "Agriculture"},
	"T": {"工业技术", "Industrial technology"},
	"U": {"交通运输", "Transport"},
	"V": {"航空、航天", "Aviation and spaceflight"},
	"X": {"环境科学、安全科学", "Environmental and safety science"},
	"Z": {"综合性图书", "General works"},
}

var deweyNames = map[string][2]string{
	"000": {"计算机科学、信息与总类", "Computer science, information & general works"},
	"100": {"哲学与心理学", "Philosophy & psychology"},
	"200": {"宗教", "Religion"},
	"300": {"社会科学", "Social sciences"},
	"400": {"语言", "Language"},
	"500": {"自然科学", "Science"},
	"600": {"技术", "Technology"},
	"700": {"艺术与休闲", "Arts & recreation"},
	"800": {"文学", "Literature"},
	"900": {"历史与地理", "History & geography"},
}

func langIndex(cat *i18n.Catalogue) int {
	if cat.Lang() == i18n.Chinese {
		return 0
	}
	return 1
}

// CLCName is "I 文学" for main class "I"; unclassified for "".
func CLCName(cat *i18n.Catalogue, class string) string {
	if n, ok := clcNames[class]; ok {
		return class + " " + n[langIndex(cat)]
	}
	if class == "" {
		return cat.T("reports.unclassified")
	}
	return class
}

// DeweyName is "800 Literature" for "800"; unclassified for "".
func DeweyName(cat *i18n.Catalogue, hundreds string) string {
	if n, ok := deweyNames[hundreds]; ok {
		return hundreds + " " + n[langIndex(cat)]
	}
	return cat.T("reports.unclassified")
}
