package release

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"

	"github.com/cockroachdb/errors"
	"golang.org/x/image/draw"
)

// IconSizes are the sizes a Windows icon carries: the small ones for lists
// and the title bar, 256 for large views and the installer.
var IconSizes = []int{16, 24, 32, 48, 64, 128, 256}

// ICO encodes img as a Windows icon holding one PNG image per size (the
// form Windows reads since Vista), each scaled down from img.
func ICO(img image.Image, sizes []int) ([]byte, error) {
	if len(sizes) == 0 {
		return nil, errors.New("an icon needs at least one size")
	}
	var pngs [][]byte
	for _, s := range sizes {
		if s < 1 || s > 256 {
			return nil, errors.Newf("icon size %d: Windows icons are 1 to 256 pixels", s)
		}
		dst := image.NewNRGBA(image.Rect(0, 0, s, s))
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
		var b bytes.Buffer
		if err := png.Encode(&b, dst); err != nil {
			return nil, err
		}
		pngs = append(pngs, b.Bytes())
	}
	var out bytes.Buffer
	le := func(v any) { binary.Write(&out, binary.LittleEndian, v) }
	// ICONDIR: reserved, type 1 (icon), count.
	le(uint16(0))
	le(uint16(1))
	le(uint16(len(pngs)))
	offset := 6 + 16*len(pngs)
	for i, s := range sizes {
		dim := uint8(s)
		if s == 256 {
			dim = 0 // 0 means 256
		}
		// ICONDIRENTRY: width, height, colours, reserved, planes, bits,
		// size of the image, its offset.
		out.Write([]byte{dim, dim, 0, 0})
		le(uint16(1))
		le(uint16(32))
		le(uint32(len(pngs[i])))
		le(uint32(offset))
		offset += len(pngs[i])
	}
	for _, p := range pngs {
		out.Write(p)
	}
	return out.Bytes(), nil
}
