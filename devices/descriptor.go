package devices

import (
	"github.com/cockroachdb/errors"
)

// Usage is a complete HID usage: the usage page in the high 16 bits and the
// usage ID in the low 16 bits, as the HID specification writes an extended
// usage.
type Usage uint32

// MakeUsage joins a usage page and a usage ID.
func MakeUsage(page, id uint16) Usage { return Usage(page)<<16 | Usage(id) }

// Page returns the usage page.
func (u Usage) Page() uint16 { return uint16(u >> 16) }

// ID returns the usage ID within its page.
func (u Usage) ID() uint16 { return uint16(u) }

// Usage pages and usages that this package looks for.
const (
	PageGenericDesktop uint16 = 0x01
	PageKeyboard       uint16 = 0x07
	PageBarCodeScanner uint16 = 0x8C

	UsageKeyboard            = Usage(0x0001_0006)
	UsageByteCount           = Usage(0x0001_003B)
	UsageSymbologyID1        = Usage(0x008C_00FB)
	UsageSymbologyID2        = Usage(0x008C_00FC)
	UsageSymbologyID3        = Usage(0x008C_00FD)
	UsageDecodedData         = Usage(0x008C_00FE)
	UsageDecodeDataContinued = Usage(0x008C_00FF)
)

// ReportKind tells input, output and feature reports apart.
type ReportKind uint8

// Report kinds, named after the main items that declare them.
const (
	Input ReportKind = iota + 1
	Output
	Feature
)

// FieldFlags holds the data bits of an Input, Output or Feature item.
type FieldFlags uint16

// Field flag bits (HID 1.11, section 6.2.2.5).
const (
	FlagConstant      FieldFlags = 1 << 0
	FlagVariable      FieldFlags = 1 << 1
	FlagRelative      FieldFlags = 1 << 2
	FlagBufferedBytes FieldFlags = 1 << 8
)

// UsageRange is an inclusive run of usages; a single Usage item is a range
// whose Min equals its Max.
type UsageRange struct {
	Min, Max Usage
}

// Field is one main item of a report: Count elements of Size bits each,
// starting BitOffset bits into the report data (after any report ID byte).
type Field struct {
	Kind        ReportKind
	ReportID    uint8
	BitOffset   int
	Size        int
	Count       int
	Flags       FieldFlags
	LogicalMin  int32
	LogicalMax  int32
	Usages      []UsageRange
	Application Usage // usage of the enclosing application collection
}

// Constant reports whether the field is padding or otherwise fixed.
func (f *Field) Constant() bool { return f.Flags&FlagConstant != 0 }

// Variable reports whether each element has its own usage (a bitmap or a
// value) rather than holding usage indexes (an array, as keyboards send keys).
func (f *Field) Variable() bool { return f.Flags&FlagVariable != 0 }

// UsageAt returns the usage of element i of a variable field, or of usage
// index i of an array field: the declared usages in order, ranges expanded,
// the last one repeating when the field has more elements than usages.
func (f *Field) UsageAt(i int) (Usage, bool) {
	if i < 0 || len(f.Usages) == 0 {
		return 0, false
	}
	for _, r := range f.Usages {
		n := int(r.Max) - int(r.Min) + 1
		if n <= 0 {
			n = 1
		}
		if i < n {
			return r.Min + Usage(i), true
		}
		i -= n
	}
	if f.Variable() {
		return f.Usages[len(f.Usages)-1].Max, true
	}
	return 0, false
}

// eachUsage calls fn with the usage of every element of a variable field,
// in order, walking the usage ranges once; it stops when fn returns false.
func (f *Field) eachUsage(fn func(i int, u Usage) bool) {
	if len(f.Usages) == 0 {
		return
	}
	r, next := 0, f.Usages[0].Min
	for i := 0; i < f.Count; i++ {
		if !fn(i, next) {
			return
		}
		switch {
		case next < f.Usages[r].Max:
			next++
		case r+1 < len(f.Usages):
			r++
			next = f.Usages[r].Min
		}
	}
}

// Has reports whether u is among the field's declared usages.
func (f *Field) Has(u Usage) bool {
	for _, r := range f.Usages {
		if u >= r.Min && u <= r.Max {
			return true
		}
	}
	return false
}

// Element returns the raw bits of element i from data, the report without
// its ID byte. It fails for elements wider than 32 bits or past the data.
func (f *Field) Element(data []byte, i int) (uint32, bool) {
	if i < 0 || i >= f.Count {
		return 0, false
	}
	return extractBits(data, f.BitOffset+i*f.Size, f.Size)
}

