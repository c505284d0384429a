package main

import (
	"bytes"
	"image/png"
	"os"
	"testing"
)

// TestCommittedIconIsCurrent fails when icon.png was not regenerated after a
// change to the drawing.
func TestCommittedIconIsCurrent(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, draw(layers())); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../icon.png")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), committed) {
		t.Error("assets/icon.png is stale: run go generate ./assets")
	}
}
