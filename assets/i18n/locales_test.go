package i18n

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEveryKeyInBothLanguages(t *testing.T) {
	for _, a := range Langs() {
		for _, b := range Langs() {
			for key := range embedded[a] {
				if _, ok := embedded[b][key]; !ok {
					t.Errorf("%q is in %s but missing from %s", key, a, b)
				}
			}
		}
	}
}

func TestPlaceholdersMatch(t *testing.T) {
	for key, en := range embedded[English] {
		zh, ok := embedded[Chinese][key]
		if !ok {
			continue // reported by TestEveryKeyInBothLanguages
		}
		want, got := sortedSet(placeholders(en)), sortedSet(placeholders(zh))
		if !slices.Equal(want, got) {
			t.Errorf("%q: English has placeholders %v, Chinese %v", key, want, got)
		}
	}
}

func TestNoEmptyTexts(t *testing.T) {
	for lang, msgs := range embedded {
		for key, text := range msgs {
			// Leading or trailing spaces are allowed: a prompt ends in ": ".
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s %q is empty", lang, key)
			}
			if key == "" || strings.ContainsAny(key, " \t\n{}") {
				t.Errorf("%s has a malformed key %q", lang, key)
			}
		}
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	tests := map[string]fstest.MapFS{
		"invalid JSON":      {"locales/a.en.json": {Data: []byte(`{"k": "v",}`)}},
		"not an object":     {"locales/a.en.json": {Data: []byte(`["k"]`)}},
		"number value":      {"locales/a.en.json": {Data: []byte(`{"k": 1}`)}},
		"trailing data":     {"locales/a.en.json": {Data: []byte(`{"k": "v"} {}`)}},
		"duplicate in file": {"locales/a.en.json": {Data: []byte(`{"k": "v", "k": "w"}`)}},
		"duplicate across files": {
			"locales/a.en.json": {Data: []byte(`{"k": "v"}`)},
			"locales/b.en.json": {Data: []byte(`{"k": "w"}`)},
		},
		"unknown language": {"locales/a.fr.json": {Data: []byte(`{"k": "v"}`)}},
		"no language":      {"locales/a.json": {Data: []byte(`{"k": "v"}`)}},
	}
	for name, fsys := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := load(fsys); err == nil {
				t.Error("load accepted it")
			}
		})
	}
	good := fstest.MapFS{
		"locales/a.en.json":      {Data: []byte(`{"k": "v"}`)},
		"locales/a.zh-Hans.json": {Data: []byte(`{"k": "值"}`)},
	}
	if m, err := load(good); err != nil || m[Chinese]["k"] != "值" {
		t.Errorf("load(good) = %v, %v", m, err)
	}
}

func sortedSet(names []string) []string {
	s := slices.Clone(names)
	slices.Sort(s)
	return slices.Compact(s)
}
