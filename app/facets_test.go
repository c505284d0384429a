package app_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/circa-library/circa/app"
)

func TestTitleFacetsRoundTrip(t *testing.T) {
	long := strings.Repeat("长", 200) // 600 bytes
	cases := []struct {
		title      app.Title
		clc, dewey string
		authors    []string
	}{
		{app.Title{}, "", "", nil},
		{app.Title{CLC: " I242.4 ", Authors: []string{"吴承恩"}}, "I242.4", "", []string{"吴承恩"}},
		{app.Title{Dewey: "813.54", Authors: []string{"Frank Herbert", " ", "Brian\x1fHerbert"}},
			"", "813.54", []string{"Frank Herbert", "Brian Herbert"}},
		{app.Title{CLC: "K\x1f8", Dewey: "9\x1f", Authors: []string{""}}, "K 8", "9", nil},
		// Past maxFacetsKey the remaining authors are left out.
		{app.Title{CLC: "I", Authors: []string{long, long, long, long, "short"}}, "I", "", []string{long, long, long}},
	}
	for i, c := range cases {
		c.title.ID = "019b8b74-1800-701a-a862-b3c9e6c0b035"
		key := app.TitleFacetsKey(&c.title)
		if len(key) > 2048 {
			t.Errorf("case %d: key of %d bytes", i, len(key))
		}
		var authors []string
		clc, dewey, ok := app.TitleFacets(c.title.ID, key, func(a string) { authors = append(authors, a) })
		if !ok || clc != c.clc || dewey != c.dewey || !slices.Equal(authors, c.authors) {
			t.Errorf("case %d: read back %q %q %q, want %q %q %q", i, clc, dewey, authors, c.clc, c.dewey, c.authors)
		}
	}
}

func TestTitleIndexesKeepFacetsWhenDeleted(t *testing.T) {
	ti := &app.Title{Meta: app.Meta{ID: "t", Deleted: true}, Title: "Gone", CLC: "K", ISBNs: []string{"9787020002207"}}
	got := ti.Indexes()
	want := []app.IndexEntry{{Index: app.IdxTitleFacets, Key: "t\x1fK\x1f"}}
	if !slices.Equal(got, want) {
		t.Errorf("Indexes of a deleted title = %v, want %v", got, want)
	}
}

func FuzzTitleFacets(f *testing.F) {
	f.Add("t1", "I242.4", "895.1", "吴承恩", "")
	f.Add("t\x1f2", "\x1f", "", "a\x1fb", " ")
	f.Fuzz(func(t *testing.T, id, clc, dewey, a1, a2 string) {
		ti := &app.Title{Meta: app.Meta{ID: id}, CLC: clc, Dewey: dewey, Authors: []string{a1, a2}}
		key := app.TitleFacetsKey(ti)
		if len(id) > 1000 {
			return // IDs are short; a long one leaves no room for what the test checks
		}
		var authors []string
		gotCLC, gotDewey, ok := app.TitleFacets(id, key, func(a string) { authors = append(authors, a) })
		if !ok {
			t.Fatalf("key %q not read as title %q's", key, id)
		}
		clean := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\x1f", " ")) }
		if !strings.HasPrefix(clean(clc), gotCLC) || !strings.HasPrefix(clean(dewey), gotDewey) ||
			len(clean(clc)) < 64 && gotCLC != clean(clc) || len(clean(dewey)) < 64 && gotDewey != clean(dewey) {
			t.Fatalf("classes %q %q from %q %q", gotCLC, gotDewey, clc, dewey)
		}
		if len(key) > 2048 {
			t.Fatalf("key of %d bytes", len(key))
		}
		var want []string
		full := len(id) + 1 + len(gotCLC) + 1 + len(gotDewey)
		for _, a := range []string{a1, a2} {
			if a = clean(a); a != "" {
				want = append(want, a)
				full += 1 + len(a)
			}
		}
		if full <= 2048 && !slices.Equal(authors, want) {
			t.Fatalf("authors %q, want %q", authors, want)
		}
	})
}
