package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

//go:embed locales/*.json
var locales embed.FS

// messages holds every text by language, then key.
type messages map[Lang]map[string]string

// embedded is the catalogue compiled into the binary. The tests check every
// locale file, so a broken one cannot get past them to fail here at start-up.
var embedded = mustLoad(locales)

func mustLoad(fsys fs.FS) messages {
	m, err := load(fsys)
	if err != nil {
		panic("i18n: " + err.Error())
	}
	return m
}

// load reads locales/<area>.<lang>.json from fsys. It refuses unknown
// languages, malformed JSON, non-string values and a key defined twice.
func load(fsys fs.FS) (messages, error) {
	files, err := fs.Glob(fsys, "locales/*.json")
	if err != nil {
		return nil, err
	}
	m := messages{}
	for _, l := range Langs() {
		m[l] = map[string]string{}
	}
	definedIn := map[Lang]map[string]string{} // lang → key → file
	for _, file := range files {
		area, tag, ok := strings.Cut(strings.TrimSuffix(path.Base(file), ".json"), ".")
		lang := Lang(tag)
		if _, known := m[lang]; !ok || area == "" || !known {
			return nil, fmt.Errorf("%s: want locales/<area>.<lang>.json with lang one of %v", file, Langs())
		}
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		entries, err := decodeFlat(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if definedIn[lang] == nil {
			definedIn[lang] = map[string]string{}
		}
		for _, e := range entries {
			if prev, dup := definedIn[lang][e.key]; dup {
				return nil, fmt.Errorf("%s: key %q already defined in %s", file, e.key, prev)
			}
			definedIn[lang][e.key] = file
			m[lang][e.key] = e.text
		}
	}
	return m, nil
}

type entry struct{ key, text string }

// decodeFlat reads one JSON object of string values, keeping duplicate keys
// (which encoding/json would silently merge) so load can reject them.
func decodeFlat(data []byte) ([]entry, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("want a JSON object of strings")
	}
	var entries []entry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string) // object keys are always strings
		var text string
		if err := dec.Decode(&text); err != nil {
			return nil, fmt.Errorf("key %q: want a string: %w", key, err)
		}
		entries = append(entries, entry{key, text})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the object")
	}
	return entries, nil
}
