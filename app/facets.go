package app

import "strings"

// IdxTitleFacets indexes every title, withdrawn ones too, under what the
// statistics count its loans by: its 中图法 and Dewey numbers and its
// authors, packed into one key after the title's ID (TitleFacetsKey), so
// the index reads in title ID order. Reports read it side by side with the
// per-title loan days, which are in the same order, instead of decoding
// every title borrowed. One key rather than one per facet keeps the cost
// to an import at one more index write per title.
const IdxTitleFacets = "title_facets"

// facetSep separates the parts of a facets key. Titles are text from
// people and MARC files, where the unit separator is MARC's subfield
// delimiter: inside a value it is read as a space.
const facetSep = "\x1f"

// maxFacetsKey bounds a facets key, in bytes: authors past it are left out
// of the statistics (a title with dozens of authors keeps the first ones).
// Class numbers are cut to maxTokenLen first; reports read their first
// characters only.
const maxFacetsKey = 2048

// TitleFacetsKey is the IdxTitleFacets key of t: its ID, CLC, Dewey, then
// each author, separated by facetSep.
func TitleFacetsKey(t *Title) string {
	var b strings.Builder
	b.WriteString(t.ID)
	b.WriteString(facetSep)
	b.WriteString(clip(facetValue(t.CLC)))
	b.WriteString(facetSep)
	b.WriteString(clip(facetValue(t.Dewey)))
	for _, a := range t.Authors {
		a = facetValue(a)
		if a == "" {
			continue
		}
		if b.Len()+len(facetSep)+len(a) > maxFacetsKey {
			break
		}
		b.WriteString(facetSep)
		b.WriteString(a)
	}
	return b.String()
}

// facetValue is s as a facets key holds it: trimmed, with no separator.
func facetValue(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, facetSep, " ")) }

// TitleFacets undoes TitleFacetsKey for the key of title id: each is
// called with every author, and the strings are slices of key. ok is false
// for a key that is not id's.
func TitleFacets(id, key string, each func(author string)) (clc, dewey string, ok bool) {
	rest, ok := strings.CutPrefix(key, id+facetSep)
	if !ok {
		return "", "", false
	}
	clc, rest, _ = strings.Cut(rest, facetSep)
	dewey, rest, more := strings.Cut(rest, facetSep)
	for more {
		var a string
		a, rest, more = strings.Cut(rest, facetSep)
		if each != nil {
			each(a)
		}
	}
	return clc, dewey, true
}