// Value returns element i as a number, sign-extended when the field's
// logical minimum is negative.
func (f *Field) Value(data []byte, i int) (int64, bool) {
	v, ok := f.Element(data, i)
	if !ok {
		return 0, false
	}
	if f.LogicalMin < 0 && f.Size < 64 && v&(1<<(f.Size-1)) != 0 {
		return int64(v) - int64(1)<<f.Size, true
	}
	return int64(v), true
}

// elemRef names one element of a field.
type elemRef struct {
	f *Field
	i int
}

// get returns the element's raw bits from report data, 0 when out of range.
func (e elemRef) get(data []byte) uint32 {
	v, _ := e.f.Element(data, e.i)
	return v
}

// set writes the element's bits into report data.
func (e elemRef) set(data []byte, v uint32) {
	setBits(data, e.f.BitOffset+e.i*e.f.Size, e.f.Size, v)
}

// setBits writes the low size bits of v at bit off, least significant first.
func setBits(b []byte, off, size int, v uint32) {
	for i := 0; i < size; i++ {
		byteAt, bit := (off+i)/8, uint((off+i)%8)
		if byteAt >= len(b) {
			return
		}
		if v&(1<<uint(i)) != 0 {
			b[byteAt] |= 1 << bit
		} else {
			b[byteAt] &^= 1 << bit
		}
	}
}

// extractBits reads size bits starting at bit off, least significant bit
// first, as HID reports are laid out.
func extractBits(b []byte, off, size int) (uint32, bool) {
	if size <= 0 || size > 32 || off < 0 || off+size > len(b)*8 {
		return 0, false
	}
	first, last := off/8, (off+size-1)/8
	var v uint64
	for i := last; i >= first; i-- {
		v = v<<8 | uint64(b[i])
	}
	v >>= uint(off % 8)
	return uint32(v & (1<<uint(size) - 1)), true
}

// Report is the layout of one report: its fields in wire order.
type Report struct {
	Kind   ReportKind
	ID     uint8
	Bits   int // length of the data after the ID byte, in bits
	Fields []Field
}

// DataLen returns the length of the report data after the ID byte, in bytes.
func (r *Report) DataLen() int { return (r.Bits + 7) / 8 }

// Collection is a Collection main item.
type Collection struct {
	Type   uint8 // 0 physical, 1 application, 2 logical, ...
	Usage  Usage
	Parent int // index into Descriptor.Collections, -1 at the top
}

// Descriptor is a parsed HID report descriptor.
type Descriptor struct {
	Collections []Collection
	Reports     []Report
	// Numbered is true when the descriptor declares report IDs, so every
	// report on the wire starts with its ID byte.
	Numbered bool
}

// Report returns the layout of the report of that kind and ID, or nil.
func (d *Descriptor) Report(kind ReportKind, id uint8) *Report {
	for i := range d.Reports {
		if d.Reports[i].Kind == kind && d.Reports[i].ID == id {
			return &d.Reports[i]
		}
	}
	return nil
}

// SplitInput finds the layout of a raw input report, as a device sends it,
// and returns it with the report data after the ID byte.
func (d *Descriptor) SplitInput(raw []byte) (*Report, []byte, error) {
	var id uint8
	if d.Numbered {
		if len(raw) == 0 {
			return nil, nil, errors.Wrap(ErrBadReport, "empty report")
		}
		id, raw = raw[0], raw[1:]
	}
	r := d.Report(Input, id)
	if r == nil {
		return nil, nil, errors.Wrapf(ErrBadReport, "no input report with ID %d", id)
	}
	return r, raw, nil
}

// Limits that keep a hostile or broken descriptor from costing more than a
// real one could.
const (
	maxDescriptorLen = 1 << 16
	maxStackDepth    = 32
	maxCollections   = 1024
	maxFields        = 4096
	maxLocalUsages   = 1024
	maxElementBits   = 256
	maxReportBits    = 1 << 16
	maxTotalBits     = 1 << 20
)

// Item types and tags of short items (HID 1.11, section 6.2.2).
const (
	itemMain   = 0
	itemGlobal = 1
	itemLocal  = 2

	tagInput         = 0x8
	tagOutput        = 0x9
	tagCollection    = 0xA
	tagFeature       = 0xB
	tagEndCollection = 0xC

	tagUsagePage   = 0x0
	tagLogicalMin  = 0x1
	tagLogicalMax  = 0x2
	tagReportSize  = 0x7
	tagReportID    = 0x8
	tagReportCount = 0x9
	tagPush        = 0xA
	tagPop         = 0xB

	tagUsage    = 0x0
	tagUsageMin = 0x1
	tagUsageMax = 0x2
)

