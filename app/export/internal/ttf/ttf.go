// Package ttf turns an OpenType font with CFF (PostScript) outlines into a
// TrueType font with quadratic glyf outlines.
//
// Circa embeds Noto Sans SC as CFF OpenType because Fyne reads it, but fpdf
// can only embed TrueType outlines. Rather than ship a second 10 MB font, the
// PDF writers convert the embedded one once at run time: cubic Bézier
// segments are approximated by quadratic ones to within a font unit, which is
// far below what a printer resolves.
package ttf

import (
	"bytes"
	"encoding/binary"
	"math"
	"sort"
	"sync"

	"github.com/cockroachdb/errors"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Converter makes TrueType fonts from one OpenType font, converting each
// glyph once: a whole CJK font takes seconds, the few hundred glyphs of a
// document milliseconds.
type Converter struct {
	mu     sync.Mutex
	f      *sfnt.Font
	tables map[string][]byte
	buf    sfnt.Buffer
	glyphs map[sfnt.GlyphIndex]*glyph
}

// NewConverter parses otf (OpenType with CFF outlines, or anything
// golang.org/x/image/font/sfnt reads).
func NewConverter(otf []byte) (*Converter, error) {
	f, err := sfnt.Parse(otf)
	if err != nil {
		return nil, errors.Wrap(err, "parsing the font")
	}
	tables, err := tableDirectory(otf)
	if err != nil {
		return nil, err
	}
	return &Converter{f: f, tables: tables, glyphs: map[sfnt.GlyphIndex]*glyph{}}, nil
}

// FromOpenType converts every Basic Multilingual Plane character otf maps.
func FromOpenType(otf []byte) ([]byte, error) {
	c, err := NewConverter(otf)
	if err != nil {
		return nil, err
	}
	var all []rune
	for r := rune(0x20); r <= 0xFFFD; r++ {
		all = append(all, r)
	}
	return c.Font(all)
}

// Font returns a TrueType font with the glyphs of printable ASCII and of
// runes (characters outside the BMP or missing from the font are left out).
func (c *Converter) Font(runes []rune) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.f
	ppem := fixed.I(int(f.UnitsPerEm()))
	want := map[rune]bool{}
	for r := rune(0x20); r < 0x7F; r++ {
		want[r] = true
	}
	for _, r := range runes {
		if r >= 0x20 && r <= 0xFFFD && (r < 0xD800 || r > 0xDFFF) {
			want[r] = true
		}
	}
	sorted := make([]rune, 0, len(want))
	for r := range want {
		sorted = append(sorted, r)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })

	// Glyph 0 stays .notdef; the others are numbered in the order of the
	// first character that maps to them, so cmap runs stay contiguous.
	oldToNew := map[sfnt.GlyphIndex]uint16{0: 0}
	olds := []sfnt.GlyphIndex{0}
	var mapped []rune
	cmap := map[rune]uint16{}
	for _, r := range sorted {
		gi, err := f.GlyphIndex(&c.buf, r)
		if err != nil || gi == 0 {
			continue
		}
		n, ok := oldToNew[gi]
		if !ok {
			n = uint16(len(olds))
			oldToNew[gi] = n
			olds = append(olds, gi)
		}
		cmap[r] = n
		mapped = append(mapped, r)
	}

	var glyf, loca, hmtx bytes.Buffer
	bbox := [4]int{math.MaxInt32, math.MaxInt32, math.MinInt32, math.MinInt32}
	maxPoints, maxContours, maxAdvance := 0, 0, 0
	for _, old := range olds {
		binary.Write(&loca, binary.BigEndian, uint32(glyf.Len()))
		g, ok := c.glyphs[old]
		if !ok {
			adv, err := f.GlyphAdvance(&c.buf, old, ppem, font.HintingNone)
			if err != nil {
				return nil, errors.Wrapf(err, "glyph %d advance", old)
			}
			segs, err := f.LoadGlyph(&c.buf, old, ppem, nil)
			if err != nil {
				return nil, errors.Wrapf(err, "glyph %d outline", old)
			}
			g = encodeGlyph(outline(segs))
			g.advance = int(adv.Round())
			c.glyphs[old] = g
		}
		lsb := 0
		if g.data != nil {
			lsb = g.xMin
			glyf.Write(g.data)
			for glyf.Len()%4 != 0 {
				glyf.WriteByte(0)
			}
			bbox[0], bbox[1] = min(bbox[0], g.xMin), min(bbox[1], g.yMin)
			bbox[2], bbox[3] = max(bbox[2], g.xMax), max(bbox[3], g.yMax)
			maxPoints, maxContours = max(maxPoints, g.points), max(maxContours, g.contours)
		}
		maxAdvance = max(maxAdvance, g.advance)
		binary.Write(&hmtx, binary.BigEndian, uint16(g.advance))
		binary.Write(&hmtx, binary.BigEndian, int16(lsb))
	}
	binary.Write(&loca, binary.BigEndian, uint32(glyf.Len()))
	numGlyphs := len(olds)
	tables := c.tables
	runes = mapped

	head := append([]byte(nil), tables["head"]...)
	if len(head) < 54 {
		return nil, errors.New("font has no usable head table")
	}
	be := binary.BigEndian
	be.PutUint32(head[8:], 0) // checksum adjustment, set by assemble
	be.PutUint16(head[36:], uint16(int16(bbox[0])))
	be.PutUint16(head[38:], uint16(int16(bbox[1])))
	be.PutUint16(head[40:], uint16(int16(bbox[2])))
	be.PutUint16(head[42:], uint16(int16(bbox[3])))
	be.PutUint16(head[50:], 1) // long loca offsets
	be.PutUint16(head[52:], 0)

	hhea := append([]byte(nil), tables["hhea"]...)
	if len(hhea) < 36 {
		return nil, errors.New("font has no usable hhea table")
	}
	be.PutUint16(hhea[10:], uint16(maxAdvance))
	be.PutUint16(hhea[34:], uint16(numGlyphs))

	maxp := make([]byte, 32)
	be.PutUint32(maxp[0:], 0x00010000)
	be.PutUint16(maxp[4:], uint16(numGlyphs))
	be.PutUint16(maxp[6:], uint16(maxPoints))
	be.PutUint16(maxp[8:], uint16(maxContours))
	be.PutUint16(maxp[14:], 1) // maxZones

	post := make([]byte, 32)
	if p := tables["post"]; len(p) >= 32 {
		copy(post, p[:32])
	}
	be.PutUint32(post[0:], 0x00030000) // no glyph names

	out := map[string][]byte{
		"head": head,
		"hhea": hhea,
		"maxp": maxp,
		"hmtx": hmtx.Bytes(),
		"loca": loca.Bytes(),
		"glyf": glyf.Bytes(),
		"cmap": cmapTable(runes, cmap),
		"post": post,
	}
	for _, name := range []string{"OS/2", "name"} {
		if t, ok := tables[name]; ok {
			out[name] = t
		}
	}
	return assemble(out), nil
}

