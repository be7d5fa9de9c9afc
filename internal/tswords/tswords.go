// Package tswords reads the word sets the frontend's TypeScript spells out,
// so that a Go test can hold each to the word set a package sends: a word
// added on one side only fails a test instead of reaching a switch that
// does not know it.
package tswords

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var quoted = regexp.MustCompile(`'([^']*)'`)

// Union returns the words of the union given to field in the TypeScript
// type named typ (`field: 'a' | 'b';`, on one line or, as prettier writes a
// long one, one word a line), sorted.
func Union(tb testing.TB, path, typ, field string) []string {
	tb.Helper()
	_, block, ok := strings.Cut(read(tb, path), "export type "+typ+" ")
	if !ok {
		tb.Fatalf("%s: no type %s", path, typ)
	}
	block, _, _ = strings.Cut(block, "\n>")
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(field) + `:((?:\s*\|?\s*'[^']*')+);`).FindStringSubmatch(block)
	if m == nil {
		tb.Fatalf("%s: %s has no field %s of words", path, typ, field)
	}
	return words(m[1])
}

// List returns the words of `export const NAME = [...] as const` in path,
// sorted.
func List(tb testing.TB, path, name string) []string {
	tb.Helper()
	m := regexp.MustCompile(`export const ` + regexp.QuoteMeta(name) + ` = \[([^\]]*)\] as const`).FindStringSubmatch(read(tb, path))
	if m == nil {
		tb.Fatalf("%s: no list %s", path, name)
	}
	return words(m[1])
}

// Sorted returns Go words as sorted strings, to compare with Union or List.
func Sorted[T ~string](ws ...T) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = string(w)
	}
	slices.Sort(out)
	return out
}

func read(tb testing.TB, path string) string {
	tb.Helper()
	src, err := os.ReadFile(path) //nolint:gosec // G304: a frontend source of this repository, named by a test
	if err != nil {
		tb.Fatal(err)
	}
	return string(src)
}

func words(s string) []string {
	var out []string
	for _, w := range quoted.FindAllStringSubmatch(s, -1) {
		out = append(out, w[1])
	}
	slices.Sort(out)
	return out
}
