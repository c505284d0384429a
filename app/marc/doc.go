// Package marc reads and writes library catalogue records in MARC: ISO 2709
// binary (MARC 21 and UNIMARC/CNMARC), MARCXML, and the MARC-8 character
// set, and maps records to the catalogue's plain Bib.
//
// # ISO 2709
//
// A record is a 24-byte leader, a directory and the field data:
//
//	leader    00714cam a2200205 a 4500
//	          ^^^^^ record length      ^ leader/09: ' ' MARC-8, 'a' UTF-8
//	                      ^^^^^ base address of data (leader/12-16)
//	directory 12 bytes per field: tag (3), length (4), offset (5), then 0x1E
//	data      control fields (tags 00X): text + 0x1E
//	          data fields: 2 indicators, then 0x1F code value ... + 0x1E
//	          record terminator 0x1D
//
// Lengths and offsets are in bytes, so a record cannot exceed 99,999
// bytes and a field 9,999.
//
// Reader splits its input at record terminators and checks each record
// against its own structure. Damage it can repair without guessing (a wrong
// record length, a base address contradicted by the directory, unordered
// directory entries, a missing final terminator, directory lengths off while
// the field terminators still delimit one field per entry) is repaired and
// listed in Record.Warnings. Anything else skips that record only: Read
// returns a *Damage with the record number and a Reason, and the next Read
// resumes after the next 0x1D. Typical loop:
//
//	r := marc.NewReader(f, marc.Options{})
//	for {
//		rec, err := r.Read()
//		if err == io.EOF {
//			break
//		}
//		if d, ok := marc.AsDamage(err); ok {
//			report(d.Record, d.Reason) // skipped; keep going
//			continue
//		}
//		if err != nil {
//			return err // the input itself failed
//		}
//		bib := marc.ToBib(rec, marc.Mapping{})
//		...
//	}
//
// NewAutoReader picks ISO 2709 or MARCXML by looking at the input, for an
// import dialog that accepts either.
//
// Reasons are typed codes for the UI to translate; the package has no
// sentences for staff.
//
// # Character sets
//
// Field text is decoded to UTF-8 as records are read. leader/09 'a' means
// UTF-8: invalid bytes become U+FFFD and a ReasonInvalidUTF8 warning.
// leader/09 blank means MARC-8 unless the data is valid multibyte UTF-8 with
// no escape sequences, which is read as UTF-8 with ReasonMisflaggedUTF8
// (exporters often forget the flag). UNIMARC records, whose leader/09 is
// undefined, are read as UTF-8, or as GB 18030 (GBK) when they are not
// valid UTF-8 but are valid GB 18030 holding Chinese text, as CNMARC
// exports from Chinese systems often are. Options.Encoding overrides all
// of this.
//
// MARC-8 is ISO 2022-like: G0 starts as ASCII and G1 as ANSEL (Extended
// Latin); escape sequences switch in Greek, Cyrillic, Hebrew, Arabic,
// subscripts, superscripts, Greek symbols or the 3-byte East Asian set EACC
// (ESC $ 1). ANSEL diacritics precede their base letter; the decoder moves
// them after it and normalises to NFC. The tables in marc8_tables.go are
// generated from the Library of Congress code tables by ./gen.
//
// # MARCXML
//
// XMLReader accepts MARC21 slim XML with or without namespace and prefix, a
// collection or a single record, and the UNIMARC slim dialect with short
// names (rec, lab, cf, df, sf) and embedded fields (s1). A subfield without
// a code is kept with an empty code and a ReasonSubfieldCode warning; XML
// that is not well-formed ends the input with a ReasonXML damage.
//
// # Bib
//
// ToBib maps MARC 21 (245, 1XX/7XX, 260/264, 020, 650, 082, 084 $2 clc,
// 520, 490, holdings 952/852) or UNIMARC (200, 70X, 210/214, 010, 606, 676,
// 690, 330, 225/410, holdings 995/905), detected per record or forced by
// Mapping.Format. MARC 21 880 fields carrying the original script (Chinese,
// Japanese ...) are preferred for title, authors and publisher; the
// romanized forms are kept in Bib.Romanized. Non-sorting markers (U+0088,
// U+0089, U+0098, U+009C) and ISBD punctuation are removed. BibToRecord
// builds a MARC 21 record from a Bib such that ToBib gives the Bib back.
package marc