// tableDirectory returns the raw tables of an sfnt file by tag.
func tableDirectory(b []byte) (map[string][]byte, error) {
	if len(b) < 12 {
		return nil, errors.New("font file too short")
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if len(b) < 12+16*n {
		return nil, errors.New("font table directory truncated")
	}
	out := map[string][]byte{}
	for i := 0; i < n; i++ {
		rec := b[12+16*i:]
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(length) > uint64(len(b)) {
			return nil, errors.Newf("font table %q out of range", rec[:4])
		}
		out[string(rec[:4])] = b[off : off+length]
	}
	return out, nil
}

type point struct {
	x, y int
	on   bool
}

// outline turns sfnt segments (26.6 font units, y down) into TrueType
// contours (font units, y up) with quadratic off-curve points.
func outline(segs sfnt.Segments) [][]point {
	var contours [][]point
	var cur []point
	var px, py float64
	conv := func(p fixed.Point26_6) (float64, float64) { return float64(p.X) / 64, -float64(p.Y) / 64 }
	on := func(x, y float64) point { return point{int(math.Round(x)), int(math.Round(y)), true} }
	off := func(x, y float64) point { return point{int(math.Round(x)), int(math.Round(y)), false} }
	flush := func() {
		if len(cur) > 1 {
			if first, last := cur[0], cur[len(cur)-1]; first == last {
				cur = cur[:len(cur)-1]
			}
		}
		if len(cur) >= 2 {
			contours = append(contours, cur)
		}
		cur = nil
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			flush()
			px, py = conv(s.Args[0])
			cur = append(cur, on(px, py))
		case sfnt.SegmentOpLineTo:
			px, py = conv(s.Args[0])
			cur = append(cur, on(px, py))
		case sfnt.SegmentOpQuadTo:
			cx, cy := conv(s.Args[0])
			px, py = conv(s.Args[1])
			cur = append(cur, off(cx, cy), on(px, py))
		case sfnt.SegmentOpCubeTo:
			c1x, c1y := conv(s.Args[0])
			c2x, c2y := conv(s.Args[1])
			ex, ey := conv(s.Args[2])
			for _, q := range cubicToQuads(px, py, c1x, c1y, c2x, c2y, ex, ey) {
				cur = append(cur, off(q[0], q[1]), on(q[2], q[3]))
			}
			px, py = ex, ey
		}
	}
	flush()
	return contours
}

