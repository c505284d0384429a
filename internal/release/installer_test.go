package release

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/BurntSushi/toml"
)

type linuxMeta struct {
	Details struct {
		Name, ID, Icon, Version string
		Build                   int
	}
	LinuxAndBSD struct {
		GenericName string
		Categories  []string
		Comment     string
		Keywords    []string
	}
}

func readMeta(t *testing.T) linuxMeta {
	t.Helper()
	var m linuxMeta
	if _, err := toml.DecodeFile(filepath.Join(root, "FyneApp.toml"), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func readFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDesktopEntryMetadata checks what fyne package writes into the Linux
// desktop entry: categories from the freedesktop.org main list, a comment
// and a generic name, and that the Makefile lets fyne read them (it reads
// FyneApp.toml only beside the main package) and checks the result.
func TestDesktopEntryMetadata(t *testing.T) {
	m := readMeta(t).LinuxAndBSD
	main := []string{"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics",
		"Network", "Office", "Science", "Settings", "System", "Utility"}
	if !slices.Contains(m.Categories, "Office") || !slices.Contains(m.Categories, "Education") {
		t.Errorf("categories %q: want Office and Education", m.Categories)
	}
	for _, c := range m.Categories {
		if !slices.Contains(main, c) {
			t.Errorf("category %q is not a freedesktop.org main category", c)
		}
	}
	if m.Comment == "" || m.GenericName == "" || len(m.Keywords) == 0 {
		t.Errorf("desktop entry lacks a comment, generic name or keywords: %+v", m)
	}
	mk := readFile(t, "Makefile")
	for _, want := range []string{
		"cp FyneApp.toml cmd/circa/FyneApp.toml",       // fyne sees the metadata
		"rm -f $(CURDIR)/cmd/circa/FyneApp.toml' EXIT", // and the copy goes
		"^Categories=.*Office",                         // the tarball is checked
		"--mtime=@$(SOURCE_DATE_EPOCH)",                // and repacked reproducibly
		"$$($(GO) env GOFLAGS) -buildvcs=false",        // whatever the builder's go env
	} {
		if !strings.Contains(mk, want) {
			t.Errorf("Makefile lacks %q", want)
		}
	}
}

// nsiDefines returns the !define NAME "value" lines of the script.
func nsiDefines(script string) map[string]string {
	out := map[string]string{}
	re := regexp.MustCompile(`(?m)^!define\s+(\w+)\s+"([^"]*)"`)
	for _, m := range re.FindAllStringSubmatch(script, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestInstallerScript checks the NSIS script names the files fyne package
// and the Makefile make: the app ID and program name of FyneApp.toml, the
// installer's name and version, and that it makes the shortcuts and the
// uninstaller.
func TestInstallerScript(t *testing.T) {
	meta := readMeta(t).Details
	nsi := readFile(t, "packaging/windows/circa.nsi")
	def := nsiDefines(nsi)
	if def["APP_ID"] != meta.ID || def["APP_NAME"] != meta.Name || def["APP_EXE"] != meta.Name+".exe" {
		t.Errorf("circa.nsi defines %v; FyneApp.toml says %s, %s (fyne writes %s.exe)", def, meta.ID, meta.Name, meta.Name)
	}
	for _, want := range []string{
		`InstallDir "$PROGRAMFILES64\${APP_NAME}"`,
		`File "/oname=${APP_EXE}" "${EXE}"`,
		`CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0`,
		`CreateShortCut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0`,
		`WriteUninstaller "$INSTDIR\uninstall.exe"`,
		`Section "Uninstall"`,
		`Delete "$DESKTOP\${APP_NAME}.lnk"`,
		`VIProductVersion "${APP_VERSION}"`,
		`"DisplayVersion" "${VERSION}"`,
		`!define MUI_ICON "${ICON}"`,
	} {
		if !strings.Contains(nsi, want) {
			t.Errorf("circa.nsi lacks %s", want)
		}
	}
	for _, name := range []string{"VERSION", "APP_VERSION", "EXE", "ICON", "OUTFILE"} {
		if !strings.Contains(nsi, "!insertmacro Require "+name) {
			t.Errorf("circa.nsi does not insist on -D%s", name)
		}
	}
	mk := readFile(t, "Makefile")
	for _, want := range []string{
		"WINDOWS_DEPS    := gcc-mingw-w64-x86-64 nsis",
		"-DVERSION=$(VERSION) -DAPP_VERSION=$(WIN_VERSION)",
		"-DEXE=$(DIST)-windows-amd64.exe",
		"-DOUTFILE=$(DIST)-windows-amd64-setup.exe",
		"mv cmd/circa/$(call toml,Name).exe $(DIST)-windows-amd64.exe",
		"packaging/windows/circa.nsi",
		"WIN_VERSION = $(call toml,Version).$(call toml,Build)",
	} {
		if !strings.Contains(mk, want) {
			t.Errorf("Makefile lacks %q", want)
		}
	}
}

// TestInstallerBuilds runs makensis on the script with a stand-in program,
// when makensis is installed: the installer comes out, a Windows program
// carrying the version it was given.
func TestInstallerBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs makensis twice")
	}
	makensis, err := exec.LookPath("makensis")
	if err != nil {
		t.Skip("makensis is not installed (make package installs the nsis package)")
	}
	dir := t.TempDir()
	exe := filepath.Join(dir, "stand-in.exe")
	if err := os.WriteFile(exe, []byte("MZ stand-in for Circa.exe"), 0o644); err != nil {
		t.Fatal(err)
	}
	ico := filepath.Join(dir, "circa.ico")
	if err := os.WriteFile(ico, icoFromIcon(t), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "circa-9.8.7-windows-amd64-setup.exe")
	script, _ := filepath.Abs(filepath.Join(root, "packaging/windows/circa.nsi"))
	var outputs [2][]byte
	for i := range outputs {
		cmd := exec.Command(makensis, "-V2", "-NOCD", "-DVERSION=9.8.7-test", "-DAPP_VERSION=9.8.7.1",
			"-DEXE="+exe, "-DICON="+ico, "-DOUTFILE="+out, script)
		cmd.Dir = dir
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("makensis: %v\n%s", err, b)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		outputs[i] = raw
	}
	raw := outputs[0]
	if !bytes.HasPrefix(raw, []byte("MZ")) {
		t.Fatal("the installer is not a Windows program")
	}
	if !bytes.Contains(raw, utf16le("9.8.7-test")) {
		t.Error("the installer's version resource lacks the version")
	}
	if !bytes.Equal(outputs[0], outputs[1]) {
		t.Error("two installers built from the same inputs differ")
	}
}

func utf16le(s string) []byte {
	var b bytes.Buffer
	for _, u := range utf16.Encode([]rune(s)) {
		binary.Write(&b, binary.LittleEndian, u)
	}
	return b.Bytes()
}

func icoFromIcon(t *testing.T) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join(root, readMeta(t).Details.Icon))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	ico, err := ICO(img, IconSizes)
	if err != nil {
		t.Fatal(err)
	}
	return ico
}

