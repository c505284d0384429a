package storage

import (
	"encoding/json"
	"strconv"

	"github.com/circa-library/circa/app"
)

// encodeEvent is json.Marshal(e) without its costliest part: json.Marshal
// scans an event's payload once more to check and compact it, and a
// record's creation carries the whole record. The payload here comes from
// json.Marshal (commit) or from JSON that was decoded whole (a sync batch,
// a bundle, the log), so it is valid already and is placed as it is; one
// that does not even start and end as JSON does goes to json.Marshal,
// which refuses it. For a compact payload the bytes are json.Marshal's,
// byte for byte.
func encodeEvent(e *app.Event) ([]byte, error) {
	out := make([]byte, 0, len(e.Payload)+len(e.ID)+len(e.Station)+len(e.Kind)+len(e.Staff)+80)
	out = append(out, `{"id":`...)
	out = app.AppendJSONString(out, e.ID)
	out = append(out, `,"station":`...)
	out = app.AppendJSONString(out, e.Station)
	out = append(out, `,"seq":`...)
	out = strconv.AppendUint(out, e.Seq, 10)
	out = append(out, `,"hlc":`...)
	out = strconv.AppendUint(out, uint64(e.HLC), 10)
	out = append(out, `,"kind":`...)
	out = app.AppendJSONString(out, string(e.Kind))
	if e.Staff != "" {
		out = append(out, `,"staff":`...)
		out = app.AppendJSONString(out, e.Staff)
	}
	out = append(out, `,"payload":`...)
	switch {
	case e.Payload == nil:
		out = append(out, "null"...)
	case !looksEncoded(e.Payload):
		return json.Marshal(e) // which says what is wrong with it
	default:
		out = append(out, e.Payload...)
	}
	return append(out, '}'), nil
}

// looksEncoded reports whether p starts and ends as a JSON value does, which
// every payload json.Marshal or a JSON decoder produced does; it does not
// read the rest (that is the scan encodeEvent saves).
func looksEncoded(p []byte) bool {
	if len(p) == 0 {
		return false
	}
	first, last := p[0], p[len(p)-1]
	switch first {
	case '{':
		return last == '}'
	case '[':
		return last == ']'
	case '"':
		return last == '"' && len(p) > 1
	}
	return json.Valid(p) // numbers, true, false, null: short
}
