// Package procstat reads what the load, bench and soak tools sample of a
// process on Linux: its resident memory.
package procstat

import (
	"os"
	"strconv"
	"strings"
)

// RSSMiB is the resident set size of process pid in MiB, from
// /proc/<pid>/status; 0 when it cannot be read (no such process, not Linux).
func RSSMiB(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
