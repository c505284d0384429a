package app

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// AuditEntry is one line of the audit log: who did what, when, on which
// station. The log is the event log itself, so nothing can change without
// appearing in it.
type AuditEntry struct {
	At      time.Time
	Station string
	Staff   string
	Kind    EventKind
	// Action is the audit action for EvAudit events ("export_readers",
	// "sign_in_failed" …) and the collection for record events.
	Action string
	// Facts are the event's details worth showing (IDs resolved where the
	// caller wants them).
	Facts   map[string]string
	EventID string
}

// AuditFilter narrows the audit log. Zero fields match everything.
type AuditFilter struct {
	Staff string
	Kind  EventKind
	From  time.Time
	To    time.Time
	// Text matches anywhere in the action and facts.
	Text  string
	Limit int
}

// AuditLog returns the newest entries matching f. Only admins may read it.
func (l *Library) AuditLog(actor Actor, f AuditFilter) ([]AuditEntry, error) {
	if err := require(actor, PermViewAudit); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	var out []AuditEntry
	err := l.view(func(tx Tx) error {
		vec, err := tx.Vector()
		if err != nil {
			return err
		}
		for st := range vec {
			err := tx.EventsAfter(st, 0, func(e *Event) error {
				at := e.HLC.Time()
				if f.Staff != "" && !strings.EqualFold(e.Staff, f.Staff) ||
					f.Kind != "" && e.Kind != f.Kind ||
					!f.From.IsZero() && at.Before(f.From) ||
					!f.To.IsZero() && !at.Before(f.To) {
					return nil
				}
				entry := auditEntry(e)
				if f.Text != "" && !entry.matches(f.Text) {
					return nil
				}
				out = append(out, entry)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, err
}

func (a AuditEntry) matches(text string) bool {
	text = strings.ToLower(text)
	if strings.Contains(strings.ToLower(a.Action), text) {
		return true
	}
	for k, v := range a.Facts {
		if strings.Contains(strings.ToLower(k+" "+v), text) {
			return true
		}
	}
	return false
}

func auditEntry(e *Event) AuditEntry {
	a := AuditEntry{At: e.HLC.Time(), Station: e.Station, Staff: e.Staff, Kind: e.Kind, EventID: e.ID, Facts: map[string]string{}}
	switch e.Kind {
	case EvAudit:
		var p AuditPayload
		if json.Unmarshal(e.Payload, &p) == nil {
			a.Action = p.Action
			for k, v := range p.Facts {
				a.Facts[k] = v
			}
		}
	case EvRecordCreated:
		var p RecordCreated
		if json.Unmarshal(e.Payload, &p) == nil {
			a.Action = string(p.Collection)
			var m map[string]any
			if json.Unmarshal(p.Record, &m) == nil {
				a.Facts["id"], _ = m["id"].(string)
				for _, k := range []string{"title", "name", "barcode", "card", "username", "code", "value"} {
					if v, ok := m[k].(string); ok {
						a.Facts[k] = v
					}
				}
			}
		}
	case EvRecordUpdated:
		var p RecordUpdated
		if json.Unmarshal(e.Payload, &p) == nil {
			a.Action = string(p.Collection)
			a.Facts["id"] = p.ID
			var fields []string
			for k := range p.Fields {
				if !strings.Contains(k, "hash") {
					fields = append(fields, k)
				}
			}
			sort.Strings(fields)
			a.Facts["fields"] = strings.Join(fields, ",")
		}
	default:
		var m map[string]any
		if json.Unmarshal(e.Payload, &m) == nil {
			flattenFacts(a.Facts, "", m)
		}
	}
	return a
}

// flattenFacts copies the scalar parts of a payload into facts.
func flattenFacts(facts map[string]string, prefix string, m map[string]any) {
	for k, v := range m {
		switch x := v.(type) {
		case string:
			if !strings.Contains(k, "hash") {
				facts[prefix+k] = x
			}
		case float64:
			facts[prefix+k] = strings.TrimSuffix(strings.TrimRight(formatFloat(x), "0"), ".")
		case bool:
			if x {
				facts[prefix+k] = "true"
			}
		case map[string]any:
			if prefix == "" {
				flattenFacts(facts, k+".", x)
			}
		}
	}
}

func formatFloat(f float64) string {
	b, _ := json.Marshal(f)
	s := string(b)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
