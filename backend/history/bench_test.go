package history

import (
	"path/filepath"
	"testing"
)

// One minute's rows of three connections committed as one batch: what the
// writer does once a minute, off the observing goroutine.
func BenchmarkCommitMinute(b *testing.B) {
	s := Open(filepath.Join(b.TempDir(), "b.db"), Options{})
	defer s.Close()
	b.ReportAllocs()
	var start int64
	for b.Loop() {
		start += 60
		s.commit([]any{
			Minute{Connection: "connection_1", Start: start, Ticks: 3000, RateAvg: 50},
			Minute{Connection: "connection_2", Start: start, Ticks: 3000, RateAvg: 50},
			Minute{Connection: "connection_3", Start: start, Ticks: 3000, RateAvg: 50},
		})
	}
}
