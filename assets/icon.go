package assets

import _ "embed"

// Icon is the 512×512 PNG app icon, drawn by gen/icon (run go generate).
//
//go:embed icon.png
var Icon []byte