// cubicToQuads splits a cubic into n pieces and approximates each by one
// quadratic; the error of that falls with n³, so n is chosen to keep it
// under half a font unit.
func cubicToQuads(x0, y0, x1, y1, x2, y2, x3, y3 float64) [][4]float64 {
	dx, dy := x3-3*x2+3*x1-x0, y3-3*y2+3*y1-y0
	e := math.Hypot(dx, dy) * math.Sqrt(3) / 36
	n := int(math.Ceil(math.Cbrt(e / 0.5)))
	n = max(1, min(n, 16))
	at := func(t float64) (float64, float64) {
		u := 1 - t
		return u*u*u*x0 + 3*u*u*t*x1 + 3*u*t*t*x2 + t*t*t*x3, u*u*u*y0 + 3*u*u*t*y1 + 3*u*t*t*y2 + t*t*t*y3
	}
	deriv := func(t float64) (float64, float64) {
		u := 1 - t
		return 3 * (u*u*(x1-x0) + 2*u*t*(x2-x1) + t*t*(x3-x2)), 3 * (u*u*(y1-y0) + 2*u*t*(y2-y1) + t*t*(y3-y2))
	}
	out := make([][4]float64, 0, n)
	for i := 0; i < n; i++ {
		t0, t1 := float64(i)/float64(n), float64(i+1)/float64(n)
		ax, ay := at(t0)
		bx, by := at(t1)
		// The piece's own control points (scaled derivatives), then the
		// mid-point quadratic of its two tangents.
		h := (t1 - t0) / 3
		d0x, d0y := deriv(t0)
		d1x, d1y := deriv(t1)
		c1x, c1y := ax+h*d0x, ay+h*d0y
		c2x, c2y := bx-h*d1x, by-h*d1y
		qx, qy := (3*(c1x+c2x)-ax-bx)/4, (3*(c1y+c2y)-ay-by)/4
		out = append(out, [4]float64{qx, qy, bx, by})
	}
	return out
}

type glyph struct {
	data                   []byte
	xMin, yMin, xMax, yMax int
	points, contours       int
	advance                int
}