type globalState struct {
	usagePage   uint16
	logicalMin  int32
	logicalMax  int32
	logicalMaxU uint32 // the same bits read as unsigned, see mainItem
	reportSize  uint32
	reportCount uint32
	reportID    uint8
}

// localUsage is a Usage, Usage Minimum or Usage Maximum as written: the page
// of a short one is only known when the main item arrives.
type localUsage struct {
	value    uint32
	extended bool
}

type localState struct {
	ranges           [][2]localUsage
	min, max         localUsage
	haveMin, haveMax bool
}

type parser struct {
	d         *Descriptor
	global    globalState
	stack     []globalState
	local     localState
	open      []int // indexes of open collections
	sawID     bool
	totalBits int
}

// ParseDescriptor parses a HID report descriptor and lays out its reports.
// Malformed input gives an error wrapping ErrBadDescriptor, never a panic.
func ParseDescriptor(b []byte) (*Descriptor, error) {
	if len(b) == 0 {
		return nil, errors.Wrap(ErrBadDescriptor, "empty")
	}
	if len(b) > maxDescriptorLen {
		return nil, errors.Wrapf(ErrBadDescriptor, "%d bytes is too long", len(b))
	}
	p := &parser{d: &Descriptor{}}
	for pos := 0; pos < len(b); {
		prefix := b[pos]
		if prefix == 0xFE { // long item: size, tag, data; none is defined, skip it
			if pos+2 >= len(b) {
				return nil, errors.Wrapf(ErrBadDescriptor, "truncated long item at %d", pos)
			}
			pos += 3 + int(b[pos+1])
			if pos > len(b) {
				return nil, errors.Wrapf(ErrBadDescriptor, "truncated long item data")
			}
			continue
		}
		size := int(prefix & 3)
		if size == 3 {
			size = 4
		}
		if pos+1+size > len(b) {
			return nil, errors.Wrapf(ErrBadDescriptor, "truncated item 0x%02x at %d", prefix, pos)
		}
		data := b[pos+1 : pos+1+size]
		var err error
		switch typ, tag := (prefix>>2)&3, prefix>>4; typ {
		case itemMain:
			err = p.mainItem(tag, unsigned(data))
		case itemGlobal:
			err = p.globalItem(tag, data)
		case itemLocal:
			err = p.localItem(tag, data)
		}
		if err != nil {
			return nil, errors.Wrapf(err, "item 0x%02x at %d", prefix, pos)
		}
		pos += 1 + size
	}
	if len(p.open) != 0 {
		return nil, errors.Wrapf(ErrBadDescriptor, "%d collections left open", len(p.open))
	}
	p.d.Numbered = p.sawID
	return p.d, nil
}

func unsigned(data []byte) uint32 {
	var v uint32
	for i := len(data) - 1; i >= 0; i-- {
		v = v<<8 | uint32(data[i])
	}
	return v
}

func signed(data []byte) int32 {
	switch len(data) {
	case 1:
		return int32(int8(data[0]))
	case 2:
		return int32(int16(unsigned(data)))
	default:
		return int32(unsigned(data))
	}
}

func (p *parser) globalItem(tag uint8, data []byte) error {
	g := &p.global
	switch tag {
	case tagUsagePage:
		g.usagePage = uint16(unsigned(data))
	case tagLogicalMin:
		g.logicalMin = signed(data)
	case tagLogicalMax:
		g.logicalMax, g.logicalMaxU = signed(data), unsigned(data)
	case tagReportSize:
		g.reportSize = unsigned(data)
	case tagReportCount:
		g.reportCount = unsigned(data)
	case tagReportID:
		id := unsigned(data)
		if id == 0 || id > 255 {
			return errors.Wrapf(ErrBadDescriptor, "report ID %d", id)
		}
		g.reportID = uint8(id)
		p.sawID = true
	case tagPush:
		if len(p.stack) >= maxStackDepth {
			return errors.Wrap(ErrBadDescriptor, "push stack overflow")
		}
		p.stack = append(p.stack, *g)
	case tagPop:
		if len(p.stack) == 0 {
			return errors.Wrap(ErrBadDescriptor, "pop with empty stack")
		}
		*g = p.stack[len(p.stack)-1]
		p.stack = p.stack[:len(p.stack)-1]
	}
	// Physical extent, unit and unit exponent do not matter for scanners.
	return nil
}

