package reports

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
	"sync"

	"github.com/cockroachdb/errors"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/circa-library/circa/assets"
)

// Palette colours the series of a chart, in order; PreviousColour is for
// the previous period's.
var (
	Palette = []color.RGBA{
		{0x2b, 0x6c, 0xb0, 0xff}, // blue
		{0xe0, 0x8a, 0x1e, 0xff}, // orange
		{0x3a, 0x9a, 0x5b, 0xff}, // green
		{0x8e, 0x44, 0xad, 0xff}, // purple
	}
	PreviousColour = color.RGBA{0xa8, 0xb2, 0xbd, 0xff}
)

func seriesColour(i int, s Series) color.RGBA {
	if s.Previous {
		return PreviousColour
	}
	return Palette[i%len(Palette)]
}

var (
	ink  = color.RGBA{0x22, 0x22, 0x22, 0xff}
	grid = color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
)

var (
	fontOnce sync.Once
	fontErr  error
	chartFnt *opentype.Font
)

func chartFont() (*opentype.Font, error) {
	fontOnce.Do(func() {
		chartFnt, fontErr = opentype.Parse(assets.FontRegular)
		fontErr = errors.Wrap(fontErr, "parsing the embedded font")
	})
	return chartFnt, fontErr
}

// Render draws the chart as a w×h picture, with its title, legend, value
// axis and labels in the embedded Noto Sans SC, so Chinese and English both
// render on any machine. scale enlarges text and lines (1 for the screen,
// 2–3 for print).
func (c *Chart) Render(w, h int, scale float64) (*image.RGBA, error) {
	if w < 100 || h < 80 {
		return nil, errors.Newf("chart size %d×%d is too small", w, h)
	}
	if scale <= 0 {
		scale = 1
	}
	f, err := chartFont()
	if err != nil {
		return nil, err
	}
	face := func(size float64) (font.Face, error) {
		return opentype.NewFace(f, &opentype.FaceOptions{Size: size * scale, DPI: 72, Hinting: font.HintingFull})
	}
	titleFace, err := face(15)
	if err != nil {
		return nil, err
	}
	defer titleFace.Close()
	small, err := face(11)
	if err != nil {
		return nil, err
	}
	defer small.Close()

	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	px := func(v float64) int { return int(math.Round(v * scale)) }
	lineH := small.Metrics().Height.Ceil()

	// Title and legend.
	y := px(8) + titleFace.Metrics().Ascent.Ceil()
	drawText(img, titleFace, c.Title, px(10), y, ink)
	y += px(8)
	x := px(10)
	for i, s := range c.Series {
		col := seriesColour(i, s)
		fill(img, image.Rect(x, y+px(2), x+px(12), y+px(12)), col)
		x += px(16)
		drawText(img, small, s.Name, x, y+small.Metrics().Ascent.Ceil(), ink)
		x += textWidth(small, s.Name) + px(16)
	}
	top := y + lineH + px(10)

	// Value axis with "nice" ticks.
	maxV := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			maxV = math.Max(maxV, v)
		}
	}
	step, ticks := niceTicks(maxV)
	maxLabel := 0
	for i := 0; i <= ticks; i++ {
		maxLabel = max(maxLabel, textWidth(small, tickLabel(float64(i)*step, c.Percent)))
	}
	left := px(10) + maxLabel + px(6)
	right := w - px(12)
	bottom := h - lineH - px(14)
	if bottom-top < px(30) || right-left < px(40) {
		return nil, errors.Newf("chart size %d×%d leaves no room to draw", w, h)
	}
	top2 := float64(step * float64(ticks))
	yOf := func(v float64) float64 { return float64(bottom) - v/top2*float64(bottom-top) }
	for i := 0; i <= ticks; i++ {
		v := float64(i) * step
		ty := int(yOf(v))
		fill(img, image.Rect(left, ty, right, ty+max(1, px(0.5))), grid)
		l := tickLabel(v, c.Percent)
		drawText(img, small, l, left-px(6)-textWidth(small, l), ty+small.Metrics().Ascent.Ceil()/2-px(1), ink)
	}
	fill(img, image.Rect(left, bottom, right, bottom+max(1, px(1))), ink)

	// Category labels: as many as fit without overlapping.
	n := len(c.Labels)
	if n == 0 {
		return img, nil
	}
	slot := float64(right-left) / float64(n)
	widest := 0
	for _, l := range c.Labels {
		widest = max(widest, textWidth(small, shorten(l, 14)))
	}
	every := max(1, int(math.Ceil(float64(widest+px(6))/slot)))
	for i, l := range c.Labels {
		if i%every != 0 {
			continue
		}
		l = shorten(l, 14)
		cx := left + int((float64(i)+0.5)*slot)
		drawText(img, small, l, cx-textWidth(small, l)/2, bottom+px(4)+small.Metrics().Ascent.Ceil(), ink)
	}

	switch c.Kind {
	case LineChart:
		for si, s := range c.Series {
			col := seriesColour(si, s)
			var pts [][2]float64
			for i, v := range s.Values {
				pts = append(pts, [2]float64{float64(left) + (float64(i)+0.5)*slot, yOf(v)})
			}
			strokePolyline(img, pts, 2*scale, col)
			if n <= 62 {
				for _, p := range pts {
					fill(img, image.Rect(int(p[0])-px(2), int(p[1])-px(2), int(p[0])+px(2)+1, int(p[1])+px(2)+1), col)
				}
			}
		}
	default:
		k := max(1, len(c.Series))
		gap := slot * 0.2
		bw := (slot - gap) / float64(k)
		for si, s := range c.Series {
			col := seriesColour(si, s)
			for i, v := range s.Values {
				x0 := float64(left) + float64(i)*slot + gap/2 + float64(si)*bw
				r := image.Rect(int(x0), int(yOf(v)), int(x0+bw)-min(1, int(bw/4)), bottom)
				fill(img, r, col)
			}
		}
	}
	return img, nil
}

// niceTicks returns a step of 1, 2 or 5 × 10ⁿ and how many steps reach max.
func niceTicks(maxV float64) (float64, int) {
	if maxV <= 0 {
		return 1, 4
	}
	raw := maxV / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if step < 1 {
		step = 1
	}
	return step, int(math.Ceil(maxV / step))
}

func tickLabel(v float64, percent bool) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if percent {
		s += "%"
	}
	return s
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r.Canon(), image.NewUniform(c), image.Point{}, draw.Over)
}

func drawText(img *image.RGBA, face font.Face, s string, x, y int, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func textWidth(face font.Face, s string) int { return font.MeasureString(face, s).Ceil() }

// strokePolyline draws an anti-aliased line of width wd through pts.
func strokePolyline(img *image.RGBA, pts [][2]float64, wd float64, c color.Color) {
	b := img.Bounds()
	r := vector.NewRasterizer(b.Dx(), b.Dy())
	for i := 1; i < len(pts); i++ {
		x0, y0, x1, y1 := pts[i-1][0], pts[i-1][1], pts[i][0], pts[i][1]
		dx, dy := x1-x0, y1-y0
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*wd/2, dx/l*wd/2
		r.MoveTo(float32(x0+nx), float32(y0+ny))
		r.LineTo(float32(x1+nx), float32(y1+ny))
		r.LineTo(float32(x1-nx), float32(y1-ny))
		r.LineTo(float32(x0-nx), float32(y0-ny))
		r.ClosePath()
	}
	r.Draw(img, b, image.NewUniform(c), image.Point{})
}
