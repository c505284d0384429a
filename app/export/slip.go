package export

import (
	"io"
	"strings"
)

// SlipWidth is the paper width of a slip, in millimetres: the common 80 mm
// receipt roll (an A4 printer prints it at the top of a page).
const SlipWidth = 80.0

// Slip writes text (lines separated by newlines) as a one-column PDF on
// receipt-width paper, long enough for every line, in the embedded font so
// Chinese prints everywhere.
func Slip(w io.Writer, text string) error {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	const margin, lineH = 4.0, 5.0
	pdf, err := NewPDFSized("P", SlipWidth, margin*2+lineH*float64(len(lines)+1), text)
	if err != nil {
		return err
	}
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	pdf.SetFont(FontFamily, "", 9)
	for i, line := range lines {
		if i == 0 {
			pdf.SetFont(FontFamily, "B", 10)
		}
		pdf.MultiCell(SlipWidth-2*margin, lineH, line, "", "L", false)
		if i == 0 {
			pdf.SetFont(FontFamily, "", 9)
		}
	}
	return WritePDF(pdf, w)
}
