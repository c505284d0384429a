package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/circa-library/circa/assets"
)

// DefaultTextSize is Circa's body text size, a step above Fyne's 14 for the
// older volunteers who staff many desks.
const DefaultTextSize float32 = 15

// Theme is Circa's look: Fyne's default colours and icons, following the
// system's light or dark variant, with text set in the embedded Noto Sans SC
// so Chinese renders even on machines without a Chinese font.
type Theme struct {
	// TextSize is the body text size. Headings, captions, inline icons and
	// padding grow in proportion, so a kiosk can simply ask for bigger text.
	TextSize float32
}

var _ fyne.Theme = (*Theme)(nil)

// NewTheme returns the theme with text scale times DefaultTextSize; a scale
// of zero or less means 1.
func NewTheme(scale float32) *Theme {
	if scale <= 0 {
		scale = 1
	}
	return &Theme{TextSize: DefaultTextSize * scale}
}

// The fonts are made once: Fyne caches faces by resource.
var (
	fontRegular = fyne.NewStaticResource("NotoSansSC-Circa-Regular.otf", assets.FontRegular)
	fontBold    = fyne.NewStaticResource("NotoSansSC-Circa-Bold.otf", assets.FontBold)
)

// AppIcon is the application icon as a Fyne resource.
var AppIcon fyne.Resource = fyne.NewStaticResource("circa.png", assets.Icon)

// Color returns Fyne's default colour for the variant.
func (t *Theme) Color(name fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return theme.DefaultTheme().Color(name, v)
}

// Font returns the embedded Noto Sans SC (bold for bold, also for italic
// styles, which CJK fonts do not have); monospace and symbols keep Fyne's fonts.
func (t *Theme) Font(style fyne.TextStyle) fyne.Resource {
	switch {
	case style.Monospace, style.Symbol:
		return theme.DefaultTheme().Font(style)
	case style.Bold:
		return fontBold
	default:
		return fontRegular
	}
}

// Icon returns Fyne's default icon.
func (t *Theme) Icon(name fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(name)
}

// Size scales Fyne's text-related sizes by TextSize over Fyne's own text size
// and leaves the rest (borders, scroll bars, radii) as they are.
func (t *Theme) Size(name fyne.ThemeSizeName) float32 {
	base := theme.DefaultTheme().Size(name)
	switch name {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText,
		theme.SizeNameCaptionText, theme.SizeNameInlineIcon,
		theme.SizeNamePadding, theme.SizeNameInnerPadding, theme.SizeNameLineSpacing:
		return base * t.scale()
	}
	return base
}

func (t *Theme) scale() float32 {
	size := t.TextSize
	if size <= 0 {
		size = DefaultTextSize
	}
	return size / theme.DefaultTheme().Size(theme.SizeNameText)
}
