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
package reports
