package export

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/circa-library/circa/app"
)

// Exports of a million records spend most of their time decoding JSON:
// encoding/json validates the whole record and reflects over every field
// before it fills the few a row shows. eachField reads only the top level of
// an object and hands over each value's bytes, skipping nested values (the
// field versions, a title's source MARC) without looking inside; it is
// several times faster for the flat fields exports read. On anything it does
// not expect it reports false, and the caller decodes with encoding/json,
// which also gives the error.

// eachField calls fn with the key and the raw value of each top-level member
// of the JSON object raw. It reports false when raw is not a well-formed
// object as far as it looked.
func eachField(raw []byte, fn func(key, val []byte)) bool {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return skipSpace(raw, i+1) == len(raw)
	}
	for i < len(raw) {
		end, ok := skipString(raw, i)
		if !ok {
			return false
		}
		key := raw[i+1 : end-1]
		if !plainKey(key) {
			return false
		}
		i = skipSpace(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return false
		}
		i = skipSpace(raw, i+1)
		end, ok = skipValue(raw, i)
		if !ok {
			return false
		}
		fn(key, raw[i:end])
		i = skipSpace(raw, end)
		if i >= len(raw) {
			return false
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			return skipSpace(raw, i+1) == len(raw)
		default:
			return false
		}
	}
	return false
}

// plainKey reports whether key is made of a-z, 0-9 and _ only, as every
// key Circa writes is. encoding/json matches keys regardless of case (and
// folds some non-ASCII letters), so any other key is left to it.
func plainKey(key []byte) bool {
	for _, c := range key {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\t' || raw[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the JSON string starting at raw[i].
func skipString(raw []byte, i int) (int, bool) {
	if i >= len(raw) || raw[i] != '"' {
		return 0, false
	}
	i++
	for {
		j := bytes.IndexByte(raw[i:], '"')
		if j < 0 {
			return 0, false
		}
		i += j
		// The quote ends the string unless an odd number of backslashes
		// escapes it.
		k := i - 1
		for k >= 0 && raw[k] == '\\' {
			k--
		}
		if (i-1-k)%2 == 0 {
			return i + 1, true
		}
		i++
	}
}

// skipValue returns the index after the JSON value starting at raw[i].
func skipValue(raw []byte, i int) (int, bool) {
	if i >= len(raw) {
		return 0, false
	}
	switch raw[i] {
	case '"':
		return skipString(raw, i)
	case '{', '[':
		depth := 0
		for i < len(raw) {
			switch raw[i] {
			case '"':
				end, ok := skipString(raw, i)
				if !ok {
					return 0, false
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return 0, false
	}
	start := i
	for i < len(raw) && raw[i] != ',' && raw[i] != '}' && raw[i] != ']' && raw[i] != ' ' && raw[i] != '\n' && raw[i] != '\t' && raw[i] != '\r' {
		i++
	}
	return i, i > start
}

// stringValue decodes a raw JSON string value; ok is false when val is not
// a string (null gives "", true).
func stringValue(val []byte) (string, bool) {
	if string(val) == "null" {
		return "", true
	}
	if len(val) < 2 || val[0] != '"' {
		return "", false
	}
	inner := val[1 : len(val)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true
	}
	var s string
	return s, json.Unmarshal(val, &s) == nil
}

// intValue decodes a raw JSON integer (null gives 0).
func intValue(val []byte) (int64, bool) {
	if string(val) == "null" {
		return 0, true
	}
	n, err := strconv.ParseInt(string(val), 10, 64)
	return n, err == nil
}

// boolValue decodes a raw JSON boolean (null gives false).
func boolValue(val []byte) (bool, bool) {
	switch string(val) {
	case "true":
		return true, true
	case "false", "null":
		return false, true
	}
	return false, false
}

// decodeCopyRow fills c from a copy's JSON, fast when it can.
func decodeCopyRow(raw []byte, c *copyRow) error {
	*c = copyRow{}
	good := true
	str := func(dst *string, val []byte) {
		s, ok := stringValue(val)
		*dst, good = s, good && ok
	}
	ok := eachField(raw, func(key, val []byte) {
		switch string(key) {
		case "barcode":
			str(&c.Barcode, val)
		case "title_id":
			str(&c.TitleID, val)
		case "item_type":
			str((*string)(&c.ItemType), val)
		case "location":
			str(&c.Location, val)
		case "call_number":
			str(&c.CallNumber, val)
		case "status":
			str((*string)(&c.Status), val)
		case "note":
			str(&c.Note, val)
		case "price":
			n, ok := intValue(val)
			c.Price, good = app.Money(n), good && ok
		case "deleted":
			b, ok := boolValue(val)
			c.Deleted, good = b, good && ok
		}
	})
	if ok && good {
		return nil
	}
	*c = copyRow{}
	return json.Unmarshal(raw, c)
}

// decodeTitleBrief fills t from a title's JSON, fast when it can.
func decodeTitleBrief(raw []byte, t *titleBrief) error {
	*t = titleBrief{}
	good := true
	ok := eachField(raw, func(key, val []byte) {
		var dst *string
		switch string(key) {
		case "title":
			dst = &t.Title
		case "call_number":
			dst = &t.CallNumber
		default:
			return
		}
		s, ok := stringValue(val)
		*dst, good = s, good && ok
	})
	if ok && good {
		return nil
	}
	*t = titleBrief{}
	return json.Unmarshal(raw, t)
}