func (p *parser) localItem(tag uint8, data []byte) error {
	l := &p.local
	u := localUsage{value: unsigned(data), extended: len(data) == 4}
	switch tag {
	case tagUsage:
		l.ranges = append(l.ranges, [2]localUsage{u, u})
	case tagUsageMin:
		l.min, l.haveMin = u, true
	case tagUsageMax:
		l.max, l.haveMax = u, true
	default:
		return nil // designators, strings and delimiters carry nothing we use
	}
	if l.haveMin && l.haveMax {
		l.ranges = append(l.ranges, [2]localUsage{l.min, l.max})
		l.haveMin, l.haveMax = false, false
	}
	if len(l.ranges) > maxLocalUsages {
		return errors.Wrap(ErrBadDescriptor, "too many usages")
	}
	return nil
}

// resolve applies the current usage page to a short usage, as the HID
// specification says to when the main item is reached.
func (p *parser) resolve(u localUsage) Usage {
	if u.extended {
		return Usage(u.value)
	}
	return MakeUsage(p.global.usagePage, uint16(u.value))
}

func (p *parser) usages() []UsageRange {
	if len(p.local.ranges) == 0 {
		return nil
	}
	out := make([]UsageRange, len(p.local.ranges))
	for i, r := range p.local.ranges {
		out[i] = UsageRange{Min: p.resolve(r[0]), Max: p.resolve(r[1])}
		if out[i].Max < out[i].Min {
			out[i].Max = out[i].Min
		}
	}
	return out
}

func (p *parser) mainItem(tag uint8, data uint32) error {
	defer func() { p.local = localState{ranges: p.local.ranges[:0]} }()
	switch tag {
	case tagCollection:
		if len(p.d.Collections) >= maxCollections {
			return errors.Wrap(ErrBadDescriptor, "too many collections")
		}
		c := Collection{Type: uint8(data), Parent: -1}
		if us := p.usages(); len(us) > 0 {
			c.Usage = us[0].Min
		}
		if len(p.open) > 0 {
			c.Parent = p.open[len(p.open)-1]
		}
		p.open = append(p.open, len(p.d.Collections))
		p.d.Collections = append(p.d.Collections, c)
	case tagEndCollection:
		if len(p.open) == 0 {
			return errors.Wrap(ErrBadDescriptor, "end collection without collection")
		}
		p.open = p.open[:len(p.open)-1]
	case tagInput:
		return p.field(Input, FieldFlags(data))
	case tagOutput:
		return p.field(Output, FieldFlags(data))
	case tagFeature:
		return p.field(Feature, FieldFlags(data))
	}
	return nil
}

func (p *parser) field(kind ReportKind, flags FieldFlags) error {
	g := p.global
	if g.reportSize > maxElementBits || g.reportCount > maxReportBits {
		return errors.Wrapf(ErrBadDescriptor, "field of %d×%d bits", g.reportCount, g.reportSize)
	}
	bits := int(g.reportSize) * int(g.reportCount)
	r := p.d.Report(kind, g.reportID)
	if r == nil {
		p.d.Reports = append(p.d.Reports, Report{Kind: kind, ID: g.reportID})
		r = &p.d.Reports[len(p.d.Reports)-1]
	}
	if r.Bits+bits > maxReportBits || p.totalBits+bits > maxTotalBits {
		return errors.Wrapf(ErrBadDescriptor, "report %d longer than %d bits", g.reportID, maxReportBits)
	}
	p.totalBits += bits
	if bits == 0 {
		return nil
	}
	if len(r.Fields) >= maxFields {
		return errors.Wrap(ErrBadDescriptor, "too many fields")
	}
	f := Field{
		Kind:        kind,
		ReportID:    g.reportID,
		BitOffset:   r.Bits,
		Size:        int(g.reportSize),
		Count:       int(g.reportCount),
		Flags:       flags,
		LogicalMin:  g.logicalMin,
		LogicalMax:  g.logicalMax,
		Usages:      p.usages(),
		Application: p.application(),
	}
	// Many descriptors write 255 as the one byte 0xFF; read it as the
	// unsigned number it was meant to be when the minimum is not negative.
	if f.LogicalMin >= 0 && f.LogicalMax < 0 {
		f.LogicalMax = int32(g.logicalMaxU &^ (1 << 31))
	}
	r.Fields = append(r.Fields, f)
	r.Bits += bits
	return nil
}

// application returns the usage of the innermost open application
// collection.
func (p *parser) application() Usage {
	for i := len(p.open) - 1; i >= 0; i-- {
		if c := p.d.Collections[p.open[i]]; c.Type == 1 {
			return c.Usage
		}
	}
	return 0
}
