// Package reports computes the library's statistics: loans and returns over
// time, active readers, loans by card type, class, item type and
// classification, top titles and authors, titles not borrowed, the overdue
// rate, how long holds wait, the busiest hours, each beside the previous
// period of equal length.
//
// Every figure comes from one pass over the loans borrowed in the two periods
// (the loan_out index, whose keys are RFC 3339 check-out times, gives exactly
// those), so a whole dashboard costs what one figure costs. Anonymised loans
// count like any other: they keep card type, class and item type. No report
// names a reader or lists one reader's history.
//
// A report is a Table (named columns, rows of strings and numbers) with a
// Chart spec; chart.go draws charts as images, package export writes tables
// as CSV, XLSX and PDF.
//
// # Scale
//
// The pass decodes every loan of the two periods (plus ReturnLookbackDays
// before them, for returns): about 13–19 µs of CPU per loan on the shared
// build machines (see bench_test.go), so a year of a school library (tens of
// thousands of loans) takes well under a second, but a year of the scale
// library (2.5 million loans a year) takes minutes. Meeting "a year in under
// a second" there needs running aggregates kept by app in the same
// transaction as the loan: a local, derived bucket keyed by check-out day
// holding that day's counts (loans, renewals, by card type, class, item
// type, hour, open loans by due day, returns by return day and hour) and,
// in compact binary, its title IDs with counts and its reader IDs, rebuilt
// for a day whenever a checkout, checkin, renewal, loss, import or
// anonymisation touches a loan of that day. A year then reads 730 small
// records instead of millions of loans.
package reports
