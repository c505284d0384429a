package reports_test

import (
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/circa-library/circa/app/reports"
	"github.com/circa-library/circa/app/reports/fixture"
	"github.com/circa-library/circa/assets/i18n"
)

var keepCharts = flag.String("charts", "", "write the rendered charts as PNG files to this folder")

func TestChartsRender(t *testing.T) {
	f := fixture.New(t, fixture.Options{Titles: 30, CopiesPerTitle: 1, Readers: 20, Seed: 8})
	f.Simulate(t, 70, 10, 9)
	for _, lang := range i18n.Langs() {
		tables, err := reports.BuildIn(f.Lib, nil, "2026-02-01", "2026-03-15", i18n.New(lang))
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables {
			if tb.Chart == nil {
				continue
			}
			img, err := tb.Chart.Render(800, 360, 1)
			if err != nil {
				t.Fatalf("%s: %v", tb.Name, err)
			}
			if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 360 {
				t.Errorf("%s: size %v", tb.Name, b)
			}
			// Something other than the white background must be drawn in
			// the plot area: bars or lines in a series colour.
			coloured := 0
			for y := 0; y < 360; y++ {
				for x := 0; x < 800; x++ {
					c := img.RGBAAt(x, y)
					for _, p := range append(reports.Palette[:2:2], reports.PreviousColour) {
						if c == p {
							coloured++
						}
					}
				}
			}
			if coloured < 50 {
				t.Errorf("%s (%s): only %d pixels in series colours", tb.Name, lang, coloured)
			}
			if *keepCharts != "" {
				out, _ := os.Create(filepath.Join(*keepCharts, string(lang)+"-"+tb.Name+".png"))
				png.Encode(out, img)
				out.Close()
			}
		}
	}
}

func TestChartTooSmall(t *testing.T) {
	c := &reports.Chart{Title: "x", Labels: []string{"a"}, Series: []reports.Series{{Name: "s", Values: []float64{1}}}}
	if _, err := c.Render(10, 10, 1); err == nil {
		t.Error("a 10×10 chart was drawn")
	}
}
