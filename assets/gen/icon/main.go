// Command icon draws Circa's app icon: an open book inside two circling
// arrows (lending and returning), in flat colours, as a 512×512 PNG.
//
// It is run by go generate in package assets; the shapes are plain geometry
// sampled 4×4 per pixel for smooth edges, so the output is identical on every
// machine.
package main

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	size    = 512
	samples = 4 // per axis, per pixel
)

var (
	background = color.NRGBA{0x1d, 0x5c, 0x7a, 0xff} // deep blue
	arrow      = color.NRGBA{0xff, 0xd1, 0x66, 0xff} // warm yellow
	cover      = color.NRGBA{0xef, 0x83, 0x54, 0xff} // orange
	page       = color.NRGBA{0xff, 0xfb, 0xf2, 0xff} // paper white
	ink        = color.NRGBA{0x9f, 0xc3, 0xd6, 0xff} // pale blue text lines
	spine      = color.NRGBA{0xc9, 0x5f, 0x34, 0xff} // dark orange
)

type point struct{ x, y float64 }

// shape reports whether a point lies inside it.
type shape func(p point) bool

// layer is a shape with its colour; later layers paint over earlier ones.
type layer struct {
	inside shape
	colour color.NRGBA
}

func main() {
	out := flag.String("out", "icon.png", "PNG file to write")
	flag.Parse()

	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, draw(layers())); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func layers() []layer {
	c := point{256, 256}
	ls := []layer{{roundedSquare(0, 0, size, size, 104), background}}
	// Two arrows chasing each other round the book: one lends, one returns.
	for _, start := range []float64{200, 20} {
		ls = append(ls,
			layer{arc(c, 168, 198, start, start+130), arrow},
			layer{arrowHead(c, 183, start+130, 40, 26), arrow})
	}
	// The open book: a cover peeking out under two pages, left and mirrored right.
	coverLeft := []point{{256, 220}, {146, 198}, {146, 344}, {256, 368}}
	pageLeft := []point{{256, 206}, {158, 186}, {158, 330}, {256, 352}}
	ls = append(ls,
		layer{polygon(coverLeft), cover}, layer{polygon(mirror(coverLeft)), cover},
		layer{polygon(pageLeft), page}, layer{polygon(mirror(pageLeft)), page})
	// Lines of text, rising towards the outer edge like the page's top.
	const slope = 20.0 / 98
	for i := 0; i < 5; i++ {
		y := 222 + float64(i)*24
		a, b := point{234, y}, point{172, y - (234-172)*slope}
		ls = append(ls, layer{thickLine(a, b, 6), ink}, layer{thickLine(mirror1(a), mirror1(b), 6), ink})
	}
	return append(ls, layer{thickLine(point{256, 206}, point{256, 352}, 3), spine})
}

// draw samples every layer and returns the anti-aliased image.
func draw(ls []layer) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var r, g, b, a float64
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					p := point{float64(x) + (float64(sx)+0.5)/samples, float64(y) + (float64(sy)+0.5)/samples}
					for i := len(ls) - 1; i >= 0; i-- {
						if ls[i].inside(p) {
							c := ls[i].colour
							r, g, b, a = r+float64(c.R), g+float64(c.G), b+float64(c.B), a+255
							break
						}
					}
				}
			}
			if a == 0 {
				continue
			}
			// Average the covered samples' colour; coverage becomes alpha.
			n := a / 255
			img.SetNRGBA(x, y, color.NRGBA{
				R: uint8(math.Round(r / n)), G: uint8(math.Round(g / n)), B: uint8(math.Round(b / n)),
				A: uint8(math.Round(a / (samples * samples))),
			})
		}
	}
	return img
}

func roundedSquare(x0, y0, x1, y1, radius float64) shape {
	return func(p point) bool {
		if p.x < x0 || p.x > x1 || p.y < y0 || p.y > y1 {
			return false
		}
		cx := math.Max(x0+radius, math.Min(p.x, x1-radius))
		cy := math.Max(y0+radius, math.Min(p.y, y1-radius))
		return math.Hypot(p.x-cx, p.y-cy) <= radius
	}
}

// arc is a ring segment between two angles, in degrees clockwise from 3 o'clock.
func arc(c point, inner, outer, from, to float64) shape {
	return func(p point) bool {
		d := math.Hypot(p.x-c.x, p.y-c.y)
		if d < inner || d > outer {
			return false
		}
		a := math.Mod(math.Atan2(p.y-c.y, p.x-c.x)*180/math.Pi-from+720, 360)
		return a <= to-from
	}
}

// arrowHead is a triangle at angle at on a circle of radius r, pointing clockwise.
func arrowHead(c point, r, at, halfWidth, length float64) shape {
	rad := func(deg float64) float64 { return deg * math.Pi / 180 }
	on := func(radius, deg float64) point {
		return point{c.x + radius*math.Cos(rad(deg)), c.y + radius*math.Sin(rad(deg))}
	}
	tip := on(r, at+length)
	return polygon([]point{on(r-halfWidth, at), on(r+halfWidth, at), tip})
}

// mirror1 reflects p about the icon's vertical centre line.
func mirror1(p point) point { return point{size - p.x, p.y} }

// mirror reflects a polygon about the icon's vertical centre line.
func mirror(pts []point) []point {
	m := make([]point, len(pts))
	for i, p := range pts {
		m[i] = mirror1(p)
	}
	return m
}

// polygon uses the even-odd rule.
func polygon(pts []point) shape {
	return func(p point) bool {
		in := false
		for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
			a, b := pts[i], pts[j]
			if (a.y > p.y) != (b.y > p.y) && p.x < (b.x-a.x)*(p.y-a.y)/(b.y-a.y)+a.x {
				in = !in
			}
		}
		return in
	}
}

// thickLine is a segment with round ends.
func thickLine(a, b point, width float64) shape {
	return func(p point) bool {
		dx, dy := b.x-a.x, b.y-a.y
		t := math.Max(0, math.Min(1, ((p.x-a.x)*dx+(p.y-a.y)*dy)/(dx*dx+dy*dy)))
		return math.Hypot(p.x-a.x-t*dx, p.y-a.y-t*dy) <= width/2
	}
}
