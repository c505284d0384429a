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
// A day is one small record of counters, plus the day's per-title and
// per-reader counts, which are read only by the reports that show them
// (top titles and authors, classification, titles not borrowed, and active
// readers in the summary); those reports also read the titles borrowed.
// On the small scale library (500,000 loans over two years, 20,000 titles;
// bench_test.go with CIRCA_SCALE_DB) a year's loans, card types, classes,
// item types or hours cost 35–55 ms of CPU, the summary about 210 ms, the
// title-based reports 330–640 ms, and the whole dashboard about 0.8 s.
// scan_test.go keeps the old pass over every loan as the brute-force count
// the aggregates are tested against.
package reports
