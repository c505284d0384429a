package reports

import (
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/errors"
	"github.com/tidwall/gjson"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

// Loans keep the reader's class as it was on the day (app.Loan.Class), and
// the daily aggregates count them by class; they keep no grade. The grade
// of a class is found when a report is made:
//
//  1. a class named after its grade ("三年级2班", "Grade 4 Class 1") is of
//     the longest grade name it contains, among app.DefaultGrades and the
//     grades readers have now. Year-end promotion renames such classes, so
//     the name says the grade the class had when its loans were made;
//  2. otherwise the class is of the grade most of its readers have now.
//     A school whose class names do not change from year to year
//     ("2019级3班") sees last year's loans under this year's grade;
//  3. a class neither way places counts under no grade.

// gradeRank orders grades as a school does: app.DefaultGrades first, in
// their order; any other after them.
func gradeRank(grade string) int {
	for i, g := range app.DefaultGrades {
		if g == grade {
			return i
		}
	}
	if grade == "" {
		return len(app.DefaultGrades) + 1
	}
	return len(app.DefaultGrades)
}

// GradesOf returns the grade of each of classes (see above), reading the
// readers in the caller's transaction tx.
func GradesOf(tx app.Tx, classes []string) (map[string]string, error) {
	want := map[string]bool{}
	for _, c := range classes {
		want[c] = true
	}
	// tally[class][grade] counts the readers of class in grade now.
	tally := map[string]map[string]int{}
	names := map[string]bool{}
	for _, g := range app.DefaultGrades {
		names[g] = true
	}
	type reader struct {
		Class   string `json:"class"`
		Grade   string `json:"grade"`
		Deleted bool   `json:"deleted"`
	}
	// Every reader in a class is read: picking three fields out of each,
	// side by side, costs a fraction of decoding each in turn.
	parse := func(id string, raw []byte, _ string) (reader, error) {
		var r reader
		doc := gjson.ParseBytes(raw)
		class, grade, deleted := doc.Get("class"), doc.Get("grade"), doc.Get("deleted")
		if gjsonReads(raw) && doc.IsObject() && isString(class) && isString(grade) &&
			(deleted.Type == gjson.Null || deleted.IsBool()) {
			return reader{class.Str, grade.Str, deleted.Bool()}, nil
		}
		return r, errors.Wrapf(json.Unmarshal(raw, &r), "reading reader %s", id)
	}
	apply := func(_ string, r reader) {
		if r.Deleted || r.Class == "" || r.Grade == "" {
			return
		}
		names[r.Grade] = true
		if want[r.Class] {
			if tally[r.Class] == nil {
				tally[r.Class] = map[string]int{}
			}
			tally[r.Class][r.Grade]++
		}
	}
	if err := walk(tx, app.CollReaders, nil, parse, apply); err != nil {
		return nil, errors.Wrap(err, "reading the readers' grades")
	}
	out := make(map[string]string, len(classes))
	for _, class := range classes {
		if g := namedGrade(class, names); g != "" {
			out[class] = g
			continue
		}
		best, most := "", 0
		for g, n := range tally[class] {
			if n > most || n == most && g < best {
				best, most = g, n
			}
		}
		out[class] = best
	}
	return out, nil
}

// gjsonReads reports whether gjson reads raw as encoding/json does: valid
// JSON (gjson does not check) in valid UTF-8 (encoding/json replaces bad
// bytes, gjson keeps them). Anything else goes to encoding/json, which says
// what is wrong with it.
func gjsonReads(raw []byte) bool { return gjson.ValidBytes(raw) && utf8.Valid(raw) }

// isString reports whether v is a JSON string, null or absent.
func isString(v gjson.Result) bool { return v.Type == gjson.String || v.Type == gjson.Null }

// namedGrade is the longest of names that class contains, "" when none.
func namedGrade(class string, names map[string]bool) string {
	best := ""
	for g := range names {
		if g != "" && strings.Contains(class, g) && (len(g) > len(best) || len(g) == len(best) && g < best) {
			best = g
		}
	}
	return best
}

// byGrade sums counts by class into counts by grade.
func byGrade(tx app.Tx, byClass map[string]*Pair) (map[string]*Pair, error) {
	classes := make([]string, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	grades, err := GradesOf(tx, classes)
	if err != nil {
		return nil, err
	}
	out := map[string]*Pair{}
	for _, c := range classes {
		addPair(out, grades[c], byClass[c])
	}
	return out, nil
}

func gradesTable(tx app.Tx, s *Stats, cat *i18n.Catalogue) (*Table, error) {
	m, err := byGrade(tx, s.ByClass)
	if err != nil {
		return nil, err
	}
	t := breakdown(m, cat.T("reports.col.grade"), func(k string) string { return orNone(cat, k) }, schoolOrder, cat,
		cat.T("reports.col.this_period"), cat.T("reports.col.previous"))
	t.Note = cat.T("reports.note.grades")
	return t, nil
}
