// Command perfreport runs the Go benchmarks and a load run against a private
// redis-server, and writes docs/perf.md (make bench).
//
// The load run publishes ticks to Redis at fixed rates and measures, through
// the real monitor: its consumption ceiling, the publish → batch latency that
// the window sees, the latency before the 100 ms flush, and the process RSS
// after a minute at 10k ticks/s. Every figure is the median of several runs.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	out := flag.String("out", "docs/perf.md", "report file")
	runs := flag.Int("runs", 3, "runs per figure (the median is reported)")
	prev := flag.String("prev", "docs/perf-bench.txt", "raw benchmark output of the previous run, compared with benchstat and then replaced")
	// benchstat needs 6 samples a side to call a change significant (p < 0.05).
	benchRuns := flag.Int("bench-runs", 6, "runs per Go benchmark (benchstat needs 6 to find a significant change)")
	rssSeconds := flag.Int("rss-seconds", 60, "how long to run at 10k ticks/s before reading RSS")
	flag.Parse()

	fmt.Fprintln(os.Stderr, "perfreport: Go benchmarks…")
	benches, raw, err := runBenchmarks(*benchRuns)
	if err != nil {
		fail(err)
	}
	table, worse, err := compare(*prev, raw)
	if err != nil {
		fail(err)
	}
	fmt.Fprintln(os.Stderr, "perfreport: load run…")
	load, err := runLoad(*runs, time.Duration(*rssSeconds)*time.Second)
	if err != nil {
		fail(err)
	}
	history := append(previousHistory(*out), historyRow(benches, load))
	report := render(benches, load, *runs) + renderHistory(history)
	if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "perfreport: wrote %s\n", *out)
	fmt.Print(report)
	if table != "" {
		fmt.Printf("\n## Compared with the previous run (benchstat %s, then this run)\n\n%s\n", *prev, table)
		if len(worse) == 0 {
			fmt.Println("No benchmark regressed significantly.")
		}
		for _, w := range worse {
			fmt.Println("REGRESSED:", w)
		}
	}
}

func renderHistory(rows []string) string {
	return "\n## History\n\nThe headline figures of every `make bench` run, newest last (one line per run;\n" +
		"the machine is shared, so compare trends rather than single rows).\n\n" + historyHead + strings.Join(rows, "\n") + "\n"
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "perfreport:", err)
	os.Exit(1)
}

// bench is the median of one benchmark's runs, per unit ("ns/op", "B/op",
// "allocs/op" and custom ones such as "p99-ms").
type bench struct {
	NsOp, BytesOp, AllocsOp float64
	Metrics                 map[string]float64
}

var benchName = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?$`)

func runBenchmarks(count int) (map[string]bench, []byte, error) {
	cmd := exec.Command("go", "test", "-run=^$", "-bench=.", "-benchmem", "-count="+strconv.Itoa(count), "./backend/...")
	cmd.Stderr = os.Stderr
	outp, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("go test -bench: %w\n%s", err, outp)
	}
	samples := map[string]map[string][]float64{}
	sc := bufio.NewScanner(bytes.NewReader(outp))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		m := benchName.FindStringSubmatch(f[0])
		if m == nil {
			continue
		}
		if samples[m[1]] == nil {
			samples[m[1]] = map[string][]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				samples[m[1]][f[i+1]] = append(samples[m[1]][f[i+1]], v)
			}
		}
	}
	out := map[string]bench{}
	for name, units := range samples {
		b := bench{Metrics: map[string]float64{}}
		for unit, v := range units {
			b.Metrics[unit] = median(v)
		}
		b.NsOp, b.BytesOp, b.AllocsOp = b.Metrics["ns/op"], b.Metrics["B/op"], b.Metrics["allocs/op"]
		out[name] = b
	}
	return out, outp, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "model name") {
			if _, v, ok := strings.Cut(l, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}
