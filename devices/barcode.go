package devices

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/errors"
)

// Kind is what a scanned code identifies.
type Kind string

// Kinds of code. KindUnknown is what no rule matched: Circa never guesses.
const (
	KindUnknown Kind = "unknown"
	KindCopy    Kind = "copy"
	KindReader  Kind = "reader"
	KindISBN    Kind = "isbn"
)

// Check digit schemes a Rule can require.
const (
	CheckNone  = ""
	CheckISBN  = "isbn"  // ISBN-13 (EAN-13 with prefix 978 or 979) or ISBN-10; the code becomes the ISBN-13
	CheckEAN13 = "ean13" // any EAN-13
	CheckLuhn  = "luhn"  // mod 10 "Luhn", used by many library card and item numbering schemes
)

// Rule recognises one family of codes. Every condition set must hold; the
// first rule in Rules whose conditions hold decides the Kind.
type Rule struct {
	Name      string    `json:"name,omitempty"`
	Kind      Kind      `json:"kind"`
	Prefixes  []string  `json:"prefixes,omitempty"`   // the code starts with one of these
	MinLength int       `json:"min_length,omitempty"` // characters in the whole code
	MaxLength int       `json:"max_length,omitempty"`
	Digits    bool      `json:"digits,omitempty"` // what follows the prefix is all digits
	Range     *NumRange `json:"range,omitempty"`  // numeric value of what follows the prefix
	Check     string    `json:"check,omitempty"`  // one of the Check constants
	Rewrite   Rewrite   `json:"rewrite,omitempty"`
}

// NumRange is an inclusive range of numbers.
type NumRange struct {
	Min uint64 `json:"min"`
	Max uint64 `json:"max"`
}

// Rewrite turns a matched code into the form the catalogue stores, in this
// order: drop the matched prefix, pad the rest with zeros, upper-case, add
// Prefix. For example {Prefix: "T"} turns 000123 into T000123.
type Rewrite struct {
	StripPrefix bool   `json:"strip_prefix,omitempty"`
	PadTo       int    `json:"pad_to,omitempty"`
	Upper       bool   `json:"upper,omitempty"`
	Prefix      string `json:"prefix,omitempty"`
}

// Rules is the ordered list of rules a library configures; it is stored in
// the settings as JSON.
type Rules struct {
	Version int    `json:"version"`
	Rules   []Rule `json:"rules"`
}

// RulesVersion is the current version of the Rules JSON format.
const RulesVersion = 1

// Problem says why a code that resembles a kind was still not accepted.
type Problem string

// Problems. ProblemNone on a match, and on an unknown code that resembles
// nothing.
const (
	ProblemNone     Problem = ""
	ProblemChecksum Problem = "checksum" // a rule matched all but its check digit
)

// Result is the classification of one scanned code.
type Result struct {
	Kind    Kind
	Code    string // the code after the rule's rewrite; the trimmed input when unknown
	Raw     string // the text as scanned
	Rule    string // Name of the rule that matched
	Near    Kind   // for KindUnknown with a Problem: the kind it resembled
	Problem Problem
}

// DefaultRules recognises ISBNs only; copy and reader numbering differ from
// library to library and are set up by the user.
func DefaultRules() Rules {
	return Rules{Version: RulesVersion, Rules: []Rule{{Name: "isbn", Kind: KindISBN, Check: CheckISBN}}}
}

// ParseRules reads rules from JSON and validates them.
func ParseRules(data []byte) (Rules, error) {
	var rs Rules
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rs); err != nil {
		return Rules{}, errors.Mark(errors.Wrap(err, "decode barcode rules"), ErrBadRule)
	}
	if err := rs.Validate(); err != nil {
		return Rules{}, err
	}
	return rs, nil
}

// RuleError tells the UI which rule and which setting is wrong. It wraps
// ErrBadRule.
type RuleError struct {
	Index int    // position in Rules.Rules
	Field string // JSON name of the offending setting
}

func (e *RuleError) Error() string {
	return "devices: invalid barcode rule " + strconv.Itoa(e.Index) + ": " + e.Field
}

// Is makes errors.Is(err, ErrBadRule) hold.
func (e *RuleError) Is(target error) bool { return target == ErrBadRule }

// Validate checks every rule; the first fault comes back as a *RuleError.
func (rs Rules) Validate() error {
	if rs.Version > RulesVersion {
		return &RuleError{Index: -1, Field: "version"}
	}
	for i, r := range rs.Rules {
		bad := func(field string) error { return &RuleError{Index: i, Field: field} }
		switch {
		case r.Kind != KindCopy && r.Kind != KindReader && r.Kind != KindISBN:
			return bad("kind")
		case r.MinLength < 0 || r.MaxLength < 0 || (r.MaxLength > 0 && r.MinLength > r.MaxLength):
			return bad("max_length")
		case r.Range != nil && (!r.Digits || r.Range.Min > r.Range.Max):
			return bad("range")
		case r.Check != CheckNone && r.Check != CheckISBN && r.Check != CheckEAN13 && r.Check != CheckLuhn:
			return bad("check")
		case r.Rewrite.PadTo < 0 || r.Rewrite.PadTo > 64:
			return bad("pad_to")
		}
	}
	return nil
}

