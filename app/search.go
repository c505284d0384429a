package app

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"
)

// Search tokens. Latin words and numbers are indexed whole ("w:"), Chinese
// text as character bigrams ("c:") and the last character of each run of
// Chinese characters alone ("c:" too), and every run also by its pinyin
// initials ("p:"), so that "xyj" finds 西游记 and "zs" finds 张三. Every
// character is then the first of some "c:" key, so a one-character query is
// a prefix search: 游 finds 西游记 by 游记, 记 by the key 记 alone. That
// finds what a key per character would, with a third fewer keys to write
// for each Chinese title.
const (
	tokWord   = "w:"
	tokBigram = "c:"
	tokPinyin = "p:"
)

// maxTokenLen bounds one index key so a pasted essay cannot bloat the index.
const maxTokenLen = 64

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.FirstLetter
	a.Fallback = func(r rune, a pinyin.Args) []string { return nil }
	return a
}()

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// textRuns splits normalised, lower-cased text into runs of Han characters
// and of letters/digits, each a substring of the normalised text.
func textRuns(s string) (words []string, han []string) {
	s = strings.ToLower(norm.NFKC.String(s))
	start, curHan := -1, false
	flush := func(end int) {
		switch {
		case start < 0:
		case curHan:
			han = append(han, s[start:end])
		default:
			words = append(words, s[start:end])
		}
		start = -1
	}
	for i, r := range s {
		switch {
		case isHan(r):
			if start >= 0 && !curHan {
				flush(i)
			}
			if start < 0 {
				start, curHan = i, true
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start >= 0 && curHan {
				flush(i)
			}
			if start < 0 {
				start, curHan = i, false
			}
		default:
			flush(i)
		}
	}
	flush(len(s))
	return words, han
}

// appendPinyinInitials appends the initials of a run of Han characters to b.
func appendPinyinInitials(b []byte, run string) []byte {
	for _, r := range run {
		if c := pinyinInitial(r); c != 0 {
			b = append(b, c)
		}
	}
	return b
}

// initials caches pinyinInitial per character (rune → byte, 0 for none):
// go-pinyin styles every reading through regular expressions, which made
// it the larger half of indexing a Chinese title.
var initials sync.Map

// pinyinInitial returns the first letter of r's first reading, or 0 when
// go-pinyin knows none. Readings are per character, so a run's initials
// are its characters' initials in order.
func pinyinInitial(r rune) byte {
	if c, ok := initials.Load(r); ok {
		return c.(byte)
	}
	var c byte
	if ps := pinyin.LazyPinyin(string(r), pinyinArgs); len(ps) > 0 && ps[0] != "" {
		c = ps[0][0]
	}
	initials.Store(r, c)
	return c
}

func clip(s string) string {
	if len(s) <= maxTokenLen {
		return s
	}
	for i := maxTokenLen; i > 0; i-- {
		if isRuneStart(s[i]) {
			return s[:i]
		}
	}
	return s[:maxTokenLen]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// SearchTokens returns the index tokens of text, sorted and without repeats.
func SearchTokens(texts ...string) []string {
	// The tokens are written one after the other into buf and cut from it
	// at ends: one string for all of them, not one per token.
	n := 0
	for _, text := range texts {
		n += len(text)
	}
	buf := make([]byte, 0, 4*n)
	ends := make([]int, 0, n/2+1)
	add := func(prefix, tok string) {
		buf = append(append(buf, prefix...), tok...)
		ends = append(ends, len(buf))
	}
	for _, text := range texts {
		words, han := textRuns(text)
		for _, w := range words {
			add(tokWord, clip(w))
		}
		for _, run := range han {
			// Han runs are whole runes of valid UTF-8 (textRuns keeps
			// nothing else), so rune offsets slice them safely.
			prev := -1
			for i, r := range run {
				if prev >= 0 {
					add(tokBigram, run[prev:i+utf8.RuneLen(r)])
				}
				prev = i
			}
			add(tokBigram, run[prev:])
			start := len(buf)
			buf = appendPinyinInitials(append(buf, tokPinyin...), run)
			if initials := len(buf) - start - len(tokPinyin); initials == 0 {
				buf = buf[:start]
			} else {
				// Initials are ASCII: clipping is cutting.
				buf = buf[:start+len(tokPinyin)+min(initials, maxTokenLen)]
				ends = append(ends, len(buf))
			}
		}
	}
	all := string(buf)
	out := make([]string, len(ends))
	start := 0
	for i, end := range ends {
		out[i], start = all[start:end], end
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TitleTokens are the search tokens of a title: its title, subtitle,
// authors, series, publisher, ISBNs and call numbers.
func TitleTokens(t *Title) []string {
	texts := []string{t.Title, t.Subtitle, t.Series, t.Publisher, t.CallNumber, t.CLC}
	texts = append(texts, t.Authors...)
	texts = append(texts, t.ISBNs...)
	return SearchTokens(texts...)
}

// ReaderTokens are the search tokens of a reader: name, card and class.
func ReaderTokens(r *Reader) []string {
	return SearchTokens(r.Name, r.Card, r.Class, r.Phone)
}

// queryTerm is one word of a search: any of its alternatives may match, each
// exactly or as a prefix.
type queryTerm []queryAlt

type queryAlt struct {
	token  string
	prefix bool
}

// parseQuery turns what someone typed into terms that must all match.
func parseQuery(q string) []queryTerm {
	words, han := textRuns(q)
	var terms []queryTerm
	for _, w := range words {
		w = clip(w)
		terms = append(terms, queryTerm{{tokWord + w, true}, {tokPinyin + w, true}})
	}
	for _, run := range han {
		rs := []rune(run)
		if len(rs) == 1 {
			terms = append(terms, queryTerm{{tokBigram + run, true}})
			continue
		}
		for i := 0; i+1 < len(rs); i++ {
			terms = append(terms, queryTerm{{tokBigram + string(rs[i:i+2]), false}})
		}
	}
	return terms
}

// maxPrefixKeys bounds how many index keys one prefix may expand to, so a
// one-letter query stays fast on a large catalogue.
const maxPrefixKeys = 20000

// searchIndex returns the IDs matching every term of q in index, best-first
// by how exactly the terms matched, at most limit.
func searchIndex(tx Tx, index, q string, limit int) ([]string, error) {
	terms := parseQuery(q)
	if len(terms) == 0 {
		return nil, nil
	}
	var result map[string]int // id → score
	for _, term := range terms {
		matched := map[string]int{}
		for _, alt := range term {
			if !alt.prefix {
				ids, err := tx.Lookup(index, alt.token)
				if err != nil {
					return nil, err
				}
				for _, id := range ids {
					matched[id] += 2
				}
				continue
			}
			n := 0
			err := tx.Scan(index, alt.token, alt.token+"\xff", func(key, id string) error {
				n++
				if n > maxPrefixKeys {
					return ErrStop
				}
				score := 1
				if key == alt.token {
					score = 2
				}
				if matched[id] < score {
					matched[id] = score
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
		if result == nil {
			result = matched
			continue
		}
		for id, s := range result {
			if m, ok := matched[id]; ok {
				result[id] = s + m
			} else {
				delete(result, id)
			}
		}
		if len(result) == 0 {
			return nil, nil
		}
	}
	ids := make([]string, 0, len(result))
	for id := range result {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if result[ids[i]] != result[ids[j]] {
			return result[ids[i]] > result[ids[j]]
		}
		return ids[i] < ids[j]
	})
	if limit > 0 && len(ids) > limit {
		ids = ids[:limit]
	}
	return ids, nil
}
