package export

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"strconv"
	"sync"

	"github.com/cockroachdb/errors"
	"github.com/go-pdf/fpdf"

	"github.com/circa-library/circa/app/export/internal/ttf"
	"github.com/circa-library/circa/assets"
)

// Font family names documents use after NewPDF.
const (
	FontFamily = "noto"
)

var (
	convOnce            sync.Once
	convErr             error
	regularTTF, boldTTF *ttf.Converter
)

func converters() (*ttf.Converter, *ttf.Converter, error) {
	convOnce.Do(func() {
		regularTTF, convErr = ttf.NewConverter(assets.FontRegular)
		if convErr == nil {
			boldTTF, convErr = ttf.NewConverter(assets.FontBold)
		}
	})
	return regularTTF, boldTTF, convErr
}

// NewPDF starts an fpdf document (orientation "P" or "L", size "A4" …, units
// mm) with the embedded font as FontFamily, regular ("") and bold ("B"),
// covering the characters of texts: pass every string the document will
// show. Characters not passed render as blanks.
func NewPDF(orientation, size string, texts ...string) (*fpdf.Fpdf, error) {
	return newDoc(&fpdf.InitType{OrientationStr: orientation, UnitStr: "mm", SizeStr: size}, texts)
}

// NewPDFSized is NewPDF with a page of w×h millimetres.
func NewPDFSized(orientation string, w, h float64, texts ...string) (*fpdf.Fpdf, error) {
	return newDoc(&fpdf.InitType{OrientationStr: orientation, UnitStr: "mm", Size: fpdf.SizeType{Wd: w, Ht: h}}, texts)
}

func newDoc(init *fpdf.InitType, texts []string) (*fpdf.Fpdf, error) {
	reg, bold, err := converters()
	if err != nil {
		return nil, err
	}
	var runes []rune
	seen := map[rune]bool{'…': true}
	runes = append(runes, '…')
	for _, t := range texts {
		for _, r := range t {
			if !seen[r] {
				seen[r] = true
				runes = append(runes, r)
			}
		}
	}
	rb, err := reg.Font(runes)
	if err != nil {
		return nil, err
	}
	bb, err := bold.Font(runes)
	if err != nil {
		return nil, err
	}
	pdf := fpdf.NewCustom(init)
	pdf.SetCreator("Circa", true)
	pdf.AddUTF8FontFromBytes(FontFamily, "", rb)
	pdf.AddUTF8FontFromBytes(FontFamily, "B", bb)
	pdf.SetFont(FontFamily, "", 10)
	return pdf, errors.Wrap(pdf.Error(), "loading the font")
}

// WritePDF finishes pdf into w.
func WritePDF(pdf *fpdf.Fpdf, w io.Writer) error {
	return errors.Wrap(pdf.Output(w), "writing PDF")
}

var imageSeq struct {
	sync.Mutex
	n int
}

// PlaceImage draws img in the box (x, y, w, h mm) of pdf.
func PlaceImage(pdf *fpdf.Fpdf, img image.Image, x, y, w, h float64) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return errors.Wrap(err, "encoding an image")
	}
	imageSeq.Lock()
	imageSeq.n++
	name := "img" + strconv.Itoa(imageSeq.n)
	imageSeq.Unlock()
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
	pdf.ImageOptions(name, x, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	return pdf.Error()
}

// fitText shortens s with an ellipsis until it is at most w mm wide in the
// current font.
func fitText(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && pdf.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