// Classify finds the first rule that matches the scanned text and returns
// the rewritten code. Nothing matching gives KindUnknown.
func (rs Rules) Classify(text string) Result {
	code := strings.TrimSpace(text)
	res := Result{Kind: KindUnknown, Code: code, Raw: text}
	if code == "" {
		return res
	}
	for _, r := range rs.Rules {
		out, ok, checksumOnly := r.match(code)
		if ok {
			return Result{Kind: r.Kind, Code: out, Raw: text, Rule: r.Name}
		}
		if checksumOnly && res.Problem == ProblemNone {
			res.Near, res.Problem = r.Kind, ProblemChecksum
		}
	}
	return res
}

// match applies one rule. checksumOnly reports a code that met every
// condition but the check digit.
func (r *Rule) match(code string) (out string, ok, checksumOnly bool) {
	body := code
	if len(r.Prefixes) > 0 {
		found := false
		for _, p := range r.Prefixes {
			if strings.HasPrefix(code, p) {
				body, found = code[len(p):], true
				break
			}
		}
		if !found {
			return "", false, false
		}
	}
	n := utf8.RuneCountInString(code)
	if n < r.MinLength || (r.MaxLength > 0 && n > r.MaxLength) {
		return "", false, false
	}
	if r.Digits && !allDigits(body) {
		return "", false, false
	}
	if r.Range != nil {
		v, err := strconv.ParseUint(body, 10, 64)
		if err != nil || v < r.Range.Min || v > r.Range.Max {
			return "", false, false
		}
	}
	switch r.Check {
	case CheckISBN:
		isbn, shaped := ISBN13(code)
		if isbn == "" {
			return "", false, shaped
		}
		code, body = isbn, isbn
	case CheckEAN13:
		if len(code) != 13 || !allDigits(code) {
			return "", false, false
		}
		if !validEAN13(code) {
			return "", false, true
		}
	case CheckLuhn:
		if !allDigits(code) {
			return "", false, false
		}
		if !validLuhn(code) {
			return "", false, true
		}
	}
	return r.Rewrite.apply(code, body), true, false
}

func (w Rewrite) apply(code, body string) string {
	out := code
	if w.StripPrefix {
		out = body
	}
	if pad := w.PadTo - len(out); pad > 0 {
		out = strings.Repeat("0", pad) + out
	}
	if w.Upper {
		out = strings.ToUpper(out)
	}
	return w.Prefix + out
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ISBN13 returns the ISBN-13 of a scanned or typed ISBN: an EAN-13 with
// prefix 978 or 979 (optionally followed by a 2- or 5-digit price add-on, as
// scanners send book barcodes) or an ISBN-10, hyphens and spaces allowed.
// It returns "" when the code is not a valid ISBN; shaped then says whether
// it had the shape of one and failed only on its check digit.
func ISBN13(s string) (isbn string, shaped bool) {
	s = strings.NewReplacer("-", "", " ", "").Replace(s)
	if (len(s) == 15 || len(s) == 18) && allDigits(s) {
		s = s[:13] // drop the add-on
	}
	switch {
	case len(s) == 13 && allDigits(s) && (strings.HasPrefix(s, "978") || strings.HasPrefix(s, "979")):
		if validEAN13(s) {
			return s, true
		}
		return "", true
	case len(s) == 10 && allDigits(s[:9]) && (isDigit(s[9]) || s[9] == 'X' || s[9] == 'x'):
		if !ValidISBN10(s) {
			return "", true
		}
		return eanWithCheck("978" + s[:9]), true
	}
	return "", false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ValidISBN10 checks an ISBN-10 of ten characters, the last of which may
// be X (ten).
func ValidISBN10(s string) bool {
	if len(s) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		var v int
		switch c := s[i]; {
		case isDigit(c):
			v = int(c - '0')
		case i == 9 && (c == 'X' || c == 'x'):
			v = 10
		default:
			return false
		}
		sum += v * (10 - i)
	}
	return sum%11 == 0
}

func ean13Sum(s string) int {
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(s[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return sum
}

func validEAN13(s string) bool {
	return len(s) == 13 && allDigits(s) && (10-ean13Sum(s)%10)%10 == int(s[12]-'0')
}

// eanWithCheck appends the EAN-13 check digit to twelve digits.
func eanWithCheck(s12 string) string {
	return s12 + strconv.Itoa((10-ean13Sum(s12+"0")%10)%10)
}

func validLuhn(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return len(s) > 1 && sum%10 == 0
}
