// Command mkico turns the app's PNG icon into the Windows .ico the NSIS
// installer shows: go run ./packaging/windows/mkico assets/icon.png out.ico
package main

import (
	"fmt"
	"image/png"
	"os"

	"github.com/circa-library/circa/internal/release"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: mkico icon.png out.ico")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "mkico:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	ico, err := release.ICO(img, release.IconSizes)
	if err != nil {
		return err
	}
	return os.WriteFile(out, ico, 0o644)
}
