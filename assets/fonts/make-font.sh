#!/usr/bin/env bash
# make-font.sh rebuilds the embedded Chinese UI font from Debian's fonts-noto-cjk.
#
# It extracts Noto Sans CJK SC (face 2 of the .ttc collection; the script checks
# the name table rather than trusting the number) and subsets it with fontTools'
# pyftsubset to: ASCII, Latin-1, general punctuation, CJK symbols and punctuation,
# fullwidth forms, every character of GBK (computed by decoding each GBK
# double-byte code) and the rest of the CJK Unified Ideographs block
# (U+9FA6-U+9FFF).
#
# The outlines stay CFF, so the files are OpenType (.otf), which Fyne reads.
# Only the layout features that Fyne's shaper applies to horizontal text are
# kept: the locl/vert substitutions would pull in every JP/KR/TC variant glyph
# and double the size. Two weights come to about 10 MB.
#
# Needs: fonts-noto-cjk python3-fonttools (Debian 12: 1:20220127+repack1-1, 4.38.0).
# Usage: assets/fonts/make-font.sh            (writes next to this script)
#        WEIGHTS="Regular" assets/fonts/make-font.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}   # Debian's python, which has fontTools
SRC_DIR=${SRC_DIR:-/usr/share/fonts/opentype/noto}
WEIGHTS=${WEIGHTS:-"Regular Bold"}
FACE=2                               # Noto Sans CJK SC inside NotoSansCJK-*.ttc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The character set, one code point per line (hex), computed not copied.
"$PYTHON" - "$work/unicodes.txt" <<'PY'
import sys
cps = set()
def span(lo, hi):
    cps.update(range(lo, hi + 1))
span(0x0020, 0x007E)   # ASCII
span(0x00A0, 0x00FF)   # Latin-1 supplement
span(0x2000, 0x206F)   # general punctuation
span(0x3000, 0x303F)   # CJK symbols and punctuation
span(0xFF00, 0xFFEF)   # halfwidth and fullwidth forms
span(0x4E00, 0x9FFF)   # CJK Unified Ideographs, all of it (GBK stops at U+9FA5)
span(0x20AC, 0x20AC)   # euro sign
span(0x2116, 0x2116)   # numero sign
# Every GBK double-byte code: lead 0x81-0xFE, trail 0x40-0xFE without 0x7F.
# Python's gbk codec leaves some of them undecoded (radicals, ideographic
# description characters, some Extension A ideographs such as 䶮) that its
# gb18030 codec maps, as GB18030-2005 and Go's x/text GBK decoder do: use both.
gbk = set()
for lead in range(0x81, 0xFF):
    for trail in range(0x40, 0xFF):
        if trail == 0x7F:
            continue
        for codec in ("gbk", "gb18030"):
            try:
                ch = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and not 0xE000 <= ord(ch) <= 0xF8FF:  # no private use
                gbk.add(ord(ch))
cps |= gbk
with open(sys.argv[1], "w") as f:
    for cp in sorted(cps):
        f.write("%04X\n" % cp)
print("characters requested: %d (GBK: %d)" % (len(cps), len(gbk)), file=sys.stderr)
PY

for weight in $WEIGHTS; do
	ttc="$SRC_DIR/NotoSansCJK-$weight.ttc"
	out="$here/NotoSansSC-Circa-$weight.otf"
	# Refuse to run if face $FACE is not the SC font (Debian could reorder the collection).
	"$PYTHON" - "$ttc" "$FACE" <<'PY'
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1], fontNumber=int(sys.argv[2]), lazy=True)
name = f["name"].getDebugName(4)
print("face %s of %s: %s" % (sys.argv[2], sys.argv[1], name), file=sys.stderr)
if "CJK SC" not in name:
    sys.exit("expected Noto Sans CJK SC, found %r" % name)
PY
	"$PYTHON" -m fontTools.subset "$ttc" \
		--font-number="$FACE" \
		--unicodes-file="$work/unicodes.txt" \
		--layout-features='ccmp,kern,liga,calt,mark,mkmk' \
		--name-IDs='*' --name-languages='*' --name-legacy \
		--no-hinting \
		--drop-tables+=VORG,vhea,vmtx,DSIG \
		--output-file="$out"
	ls -l "$out" >&2
done

# The licence: the Debian package's copy of the SIL OFL 1.1, unwrapped from its
# debian/copyright paragraph, after the copyright notice from the font itself.
{
	"$PYTHON" -c 'import sys
from fontTools.ttLib import TTFont
print(TTFont(sys.argv[1], lazy=True)["name"].getDebugName(0))' "$here/NotoSansSC-Circa-Regular.otf"
	echo
	awk '/^License: SIL-1.1$/ { inside = 1; next }
	     inside && /^ / { sub(/^ /, ""); if ($0 == ".") $0 = ""; print; next }
	     { inside = 0 }' /usr/share/doc/fonts-noto-cjk/copyright
} >"$here/OFL.txt"