// encodeGlyph writes a simple glyph; data is nil for an empty one (a space).
func encodeGlyph(contours [][]point) *glyph {
	if len(contours) == 0 {
		return &glyph{}
	}
	g := &glyph{xMin: math.MaxInt32, yMin: math.MaxInt32, xMax: math.MinInt32, yMax: math.MinInt32, contours: len(contours)}
	var ends []uint16
	var pts []point
	for _, c := range contours {
		pts = append(pts, c...)
		ends = append(ends, uint16(len(pts)-1))
	}
	for _, p := range pts {
		g.xMin, g.yMin = min(g.xMin, p.x), min(g.yMin, p.y)
		g.xMax, g.yMax = max(g.xMax, p.x), max(g.yMax, p.y)
	}
	g.points = len(pts)
	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, binary.BigEndian, v) }
	w(int16(len(contours)))
	w(int16(g.xMin))
	w(int16(g.yMin))
	w(int16(g.xMax))
	w(int16(g.yMax))
	w(ends)
	w(uint16(0)) // no instructions
	// Flags: on-curve bit; x and y always written as 16-bit deltas.
	for _, p := range pts {
		if p.on {
			b.WriteByte(1)
		} else {
			b.WriteByte(0)
		}
	}
	lx, ly := 0, 0
	for _, p := range pts {
		w(int16(p.x - lx))
		lx = p.x
	}
	for _, p := range pts {
		w(int16(p.y - ly))
		ly = p.y
	}
	g.data = b.Bytes()
	return g
}

// cmapTable writes a format 4 subtable for (3,1) and (0,3): one segment per
// run of characters whose glyph IDs rise with them.
func cmapTable(runes []rune, cmap map[rune]uint16) []byte {
	type seg struct{ start, end rune }
	var segs []seg
	for _, r := range runes {
		if n := len(segs); n > 0 && segs[n-1].end == r-1 && int(cmap[r])-int(r) == int(cmap[segs[n-1].start])-int(segs[n-1].start) {
			segs[n-1].end = r
			continue
		}
		segs = append(segs, seg{r, r})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF})
	segX2 := 2 * len(segs)
	search := 2
	entry := 0
	for search*2 <= len(segs) {
		search *= 2
		entry++
	}
	search *= 2
	var sub bytes.Buffer
	w := func(v any) { binary.Write(&sub, binary.BigEndian, v) }
	w(uint16(4))
	w(uint16(16 + 8*len(segs)))
	w(uint16(0))
	w(uint16(segX2))
	w(uint16(search))
	w(uint16(entry))
	w(uint16(segX2 - search))
	for _, s := range segs {
		w(uint16(s.end))
	}
	w(uint16(0))
	for _, s := range segs {
		w(uint16(s.start))
	}
	for _, s := range segs {
		if s.start == 0xFFFF {
			w(uint16(1))
			continue
		}
		w(uint16(int(cmap[s.start]) - int(s.start)))
	}
	for range segs {
		w(uint16(0))
	}
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, []uint16{0, 2, 0, 3})
	binary.Write(&b, binary.BigEndian, uint32(20))
	binary.Write(&b, binary.BigEndian, []uint16{3, 1})
	binary.Write(&b, binary.BigEndian, uint32(20))
	b.Write(sub.Bytes())
	return b.Bytes()
}

// assemble writes an sfnt file with the tables in tag order and correct
// checksums.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	search, entry := 1, 0
	for search*2 <= n {
		search *= 2
		entry++
	}
	var b bytes.Buffer
	be := binary.BigEndian
	binary.Write(&b, be, uint32(0x00010000))
	binary.Write(&b, be, []uint16{uint16(n), uint16(search * 16), uint16(entry), uint16(n*16 - search*16)})
	off := 12 + 16*n
	headAt := 0
	for _, t := range tags {
		d := tables[t]
		if t == "head" {
			headAt = off
		}
		b.WriteString(t)
		binary.Write(&b, be, checksum(d))
		binary.Write(&b, be, uint32(off))
		binary.Write(&b, be, uint32(len(d)))
		off += (len(d) + 3) &^ 3
	}
	for _, t := range tags {
		b.Write(tables[t])
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	out := b.Bytes()
	be.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
