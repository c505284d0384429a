package marc

import (
	"fmt"

	"github.com/cockroachdb/errors"
)

// Reason says what was wrong with a record. The UI translates it; the
// package never produces sentences meant for library staff.
type Reason uint8

// Reasons a record was skipped (returned as *Damage from Read) or repaired
// (listed in Record.Warnings).
const (
	// ReasonUnknown is the zero value and never reported.
	ReasonUnknown Reason = iota
	// ReasonTruncated: the input ended inside a record, or a fragment too
	// short to hold a leader sat between records.
	ReasonTruncated
	// ReasonLeader: the leader's record length or base address is not a number.
	ReasonLeader
	// ReasonLeaderValues: indicator count, subfield code length or entry map
	// in the leader are not the MARC values (repaired).
	ReasonLeaderValues
	// ReasonRecordLength: the leader's record length is not the real length
	// (repaired when every field is intact).
	ReasonRecordLength
	// ReasonOversized: the record is longer than ISO 2709 allows (leader
	// length 99999, 6-digit offsets) or than the reader's size limit.
	ReasonOversized
	// ReasonBaseAddress: the base address does not point just after the
	// directory (repaired when the directory and fields agree).
	ReasonBaseAddress
	// ReasonDirectory: a directory entry is not numeric.
	ReasonDirectory
	// ReasonDirectoryLength: the directory is not a multiple of 12 bytes.
	ReasonDirectoryLength
	// ReasonDirectoryOrder: directory entries are not in tag order (kept in
	// the order the data holds them).
	ReasonDirectoryOrder
	// ReasonFieldBounds: a directory entry points outside the record.
	ReasonFieldBounds
	// ReasonFieldTerminator: a field does not end with 0x1E where the
	// directory says; repaired when the terminators alone delimit every field.
	ReasonFieldTerminator
	// ReasonRecordTerminator: the record does not end with 0x1D (repaired
	// when the rest is intact).
	ReasonRecordTerminator
	// ReasonNoFields: the record holds no fields at all.
	ReasonNoFields
	// ReasonSubfieldCode: a subfield has a missing or non-ASCII code.
	ReasonSubfieldCode
	// ReasonInvalidUTF8: the record says UTF-8 but holds invalid bytes,
	// which became U+FFFD.
	ReasonInvalidUTF8
	// ReasonMisflaggedUTF8: leader/09 says MARC-8 but the data is UTF-8;
	// read as UTF-8.
	ReasonMisflaggedUTF8
	// ReasonInvalidGB18030: a record read as GB 18030 holds bytes that are
	// not GB 18030, which became U+FFFD.
	ReasonInvalidGB18030
	// ReasonMARC8: an unknown MARC-8 escape sequence or code point, which
	// became U+FFFD.
	ReasonMARC8
	// ReasonISO5426: an unknown ISO 5426 escape sequence or code point,
	// which became U+FFFD.
	ReasonISO5426
	// ReasonXML: the MARCXML is not well-formed; reading stops.
	ReasonXML
	// ReasonXMLStructure: an element or attribute MARCXML requires is
	// missing or out of place.
	ReasonXMLStructure
	reasonCount
)

var reasonNames = [reasonCount]string{
	ReasonUnknown:          "unknown",
	ReasonTruncated:        "truncated",
	ReasonLeader:           "leader",
	ReasonLeaderValues:     "leader-values",
	ReasonRecordLength:     "record-length",
	ReasonOversized:        "oversized",
	ReasonBaseAddress:      "base-address",
	ReasonDirectory:        "directory",
	ReasonDirectoryLength:  "directory-length",
	ReasonDirectoryOrder:   "directory-order",
	ReasonFieldBounds:      "field-bounds",
	ReasonFieldTerminator:  "field-terminator",
	ReasonRecordTerminator: "record-terminator",
	ReasonNoFields:         "no-fields",
	ReasonSubfieldCode:     "subfield-code",
	ReasonInvalidUTF8:      "invalid-utf8",
	ReasonMisflaggedUTF8:   "misflagged-utf8",
	ReasonInvalidGB18030:   "invalid-gb18030",
	ReasonMARC8:            "marc8",
	ReasonISO5426:          "iso5426",
	ReasonXML:              "xml",
	ReasonXMLStructure:     "xml-structure",
}

// String returns a stable identifier for r, suitable as a translation key.
func (r Reason) String() string {
	if r < reasonCount {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason-%d", uint8(r))
}

// Damage reports one problem with one record. Returned from a reader's
// Read, it means the record was skipped; in Record.Warnings it means the
// record was repaired and kept.
type Damage struct {
	// Record is the 1-based number of the record in its input.
	Record int
	// Offset is the byte offset in the input where the record starts
	// (ISO 2709) or the input offset of the element (MARCXML).
	Offset int64
	Reason Reason
	// Detail is technical context for logs (a tag, a value), not a message.
	Detail string
}

// Error implements error for logs; the UI should use Reason and Record.
func (d *Damage) Error() string {
	if d.Detail == "" {
		return fmt.Sprintf("marc: record %d: %s", d.Record, d.Reason)
	}
	return fmt.Sprintf("marc: record %d: %s: %s", d.Record, d.Reason, d.Detail)
}

// Is lets errors.Is(err, ErrDamaged) match any *Damage.
func (d *Damage) Is(target error) bool { return target == ErrDamaged }

// ErrDamaged matches every *Damage with errors.Is.
var ErrDamaged = errors.New("marc: damaged record")

// AsDamage returns the *Damage in err's chain, if any.
func AsDamage(err error) (*Damage, bool) {
	var d *Damage
	ok := errors.As(err, &d)
	return d, ok
}