// TestICO reads back the icon the installer uses: one PNG per size, each
// the size its directory entry says.
func TestICO(t *testing.T) {
	ico := icoFromIcon(t)
	var head struct{ Reserved, Type, Count uint16 }
	r := bytes.NewReader(ico)
	if err := binary.Read(r, binary.LittleEndian, &head); err != nil {
		t.Fatal(err)
	}
	if head.Reserved != 0 || head.Type != 1 || int(head.Count) != len(IconSizes) {
		t.Fatalf("icon header %+v", head)
	}
	for i, want := range IconSizes {
		var e struct {
			W, H, Colours, Reserved uint8
			Planes, Bits            uint16
			Size, Offset            uint32
		}
		if err := binary.Read(r, binary.LittleEndian, &e); err != nil {
			t.Fatal(err)
		}
		w := int(e.W)
		if w == 0 {
			w = 256
		}
		if w != want || e.W != e.H || e.Bits != 32 {
			t.Errorf("entry %d: %+v, want %d pixels", i, e, want)
		}
		img, err := png.Decode(bytes.NewReader(ico[e.Offset : e.Offset+e.Size]))
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if img.Bounds() != image.Rect(0, 0, want, want) {
			t.Errorf("entry %d is %v", i, img.Bounds())
		}
	}
	if _, err := ICO(image.NewNRGBA(image.Rect(0, 0, 8, 8)), []int{512}); err == nil {
		t.Error("a 512-pixel icon entry was accepted")
	}
}
