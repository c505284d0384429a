// Package export writes Circa's data out: reports as CSV, XLSX and PDF; the
// catalogue, readers, loans and fines as CSV and XLSX; copy barcode labels,
// spine labels and reader cards as PDF on configurable label sheets.
//
// Data exports stream: they read one record at a time in the caller's
// transaction and write rows as they go (XLSX through excelize's
// StreamWriter, which spills to a temporary file), so memory stays bounded
// however large the library. CSV starts with a UTF-8 byte order mark so that
// Excel shows Chinese correctly.
//
// Rows are read with a small decoder of flat JSON fields (flatjson.go)
// instead of encoding/json, and titles are read once, in one pass, up to a
// fixed number of them. XLSX is compressed at flate's best speed. On the
// small scale library (100,000 copies; bench_test.go with CIRCA_SCALE_DB)
// the copies export costs about 2.4–3.7 µs of CPU a row as CSV (it was 8.1)
// and 15 µs as XLSX (it was 22–31): a million copies in about 3 s and 15–30
// s, on a machine shared with other work.
//
// Exports that contain readers' personal data (readers, loans, fines) need
// app.PermExportReaders and are recorded in the audit log.
//
// PDFs use the embedded Noto Sans SC. fpdf embeds only TrueType outlines and
// the embedded font is CFF, so each document converts the glyphs it uses
// (internal/ttf), a few milliseconds per document.
package export
