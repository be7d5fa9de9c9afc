package remote

import (
	"encoding/json"
	"math/rand/v2"
	"time"
)

// backoff is exponential with jitter: attempt n waits a random time in
// [base/2, base], base = first·2ⁿ, never less than first and never more
// than max. Jitter keeps many windows that lost the same server from
// signing in again at the same instant.
type backoff struct {
	first, max, base time.Duration
}

func newBackoff(first, ceiling time.Duration) *backoff {
	return &backoff{first: first, max: ceiling, base: 2 * first}
}

func (b *backoff) next() time.Duration {
	d := b.base/2 + rand.N(b.base/2+1)
	b.base = min(2*b.base, b.max)
	return min(max(d, b.first), b.max)
}

func (b *backoff) reset() { b.base = 2 * b.first }

// symbolOf reads the symbol of a tick (either tick form) without decoding
// the rest; the monitor validates the whole tick.
func symbolOf(payload []byte) string {
	var t struct {
		Symbol string `json:"symbol"`
		Ticker string `json:"ticker"`
	}
	if json.Unmarshal(payload, &t) != nil {
		return ""
	}
	if t.Symbol != "" {
		return t.Symbol
	}
	return t.Ticker
}
