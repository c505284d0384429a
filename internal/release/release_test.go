package release

import (
	"bytes"
	"crypto/sha256"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

const root = "../.."

type fyneApp struct {
	Website string
	Details struct {
		Icon    string
		Name    string
		ID      string
		Version string
		Build   int
	}
}

func TestFyneAppMetadata(t *testing.T) {
	var meta fyneApp
	if _, err := toml.DecodeFile(filepath.Join(root, "FyneApp.toml"), &meta); err != nil {
		t.Fatal(err)
	}
	d := meta.Details
	if d.Name != "Circa" || d.Build < 1 || !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(d.Version) {
		t.Errorf("FyneApp.toml details: %+v", d)
	}
	main, err := os.ReadFile(filepath.Join(root, "cmd/circa/main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(main), `appID = "`+d.ID+`"`) {
		t.Errorf("cmd/circa's app ID differs from FyneApp.toml's %q", d.ID)
	}
	f, err := os.Open(filepath.Join(root, d.Icon))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("icon: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Errorf("icon is %v, fyne package wants a large square", b)
	}
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"assets.Version=", "assets.BuildDate=", "-trimpath", "fyne.io/tools/cmd/fyne@", "-os windows", "-os linux", "GOARCH=$$arch"} {
		if !bytes.Contains(mk, []byte(want)) {
			t.Errorf("Makefile lacks %q", want)
		}
	}
}

// TestStampedAndReproducible builds the pure-Go hub twice as the Makefile
// does: the version is stamped in, and the two binaries are identical.
func TestStampedAndReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the hub twice")
	}
	dir := t.TempDir()
	ldflags := "-X github.com/circa-library/circa/assets.Version=9.8.7 -X github.com/circa-library/circa/assets.BuildDate=2026-11-27T08:00:00Z"
	var sums [2][32]byte
	for i := range sums {
		out := filepath.Join(dir, "hub"+string(rune('0'+i)))
		// -buildvcs=false: a working tree edited between the two builds must
		// not make them differ; in a clean clone the VCS stamp is the commit.
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out, "./cmd/circa-hub")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build: %v\n%s", err, b)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		v, err := exec.Command(out, "--version").Output()
		if err != nil || !strings.Contains(string(v), "9.8.7 2026-11-27T08:00:00Z") {
			t.Fatalf("--version says %q (%v): not stamped", v, err)
		}
		sums[i] = sha256.Sum256(raw)
	}
	if sums[0] != sums[1] {
		t.Error("two builds of the same commit differ")
	}
}
