package devices

import "time"

// Scan is one barcode read, whichever path it came by: direct HID, keyboard
// wedge or the simulated scanner.
type Scan struct {
	Device    string    // DeviceInfo.Key of a HID scanner, or the wedge's configured name
	Text      string    // the barcode as the scanner sent it, without terminator
	Symbology string    // one of the Symbology constants, an AIM ID such as "]X0", or "" when unknown
	Time      time.Time // when the last report or keystroke of the scan arrived
}

// Symbologies named from AIM symbology identifiers (ISO/IEC 15424). Keyboard
// scans carry none unless the scanner sends an AIM prefix.
const (
	SymbologyEANUPC     = "ean-upc" // ]E0: EAN-13, UPC-A, UPC-E
	SymbologyEANAddOn   = "ean-upc+addon"
	SymbologyEAN8       = "ean8"
	SymbologyCode39     = "code39"
	SymbologyCode93     = "code93"
	SymbologyCode128    = "code128"
	SymbologyGS1128     = "gs1-128"
	SymbologyCodabar    = "codabar"
	SymbologyITF        = "itf"
	SymbologyDataBar    = "gs1-databar"
	SymbologyQR         = "qr"
	SymbologyDataMatrix = "datamatrix"
	SymbologyPDF417     = "pdf417"
	SymbologyAztec      = "aztec"
)

// SymbologyFromAIM names the symbology of an AIM identifier ("]E0", or "E0"
// without the flag character). Unknown identifiers come back as they are,
// with their "]".
func SymbologyFromAIM(aim string) string {
	if aim == "" {
		return ""
	}
	if aim[0] != ']' {
		aim = "]" + aim
	}
	if len(aim) < 2 {
		return ""
	}
	mod := byte(0)
	if len(aim) > 2 {
		mod = aim[2]
	}
	switch aim[1] {
	case 'A':
		return SymbologyCode39
	case 'C':
		if mod == '1' {
			return SymbologyGS1128
		}
		return SymbologyCode128
	case 'E':
		switch mod {
		case '4':
			return SymbologyEAN8
		case '1', '2', '3':
			return SymbologyEANAddOn
		}
		return SymbologyEANUPC
	case 'F':
		return SymbologyCodabar
	case 'G':
		return SymbologyCode93
	case 'I':
		return SymbologyITF
	case 'e':
		return SymbologyDataBar
	case 'Q':
		return SymbologyQR
	case 'd':
		return SymbologyDataMatrix
	case 'L':
		return SymbologyPDF417
	case 'z':
		return SymbologyAztec
	}
	return aim
}
