// Package importer brings catalogues and reader lists into a library: MARC
// (ISO 2709 MARC21 and UNIMARC/CNMARC, MARCXML) and spreadsheets (CSV and
// XLSX) of titles and copies or of readers. Every import can be previewed
// first (counts, damaged records, duplicates) without writing anything; the
// real run writes in batches, each whole or absent, reports progress, and
// stops cleanly when cancelled.
package importer
