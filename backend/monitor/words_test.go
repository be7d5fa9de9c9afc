package monitor

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/wire"
)

// frontendUnion returns the words of the union type given to field inside
// the TypeScript type named typ (`field: 'a' | 'b';`), sorted.
func frontendUnion(t *testing.T, path, typ, field string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(src), "export type "+typ+" ")
	if !ok {
		t.Fatalf("%s: no type %s", path, typ)
	}
	block, _, _ = strings.Cut(block, "\n>;")
	m := regexp.MustCompile(`(?m)^\s*` + field + `: ((?:'[^']*'(?: \| )?)+);`).FindStringSubmatch(block)
	if m == nil {
		t.Fatalf("%s: %s has no field %s of words", path, typ, field)
	}
	var out []string
	for _, w := range regexp.MustCompile(`'([^']*)'`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, w[1])
	}
	slices.Sort(out)
	return out
}

func words[T ~string](ws ...T) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = string(w)
	}
	slices.Sort(out)
	return out
}

// TestWordSetsMatchFrontend: the window switches on the subscription's
// words (frontend/src/lib/types.ts SourceState); they are the ones this
// package (and config, for the Redis kind) sends.
func TestWordSetsMatchFrontend(t *testing.T) {
	const types = "../../frontend/src/lib/types.ts"
	for field, goWords := range map[string][]string{
		"state": words(wire.SubscriptionPhases...),
		"feed":  words(wire.RowFeeds...),
		"kind":  words(config.RedisStandalone, config.RedisSentinel, config.RedisCluster),
	} {
		if ts := frontendUnion(t, types, "SourceState", field); !slices.Equal(ts, goWords) {
			t.Errorf("SourceState.%s: frontend %v, Go %v", field, ts, goWords)
		}
	}
}
