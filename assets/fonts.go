package assets

import _ "embed"

// FontRegular is Noto Sans CJK SC Regular, subset to GBK and the CJK Unified
// Ideographs (OpenType, CFF outlines). It covers Latin text as well, so the UI
// can use it for everything but monospace. See fonts/README.md.
//
//go:embed fonts/NotoSansSC-Circa-Regular.otf
var FontRegular []byte

// FontBold is the bold weight of FontRegular, with the same characters.
//
//go:embed fonts/NotoSansSC-Circa-Bold.otf
var FontBold []byte

// FontLicence is the SIL Open Font License text that must ship with the fonts.
//
//go:embed fonts/OFL.txt
var FontLicence string
