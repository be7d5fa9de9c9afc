package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// root is the repository root, two levels up from this package.
const root = "../.."

// goPackages lists the directories under dir (relative to the root) that hold
// a non-test Go file: the packages that need a row.
func goPackages(t *testing.T, dir string) []string {
	t.Helper()
	var pkgs []string
	err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if len(pkgs) == 0 || pkgs[len(pkgs)-1] != rel {
			pkgs = append(pkgs, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

func TestEveryPackageHasARowInArchitecture(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if m := regexp.MustCompile("^\\| `([^`]+)`").FindStringSubmatch(line); m != nil {
			rows[m[1]] = true
		}
	}
	var pkgs []string
	for _, dir := range []string{"backend", "internal"} {
		pkgs = append(pkgs, goPackages(t, dir)...)
	}
	if len(pkgs) < 20 {
		t.Fatalf("found only %d packages under backend/ and internal/: is the walk wrong? %v", len(pkgs), pkgs)
	}
	for _, p := range pkgs {
		if !rows[p] {
			t.Errorf("docs/ARCHITECTURE.md has no row for package %s: add one to the package table (| `%s` | what it owns |)", p, p)
		}
	}
}

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestMarkdownLinksStayInsideTheRepository: a relative link that leaves the
// repository works on one machine and is broken in every clone.
func TestMarkdownLinksStayInsideTheRepository(t *testing.T) {
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "build" || strings.HasPrefix(d.Name(), ".") && path != abs) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".md") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for _, m := range mdLink.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			resolved := filepath.Clean(filepath.Join(filepath.Dir(path), target))
			if strings.HasPrefix(target, "/") || (resolved != abs && !strings.HasPrefix(resolved, abs+string(filepath.Separator))) {
				rel, _ := filepath.Rel(abs, path)
				t.Errorf("%s links to %s, outside the repository", rel, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no Markdown files found")
	}
}
