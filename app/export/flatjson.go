package export

import (
	"encoding/json"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/internal/flatjson"
)

// The fast decoders below read what exports show with package flatjson; on
// anything it does not expect they leave the record to encoding/json.

// decodeCopyRow fills c from a copy's JSON, fast when it can.
func decodeCopyRow(raw []byte, c *copyRow) error {
	*c = copyRow{}
	good := true
	str := func(dst *string, val []byte) {
		s, ok := flatjson.String(val)
		*dst, good = s, good && ok
	}
	ok := flatjson.EachField(raw, func(key, val []byte) {
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
			n, ok := flatjson.Int(val)
			c.Price, good = app.Money(n), good && ok
		case "deleted":
			b, ok := flatjson.Bool(val)
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
	ok := flatjson.EachField(raw, func(key, val []byte) {
		var dst *string
		switch string(key) {
		case "title":
			dst = &t.Title
		case "call_number":
			dst = &t.CallNumber
		default:
			return
		}
		s, ok := flatjson.String(val)
		*dst, good = s, good && ok
	})
	if ok && good {
		return nil
	}
	*t = titleBrief{}
	return json.Unmarshal(raw, t)
}
