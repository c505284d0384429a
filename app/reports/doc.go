// Package reports computes the library's statistics: loans and returns over
// time, active readers, loans by card type, class, item type and
// grade and classification, top titles and authors, titles never borrowed
// or not borrowed since a day (the weeding lists), the overdue rate, how long holds wait, the busiest hours, each beside the previous
// period of equal length.
//
// Every figure comes from the aggregates app keeps in the same transaction
// as each loan: app.Daily, one record per day holding what the loans
// borrowed and returned that day add up to, so a year reads about 730
// records whatever the number of loans; and app.LoanDays, one record per
// title and per reader still linked, holding the days its loans went out,
// so the figures per title (top titles, classification, authors, the
// weeding lists) and the active readers read one small record per title
// and reader instead of one count per title per day. Classification and
// authors are the titles' as they stand now, from the titles' facets index
// (app.IdxTitleFacets), read in step with the loan days of the titles;
// holds are read one by one (there are few). Returns count on the day they
// happen, however long the loan was out. Anonymised loans count like any
// other: they keep card type, class and item type, and only stop counting
// as an active reader. No report names a reader or lists one reader's
// history. Loans by grade derive each class's grade at report time
// (grades.go); the weeding lists take each title's last loan day from its
// loan days and count the copies of the titles idle since (weeding.go).
//
// A report is a Table (named columns, rows of strings and numbers) with a
// Chart spec; chart.go draws charts as images, package export writes tables
// as CSV, XLSX and PDF.
//
// # Scale
//
// The reports that need them read every title's and reader's loan days and,
// for classification and authors, the facets key of every title: a few
// hundred thousand records on a large library. The loan days are walked in
// key order and parsed on every core (walk.go); the facets index, kept in
// title ID order, is read alongside them, so no title is decoded or looked
// up. On the full scale library (5,000,000 loans over two years, 200,000
// titles, 100,000 readers) a year's loans figure takes about 0.04 s, the
// figures per title and reader 0.2-0.5 s (0.9 s once, with a cold page
// cache) and the whole dashboard, both weeding lists included, under 1 s
// on two cores.
//
// scan_test.go keeps the old pass over every loan as the brute-force count
// the aggregates are tested against.
package reports
