#!/usr/bin/env bash
# Takes screenshots of the desk's main screens in Chinese and English under
# Xvfb, on a fresh demo library, into shots/<lang>-<screen>.png.
#
# Needs: xvfb-run, xauth and ImageMagick's import (Debian: xvfb xauth
# imagemagick), and what a cgo build of Circa needs (see PLATFORM-NOTES.md).
# The headless captures (no X at all) come from the ui tests instead:
#   CIRCA_SHOTS=1 go test -run TestScreenCaptures ./ui/   → shots/headless/
set -euo pipefail

# The demo library's administrator, as `circa demo` creates it.
ADMIN="admin:admin123"
# SCREENS_ONLY="reports" takes only the screens named.
SCREENS=(${SCREENS_ONLY:-circulation readers catalogue holds settings reports})
LANGS=(zh-Hans en)
WAIT=${WAIT:-6}          # seconds for the window to come up and draw
SIZE="1366x768x24"

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p shots

# BUILD=0 uses the binary already there; CIRCA_BIN names another one.
bin=$(realpath "${CIRCA_BIN:-bin/circa}")
if [ "${BUILD:-1}" = 1 ]; then
	if grep -q '^build:' Makefile 2>/dev/null; then
		make build
	else
		go build -o bin/circa ./cmd/circa
	fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
export HOME="$tmp/home" LANG=en_US.UTF-8
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME" "$HOME"
data="$tmp/library"

"$bin" --data "$data" demo

for lang in "${LANGS[@]}"; do
	for screen in "${SCREENS[@]}"; do
		out="shots/$lang-$screen.png"
		# One X server per shot: the program and the capture share it.
		CIRCA_SCREENSHOT=1 xvfb-run -a -s "-screen 0 $SIZE" bash -c '
			"$7" --data "$1" --lang "$2" --screen "$3" --autologin "$4" &
			pid=$!
			sleep "$5"
			import -window root "$6"
			kill "$pid"
			wait "$pid" 2>/dev/null || true
		' _ "$data" "$lang" "$screen" "$ADMIN" "$WAIT" "$out" "$bin"
		echo "wrote $out"
	done
done
