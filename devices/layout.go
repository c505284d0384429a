package devices

import "sort"

// Modifiers is the modifier byte of a keyboard report, one bit per key from
// Left Control (usage 0xE0) to Right GUI (0xE7).
type Modifiers uint8

// Modifier bits.
const (
	ModLeftCtrl Modifiers = 1 << iota
	ModLeftShift
	ModLeftAlt
	ModLeftGUI
	ModRightCtrl
	ModRightShift
	ModRightAlt // AltGr on layouts that have it
	ModRightGUI
)

// Keyboard usages that end a scan.
const (
	KeyEnter       uint16 = 0x28
	KeyTab         uint16 = 0x2B
	KeypadEnter    uint16 = 0x58
	keyErrRollOver uint16 = 0x01
)

// Layout maps keyboard usages to the characters a computer set to that layout
// would type. A keyboard-mode scanner is configured for a layout and sends the
// key usages that produce its characters on that layout, so the decoder must
// use the same one.
type Layout struct {
	name string
	keys [256][3]rune // plain, shifted, AltGr; 0 when the key types nothing
}

// Name returns the layout's identifier, as stored in settings ("us", "de", "fr").
func (l *Layout) Name() string { return l.name }

// Rune returns the character typed by the key with that usage while the
// modifiers are held. Keys held with Control or GUI type nothing, except
// Control+Alt, which Windows treats as AltGr.
func (l *Layout) Rune(usage uint16, mods Modifiers) (rune, bool) {
	if usage > 0xFF {
		return 0, false
	}
	ctrl := mods&(ModLeftCtrl|ModRightCtrl) != 0
	alt := mods&ModLeftAlt != 0
	altGr := mods&ModRightAlt != 0 || (ctrl && alt)
	if !altGr && (ctrl || alt || mods&(ModLeftGUI|ModRightGUI) != 0) {
		return 0, false
	}
	k := l.keys[usage]
	var r rune
	switch {
	case altGr:
		r = k[2]
	case mods&(ModLeftShift|ModRightShift) != 0:
		r = k[1]
	default:
		r = k[0]
	}
	return r, r != 0
}

// Keystroke returns a key and modifiers that type r on this layout: the
// inverse of Rune, used by the simulated scanner. Main keys are preferred to
// the keypad, as scanners send them.
func (l *Layout) Keystroke(r rune) (usage uint16, mods Modifiers, ok bool) {
	for _, keypad := range [2]bool{false, true} {
		for level, m := range [3]Modifiers{0, ModLeftShift, ModRightAlt} {
			for u := range l.keys {
				if isKeypad(uint16(u)) == keypad && l.keys[u][level] == r {
					return uint16(u), m, true
				}
			}
		}
	}
	return 0, 0, false
}

func isKeypad(u uint16) bool { return u >= 0x54 && u <= 0x63 || u == 0x67 }

var layouts = map[string]*Layout{}

// LayoutByName returns a built-in layout by its identifier.
func LayoutByName(name string) (*Layout, bool) {
	l, ok := layouts[name]
	return l, ok
}

// LayoutNames lists the identifiers of the built-in layouts.
func LayoutNames() []string {
	names := make([]string, 0, len(layouts))
	for n := range layouts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Built-in layouts, as Windows defines them (dead keys type nothing).
var (
	LayoutUS     = newLayout("us", nil)
	LayoutGerman = newLayout("de", map[uint16][3]rune{
		0x08: {'e', 'E', '€'}, 0x10: {'m', 'M', 'µ'}, 0x14: {'q', 'Q', '@'},
		0x1C: {'z', 'Z'}, 0x1D: {'y', 'Y'},
		0x1E: {'1', '!'}, 0x1F: {'2', '"', '²'}, 0x20: {'3', '§', '³'}, 0x21: {'4', '$'},
		0x22: {'5', '%'}, 0x23: {'6', '&'}, 0x24: {'7', '/', '{'}, 0x25: {'8', '(', '['},
		0x26: {'9', ')', ']'}, 0x27: {'0', '=', '}'},
		0x2D: {'ß', '?', '\\'}, 0x2E: {}, 0x2F: {'ü', 'Ü'}, 0x30: {'+', '*', '~'},
		0x31: {'#', '\''}, 0x32: {'#', '\''}, 0x33: {'ö', 'Ö'}, 0x34: {'ä', 'Ä'},
		0x35: {0, '°'}, 0x36: {',', ';'}, 0x37: {'.', ':'}, 0x38: {'-', '_'},
		0x64: {'<', '>', '|'}, 0x63: {',', ','},
	})
	LayoutFrench = newLayout("fr", map[uint16][3]rune{
		0x04: {'q', 'Q'}, 0x08: {'e', 'E', '€'}, 0x10: {',', '?'}, 0x14: {'a', 'A'},
		0x1A: {'z', 'Z'}, 0x1D: {'w', 'W'}, 0x33: {'m', 'M'},
		0x1E: {'&', '1'}, 0x1F: {'é', '2'}, 0x20: {'"', '3', '#'}, 0x21: {'\'', '4', '{'},
		0x22: {'(', '5', '['}, 0x23: {'-', '6', '|'}, 0x24: {'è', '7'}, 0x25: {'_', '8', '\\'},
		0x26: {'ç', '9', '^'}, 0x27: {'à', '0', '@'},
		0x2D: {')', '°', ']'}, 0x2E: {'=', '+', '}'}, 0x2F: {}, 0x30: {'$', '£', '¤'},
		0x31: {'*', 'µ'}, 0x32: {'*', 'µ'}, 0x34: {'ù', '%'}, 0x35: {'²'},
		0x36: {';', '.'}, 0x37: {':', '/'}, 0x38: {'!', '§'}, 0x64: {'<', '>'},
	})
)

// newLayout starts from the US layout and applies the differences.
func newLayout(name string, diff map[uint16][3]rune) *Layout {
	l := &Layout{name: name}
	for i := uint16(0); i < 26; i++ {
		l.keys[0x04+i] = [3]rune{'a' + rune(i), 'A' + rune(i)}
	}
	for i, pair := range []string{"1!", "2@", "3#", "4$", "5%", "6^", "7&", "8*", "9(", "0)"} {
		l.keys[0x1E+i] = [3]rune{rune(pair[0]), rune(pair[1])}
	}
	for u, pair := range map[uint16]string{
		0x2C: "  ", 0x2D: "-_", 0x2E: "=+", 0x2F: "[{", 0x30: "]}", 0x31: `\|`, 0x32: `\|`,
		0x33: ";:", 0x34: `'"`, 0x35: "`~", 0x36: ",<", 0x37: ".>", 0x38: "/?", 0x64: `\|`,
		0x54: "//", 0x55: "**", 0x56: "--", 0x57: "++", 0x62: "00", 0x63: "..", 0x67: "==",
	} {
		l.keys[u] = [3]rune{rune(pair[0]), rune(pair[1])}
	}
	for i := uint16(0); i < 9; i++ { // keypad 1-9, Num Lock on
		l.keys[0x59+i] = [3]rune{'1' + rune(i), '1' + rune(i)}
	}
	for u, k := range diff {
		l.keys[u] = k
	}
	layouts[name] = l
	return l
}
