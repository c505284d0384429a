package marc

import (
	"fmt"
	"strings"
)

// BibToRecord builds a MARC21 record (UTF-8) from a Bib, so a catalogue
// can export what it holds. ToBib of the result gives the Bib back.
// Original-script values with romanized alternates become 880 fields
// linked to their romanized counterparts. Holdings go to Koha-style 952.
func BibToRecord(b *Bib) *Record {
	rec := &Record{Leader: "00000nam a2200000 i 4500"}
	add := func(f Field) { rec.Fields = append(rec.Fields, f) }
	sub := func(code, value string) Subfield { return Subfield{Code: code, Value: value} }
	var alt []Field // 880s, written after the fields they belong to
	link := func(f *Field, orig Field) {
		occ := fmt.Sprintf("%02d", len(alt)+1)
		f.Subfields = append([]Subfield{sub("6", "880-"+occ)}, f.Subfields...)
		orig.Subfields = append([]Subfield{sub("6", f.Tag+"-"+occ)}, orig.Subfields...)
		orig.Tag, orig.Ind1, orig.Ind2 = "880", f.Ind1, f.Ind2
		alt = append(alt, orig)
	}

	lang := b.Language
	if len(lang) != 3 {
		lang = "   "
	}
	year := "    "
	if len(b.Year) == 4 && isDigits(b.Year) {
		year = b.Year
	}
	add(Field{Tag: "008", Value: "      s" + year + "    xx            000 0 " + lang + " d"})
	for i, isbn := range b.ISBNs {
		f := Field{Tag: "020", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{sub("a", isbn)}}
		if i < len(b.ISBNQualifiers) && b.ISBNQualifiers[i] != "" {
			f.Subfields = append(f.Subfields, sub("q", b.ISBNQualifiers[i]))
		}
		add(f)
	}
	if b.Language != "" && len(b.Language) != 3 {
		add(Field{Tag: "041", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{sub("a", b.Language)}})
	}
	if b.Dewey != "" {
		add(Field{Tag: "082", Ind1: '0', Ind2: '4', Subfields: []Subfield{sub("a", b.Dewey)}})
	}
	if b.CLC != "" {
		add(Field{Tag: "084", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{sub("a", b.CLC), sub("2", "clc")}})
	}
	if b.CallNumber != "" {
		add(Field{Tag: "090", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{sub("a", b.CallNumber)}})
	}
	authorField := func(tag string, i int) {
		name := b.Authors[i]
		roman := ""
		if i < len(b.Romanized.Authors) {
			roman = b.Romanized.Authors[i]
		}
		f := Field{Tag: tag, Ind1: '1', Ind2: ' ', Subfields: []Subfield{sub("a", name)}}
		if roman != "" {
			orig := f
			orig.Subfields = []Subfield{sub("a", name)}
			f.Subfields = []Subfield{sub("a", roman)}
			add(f)
			link(&rec.Fields[len(rec.Fields)-1], orig)
			return
		}
		add(f)
	}
	if len(b.Authors) > 0 {
		authorField("100", 0)
	}
	title := Field{Tag: "245", Ind1: '0', Ind2: '0', Subfields: titleSubfields(b.Title, b.Subtitle)}
	if len(b.Authors) > 0 {
		title.Ind1 = '1'
	}
	if b.Romanized.Title != "" || b.Romanized.Subtitle != "" {
		orig := title
		title.Subfields = titleSubfields(b.Romanized.Title, b.Romanized.Subtitle)
		add(title)
		link(&rec.Fields[len(rec.Fields)-1], orig)
	} else if b.Title != "" || b.Subtitle != "" {
		add(title)
	}
	if b.Place != "" || b.Publisher != "" || b.Year != "" {
		pub := Field{Tag: "264", Ind1: ' ', Ind2: '1', Subfields: pubSubfields(b.Place, b.Publisher, b.Year)}
		if b.Romanized.Place != "" || b.Romanized.Publisher != "" {
			orig := pub
			pub.Subfields = pubSubfields(b.Romanized.Place, b.Romanized.Publisher, b.Year)
			add(pub)
			link(&rec.Fields[len(rec.Fields)-1], orig)
		} else {
			add(pub)
		}
	}
	if b.Series != "" {
		add(Field{Tag: "490", Ind1: '0', Ind2: ' ', Subfields: []Subfield{sub("a", b.Series)}})
	}
	if b.Summary != "" {
		add(Field{Tag: "520", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{sub("a", b.Summary)}})
	}
	for _, s := range b.Subjects {
		f := Field{Tag: "650", Ind1: ' ', Ind2: '4'}
		for i, part := range strings.Split(s, " -- ") {
			code := "x"
			if i == 0 {
				code = "a"
			}
			f.Subfields = append(f.Subfields, sub(code, part))
		}
		add(f)
	}
	for i := 1; i < len(b.Authors); i++ {
		authorField("700", i)
	}
	rec.Fields = append(rec.Fields, alt...)
	for _, h := range b.Holdings {
		f := Field{Tag: "952", Ind1: ' ', Ind2: ' '}
		for _, p := range []struct{ code, v string }{{"a", h.Location}, {"o", h.CallNumber}, {"p", h.Barcode}, {"g", h.Price}, {"y", h.ItemType}} {
			if p.v != "" {
				f.Subfields = append(f.Subfields, sub(p.code, p.v))
			}
		}
		add(f)
	}
	return rec
}

// titleSubfields gives 245 $a and $b with ISBD punctuation.
func titleSubfields(title, subtitle string) []Subfield {
	if subtitle == "" {
		return []Subfield{{Code: "a", Value: title}}
	}
	return []Subfield{{Code: "a", Value: title + " :"}, {Code: "b", Value: subtitle}}
}

// pubSubfields gives 264 $a $b $c with ISBD punctuation.
func pubSubfields(place, publisher, year string) []Subfield {
	var out []Subfield
	if place != "" {
		out = append(out, Subfield{Code: "a", Value: place + " :"})
	}
	if publisher != "" {
		out = append(out, Subfield{Code: "b", Value: publisher + ","})
	}
	if year != "" {
		out = append(out, Subfield{Code: "c", Value: year})
	}
	return out
}
