// Package bench measures Circa on a generated library and reports every
// figure the issues set a target for, beside the bare bbolt floor measured
// in the same run. cmd/circa-bench (make bench, make bench-small) runs it.
// Figures are printed and written as JSON; they are never asserted.
package bench
