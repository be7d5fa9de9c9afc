package alerts

import (
	"testing"
	"time"
)

// The engine runs once a second and on every status change; this is its
// cost per observation of three connections with metrics and a source.
func BenchmarkObserve(b *testing.B) {
	c, w := newClock(), newWorld()
	e := New(Settings{}, &Recorder{}, nil)
	b.ReportAllocs()
	for b.Loop() {
		e.Observe(w.obs(c.step(time.Second)))
	}
}
