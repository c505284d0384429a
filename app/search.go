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
// text as single characters ("u:") and character bigrams ("c:"), and every run
// of Chinese characters also by its pinyin initials ("p:"), so that "xyj"
// finds 西游记 and "zs" finds 张三.
const (
	tokWord    = "w:"
	tokUnigram = "u:"
	tokBigram  = "c:"
	tokPinyin  = "p:"
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
// and of letters/digits.
func textRuns(s string) (words []string, han []string) {
	s = strings.ToLower(norm.NFKC.String(s))
	var cur []rune
	curHan := false
	flush := func() {
		if len(cur) == 0 {
			return
		}
		if curHan {
			han = append(han, string(cur))
		} else {
			words = append(words, string(cur))
		}
		cur = cur[:0]
	}
	for _, r := range s {
		switch {
		case isHan(r):
			if !curHan {
				flush()
			}
			curHan = true
			cur = append(cur, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if curHan {
				flush()
			}
			curHan = false
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return words, han
}

// pinyinInitials returns the initials of a run of Han characters.
func pinyinInitials(run string) string {
	b := make([]byte, 0, len(run)/3)
	for _, r := range run {
		if c := pinyinInitial(r); c != 0 {
			b = append(b, c)
		}
	}
	return string(b)
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
	var out []string
	for _, text := range texts {
		words, han := textRuns(text)
		for _, w := range words {
			out = append(out, tokWord+clip(w))
		}
		for _, run := range han {
			// Han runs hold no invalid UTF-8 (textRuns rebuilt them from
			// runes), so byte offsets of runes slice them safely.
			prev := -1
			for i, r := range run {
				size := utf8.RuneLen(r)
				out = append(out, tokUnigram+run[i:i+size])
				if prev >= 0 {
					out = append(out, tokBigram+run[prev:i+size])
				}
				prev = i
			}
			if p := pinyinInitials(run); p != "" {
				out = append(out, tokPinyin+clip(p))
			}
		}
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
			terms = append(terms, queryTerm{{tokUnigram + run, false}})
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
