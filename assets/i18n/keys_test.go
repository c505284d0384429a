package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCodeUsesOnlyKnownKeys reads every non-test Go file of the module and
// checks the literal keys passed to i18n.T, any .T method and tr: each must be
// in the catalogue, and each literal placeholder name passed with it must
// appear in its English text.
func TestCodeUsesOnlyKnownKeys(t *testing.T) {
	root := moduleRoot(t)
	uses := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if path != root && fileExists(filepath.Join(path, "go.mod")) {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		for _, u := range keyUses(t, path) {
			uses++
			rel, _ := filepath.Rel(root, u.pos.Filename)
			where := rel + ":" + strconv.Itoa(u.pos.Line)
			text, ok := embedded[English][u.key]
			if !ok {
				t.Errorf("%s: key %q is not in assets/i18n/locales", where, u.key)
				continue
			}
			for _, arg := range u.argNames {
				if !strings.Contains(text, "{"+arg+"}") {
					t.Errorf("%s: key %q has no placeholder {%s}: %q", where, u.key, arg, text)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("checked %d literal keys under %s", uses, root)
}

// TestKeyUsesFindsCalls keeps the scanner honest: it must see each form.
func TestKeyUsesFindsCalls(t *testing.T) {
	src := `package x
func f() {
	i18n.T("a.one")
	c.T("a.two", "reader", name)
	tr("a.three")
	i18n.T(key)            // not a literal: skipped
	fmt.Println("a.four") // not a translation call
	// i18n.T("a.five") in a comment
}`
	path := filepath.Join(t.TempDir(), "x.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range keyUses(t, path) {
		got = append(got, u.key+strings.Join(u.argNames, ","))
	}
	if want := "a.one a.tworeader a.three"; strings.Join(got, " ") != want {
		t.Errorf("found %q, want %q", strings.Join(got, " "), want)
	}
}

type keyUse struct {
	key      string
	argNames []string // literal placeholder names among the arguments
	pos      token.Position
}

// keyUses returns the translation calls with a literal key in one Go file.
func keyUses(t *testing.T, path string) []keyUse {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Errorf("parse %s: %v", path, err)
		return nil
	}
	var uses []keyUse
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 || !isTranslateFunc(call.Fun) {
			return true
		}
		key, ok := stringLit(call.Args[0])
		if !ok {
			return true
		}
		u := keyUse{key: key, pos: fset.Position(call.Pos())}
		if call.Ellipsis == token.NoPos {
			for i := 1; i < len(call.Args); i += 2 {
				if name, ok := stringLit(call.Args[i]); ok {
					u.argNames = append(u.argNames, name)
				}
			}
		}
		uses = append(uses, u)
		return true
	})
	return uses
}

func isTranslateFunc(fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		return f.Sel.Name == "T"
	case *ast.Ident:
		return f.Name == "tr"
	}
	return false
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// moduleRoot walks up from the package directory to the go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for !fileExists(filepath.Join(dir, "go.mod")) {
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
	return dir
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
