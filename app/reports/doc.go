// Package reports computes the library's statistics: loans and returns over
// time, active readers, loans by card type, class, item type and
// grade and classification, top titles and authors, titles never borrowed
// or not borrowed since a day (the weeding lists), the overdue rate, how long holds wait, the busiest hours, each beside the previous
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
// report names a reader or lists one reader's history. Loans by grade
// derive each class's grade at report time (grades.go); the weeding lists
// read every day's per-title counts, which cost what the loans per day cost
// (weeding.go).
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
// item types or hours cost 35–55 ms of CPU, grades about 100 ms, the summary
// about 210 ms, the title-based reports 330–640 ms, the never-borrowed list
// about 150 ms (of which a third reading titles with copies), and the whole
// dashboard, both weeding lists included, about 1.25 s of CPU (measured on a
// machine shared with other builds; the weeding lists added about 0.25 s).
// The weeding lists grow with the loans: about ten times as much on 5M loans.
// scan_test.go keeps the old pass over every loan as the brute-force count
// the aggregates are tested against.
package reports
