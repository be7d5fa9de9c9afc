package monitor

// sparkSeconds is how many whole seconds of counts a connection keeps: the
// 60-second throughput sparkline, and the 1 s and 10 s rates.
const sparkSeconds = 60

// secondCounts counts ticks per Unix second in a ring.
type secondCounts struct {
	secs   [sparkSeconds + 1]int64
	counts [sparkSeconds + 1]int64
}

func (c *secondCounts) add(sec int64, n int64) {
	i := int(sec % (sparkSeconds + 1))
	if c.secs[i] != sec {
		c.secs[i] = sec
		c.counts[i] = 0
	}
	c.counts[i] += n
}

func (c *secondCounts) at(sec int64) int64 {
	i := int(sec % (sparkSeconds + 1))
	if c.secs[i] != sec {
		return 0
	}
	return c.counts[i]
}

// rates returns ticks/s over the last complete second and the last 10
// complete seconds before now (a Unix second still in progress).
func (c *secondCounts) rates(now int64) (r1, r10 float64) {
	var sum int64
	for s := now - 10; s < now; s++ {
		sum += c.at(s)
	}
	return float64(c.at(now - 1)), float64(sum) / 10
}

// spark returns the counts of the 60 complete seconds before now, oldest first.
func (c *secondCounts) spark(now int64) []int64 {
	out := make([]int64, sparkSeconds)
	for i := range out {
		out[i] = c.at(now - sparkSeconds + int64(i))
	}
	return out
}
