package monitor

import (
	"slices"
	"testing"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/tswords"
)

// TestWordSetsMatchFrontend: the window switches on the subscription's
// words (frontend/src/lib/types.ts SourceState); they are the ones this
// package (and config, for the Redis kind) sends.
func TestWordSetsMatchFrontend(t *testing.T) {
	const types = "../../frontend/src/lib/types.ts"
	for field, goWords := range map[string][]string{
		"state": tswords.Sorted(wire.SubscriptionPhases...),
		"feed":  tswords.Sorted(wire.RowFeeds...),
		"kind":  tswords.Sorted(config.RedisStandalone, config.RedisSentinel, config.RedisCluster),
	} {
		if ts := tswords.Union(t, types, "SourceState", field); !slices.Equal(ts, goWords) {
			t.Errorf("SourceState.%s: frontend %v, Go %v", field, ts, goWords)
		}
	}
}
