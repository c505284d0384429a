package app

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

// changedFieldNames returns the names of the fields changedFields would
// return for old and updated, two records of one struct type, without
// encoding either record: fields whose values are deeply equal encode
// alike, and only the others are encoded, one field at a time, to compare
// what JSON holds of them. Circulation calls it for the copy (or reader)
// at every check-out and check-in, and replaying a station's log for every
// loan.
func changedFieldNames(old, updated Record) ([]string, error) {
	a, b := reflect.ValueOf(old), reflect.ValueOf(updated)
	if a.Kind() != reflect.Pointer || b.Kind() != reflect.Pointer || a.Type() != b.Type() ||
		a.Elem().Kind() != reflect.Struct {
		fields, _, err := changedFields(old, updated)
		names := make([]string, 0, len(fields))
		for f := range fields {
			names = append(names, f)
		}
		return names, err
	}
	a, b = a.Elem(), b.Elem()
	var names []string
	for _, f := range jsonFieldsOf(a.Type()) {
		if f.name == "id" || f.name == "ver" || f.name == "fver" {
			continue
		}
		va, vb := a.FieldByIndex(f.index), b.FieldByIndex(f.index)
		if f.plain {
			switch same, known := plainEqual(va, vb); {
			case same:
				continue
			case known:
				names = append(names, f.name)
				continue
			}
		}
		if reflect.DeepEqual(va.Interface(), vb.Interface()) {
			continue
		}
		if f.omitEmpty {
			ea, eb := emptyJSON(va), emptyJSON(vb)
			if ea && eb {
				continue // encoded by neither
			}
			if ea != eb {
				names = append(names, f.name) // set, or cleared
				continue
			}
		}
		ja, err := json.Marshal(va.Interface())
		if err != nil {
			return nil, err
		}
		jb, err := json.Marshal(vb.Interface())
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(ja, jb) {
			names = append(names, f.name)
		}
	}
	return names, nil
}

// jsonField is a field encoding/json writes: its name, where it is, and
// whether omitempty leaves it out when empty.
type jsonField struct {
	name      string
	index     []int
	omitEmpty bool
	// plain is a string, bool or integer field that encodes as itself
	// (its type has no marshaller of its own), so plainEqual compares it.
	plain bool
}

// plainEqual compares two values of a plain field without encoding them:
// same when they are equal; known when they differ and so encode
// differently (and so are set or cleared, for omitempty). A string that is
// not valid UTF-8 is not known: json.Marshal may write two of them alike.
func plainEqual(a, b reflect.Value) (same, known bool) {
	switch a.Kind() {
	case reflect.String:
		sa, sb := a.String(), b.String()
		return sa == sb, utf8.ValidString(sa) && utf8.ValidString(sb)
	case reflect.Bool:
		return a.Bool() == b.Bool(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() == b.Uint(), true
	}
	return false, false
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// isPlain reports whether values of t encode as their kind does.
func isPlain(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	default:
		return false
	}
	p := reflect.PointerTo(t)
	return !t.Implements(jsonMarshalerType) && !t.Implements(textMarshalerType) &&
		!p.Implements(jsonMarshalerType) && !p.Implements(textMarshalerType)
}

var jsonFieldCache sync.Map // reflect.Type → []jsonField

// jsonFieldsOf lists the fields encoding/json writes for struct type t,
// those of embedded structs without a tag included, as records use them
// (no two fields of one record share a name).
func jsonFieldsOf(t reflect.Type) []jsonField {
	if v, ok := jsonFieldCache.Load(t); ok {
		return v.([]jsonField)
	}
	var out []jsonField
	var walk func(t reflect.Type, at []int)
	walk = func(t reflect.Type, at []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			index := append(append([]int{}, at...), i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type, index)
				continue
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			out = append(out, jsonField{name: name, index: index, omitEmpty: hasOpt(opts, "omitempty"),
				plain: isPlain(sf.Type) && !hasOpt(opts, "string")})
		}
	}
	walk(t, nil)
	jsonFieldCache.Store(t, out)
	return out
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// emptyJSON reports whether omitempty leaves v out, as encoding/json
// decides it.
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
