// Package reports computes the library's statistics: loans and returns over
// time, active readers, loans by card type, class, item type and
// classification, top titles and authors, titles not borrowed, the overdue
// rate, how long holds wait, the busiest hours, each beside the previous
// period of equal length.
//
// Every figure comes from the daily aggregates app keeps in the same
// transaction as each loan (app.Daily: one record per day holding what the
// loans borrowed and returned that day add up to), so a year reads about
// 730 records whatever the number of loans, and a whole dashboard costs
// what one figure costs. Classification and authors are joined from the
// titles borrowed, as the titles stand now; holds are read one by one
// (there are few). Returns count on the day they happen, however long the
// loan was out. Anonymised loans count like any other: they keep card type,
// class and item type, and only stop counting as an active reader. No
// report names a reader or lists one reader's history.
//
// A report is a Table (named columns, rows of strings and numbers) with a
// Chart spec; chart.go draws charts as images, package export writes tables
// as CSV, XLSX and PDF.
//
// # Scale
//
// Reading a day costs its size: a few kilobytes for a school library, a few
// hundred for the scale library's busiest days, whose per-title and
// per-reader counts dominate. bench_test.go measures a year and a whole
// dashboard; scan_test.go keeps the old pass over every loan as the
// brute-force count the aggregates are tested against.
package reports
