// Package flatjson picks a few fields out of a record's JSON without
// decoding the rest. Exports of a million records and a year's statistics
// spend most of their time decoding JSON: encoding/json validates the whole
// record and reflects over every field before it fills the few a row or a
// figure needs. EachField reads only the top level of an object and hands
// over each value's bytes, skipping nested values (the field versions, a
// title's source MARC) without looking inside; it is several times faster
// for the flat fields those read. On anything it does not expect it reports
// false, and the caller decodes with encoding/json, which also gives the
// error.
package flatjson

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// EachField calls fn with the key and the raw value of each top-level member
// of the JSON object raw. It reports false when raw is not a well-formed
// object as far as it looked.
func EachField(raw []byte, fn func(key, val []byte)) bool {
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

// String decodes a raw JSON string value; ok is false when val is not
// a string (null gives "", true).
func String(val []byte) (string, bool) {
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

// Int decodes a raw JSON integer (null gives 0).
func Int(val []byte) (int64, bool) {
	if string(val) == "null" {
		return 0, true
	}
	n, err := strconv.ParseInt(string(val), 10, 64)
	return n, err == nil
}

// Bool decodes a raw JSON boolean (null gives false).
func Bool(val []byte) (bool, bool) {
	switch string(val) {
	case "true":
		return true, true
	case "false", "null":
		return false, true
	}
	return false, false
}

// Strings decodes a raw JSON array of strings (null gives nil); ok is false
// for anything else.
func Strings(val []byte) ([]string, bool) {
	if string(val) == "null" {
		return nil, true
	}
	i := skipSpace(val, 0)
	if i >= len(val) || val[i] != '[' {
		return nil, false
	}
	out := []string{}
	i = skipSpace(val, i+1)
	if i < len(val) && val[i] == ']' {
		return out, skipSpace(val, i+1) == len(val)
	}
	for i < len(val) {
		end, ok := skipString(val, i)
		if !ok {
			return nil, false
		}
		s, ok := String(val[i:end])
		if !ok {
			return nil, false
		}
		out = append(out, s)
		i = skipSpace(val, end)
		if i >= len(val) {
			return nil, false
		}
		switch val[i] {
		case ',':
			i = skipSpace(val, i+1)
		case ']':
			return out, skipSpace(val, i+1) == len(val)
		default:
			return nil, false
		}
	}
	return nil, false
}

// SetString sets *dst from a raw JSON value as encoding/json sets a string
// field: null leaves it as it is. It reports false when val is not a
// string or null.
func SetString(dst *string, val []byte) bool {
	if string(val) == "null" {
		return true
	}
	s, ok := String(val)
	if ok {
		*dst = s
	}
	return ok
}

// SetBool is SetString for a bool field.
func SetBool(dst *bool, val []byte) bool {
	if string(val) == "null" {
		return true
	}
	b, ok := Bool(val)
	if ok {
		*dst = b
	}
	return ok
}

// SetStrings is SetString for a []string field, which null sets to nil.
func SetStrings(dst *[]string, val []byte) bool {
	s, ok := Strings(val)
	if ok {
		*dst = s
	}
	return ok
}
