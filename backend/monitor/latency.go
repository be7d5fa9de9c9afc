package monitor

import "math"

// Latency is kept as a histogram of log-spaced buckets (8% wide, from 10 µs
// to about 48 s) per second, so p50/p99 over 10 s cost the same at 10 or
// 100,000 ticks per second.
const (
	latBuckets = 200
	latMinMs   = 0.01
	latGrowth  = 1.08
)

var latLogGrowth = math.Log(latGrowth)

type latHist [latBuckets]uint32

func latBucket(ms float64) int {
	if ms <= latMinMs {
		return 0
	}
	i := int(math.Log(ms/latMinMs) / latLogGrowth)
	return min(i, latBuckets-1)
}

// latUpper is the upper edge of bucket i in ms: a percentile is reported as
// the edge of its bucket, at most 8% above the true value.
func latUpper(i int) float64 { return latMinMs * math.Pow(latGrowth, float64(i+1)) }

// latWindow is a ring of per-second histograms.
type latWindow struct {
	secs  [10]int64
	hists [10]latHist
}

func (w *latWindow) add(sec int64, ms float64) {
	i := int(sec % 10)
	if w.secs[i] != sec {
		w.secs[i] = sec
		w.hists[i] = latHist{}
	}
	w.hists[i][latBucket(ms)]++
}

// percentiles returns p50 and p99 in ms over the 10 s ending at sec; -1 when
// there were no ticks.
func (w *latWindow) percentiles(sec int64) (p50, p99 float64) {
	var sum latHist
	var n uint64
	for i := range w.secs {
		if w.secs[i] > sec-10 && w.secs[i] <= sec {
			for b, c := range w.hists[i] {
				sum[b] += c
				n += uint64(c)
			}
		}
	}
	if n == 0 {
		return -1, -1
	}
	return quantile(&sum, n, 0.50), quantile(&sum, n, 0.99)
}

func quantile(h *latHist, n uint64, q float64) float64 {
	rank := uint64(math.Ceil(q * float64(n)))
	var seen uint64
	for b, c := range h {
		seen += uint64(c)
		if seen >= rank {
			return latUpper(b)
		}
	}
	return latUpper(latBuckets - 1)
}
