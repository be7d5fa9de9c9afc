package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

func render(b map[string]bench, l *loadResult, runs int) string {
	var s strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&s, format, a...) }
	ns := func(name string) string {
		x, ok := b[name]
		if !ok {
			return "not run"
		}
		return fmt.Sprintf("%s ns, %.0f B, %.0f allocs", trim(x.NsOp), x.BytesOp, x.AllocsOp)
	}
	p("# Performance\n\n")
	p("Written by `make bench` (internal/cmd/perfreport) on %s. Machine: %d cores (%s), %s/%s, %s.\n",
		time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	p("Every figure is the median of %d runs. The load run uses a private redis-server on loopback;\n", runs)
	p("the publishers, Redis and the monitor share the machine's cores.\n\n")

	p("## Targets\n\n| figure | measured | target |\n| --- | --- | --- |\n")
	lat10 := l.Latency[1]
	p("| monitor consumption ceiling, end to end through Redis | %.0f ticks/s | ≥ 200,000 ticks/s |\n", l.Ceiling)
	p("| publish → batch p99 at 10k ticks/s | %.1f ms | ≤ 120 ms |\n", lat10.BatchP99)
	p("| publish → monitor (before the flush) p99 at 10k ticks/s | %.2f ms | < 2 ms |\n", lat10.PreP99)
	p("| manager per-tick cost with the publisher (sustained, into redis-server) | %s ns | < 2 µs |\n", trim(b["BenchmarkTickPathWithPublisher"].NsOp))
	p("| manager per-tick cost without the publisher | %s ns | < 1 µs |\n", trim(b["BenchmarkTickPath"].NsOp))
	p("| RSS after %v at 10k ticks/s (monitor + publishers in one process) | %.0f MiB | < 150 MB |\n", l.RSSAfter, l.RSSMiB)
	p("| admin status API p99 with 10 viewers streaming | %.3f ms | < 5 ms |\n\n", b["BenchmarkStatusAPI/viewers=10"].Metrics["p99-ms"])

	p("## Load run: publish → window latency\n\n")
	p("Ticks are stamped with their publish time. *Batch* is publish → the batch handed to the window\n")
	p("(dominated by the 100 ms flush); *before flush* is publish → consumed by the monitor (its 10 s\n")
	p("latency histogram, 8%% buckets).\n\n")
	p("| rate | achieved | batch p50 | batch p99 | batch max | before flush p50 | before flush p99 |\n")
	p("| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, f := range l.Latency {
		p("| %d/s | %.0f/s | %.1f ms | %.1f ms | %.1f ms | %.2f ms | %.2f ms |\n", f.Rate, f.Achieved, f.BatchP50, f.BatchP99, f.BatchMax, f.PreP50, f.PreP99)
	}
	p("\nConsumption ceiling: two pipelined publishers pushed %.0f ticks/s into Redis; the monitor\n", l.PublishRate)
	p("consumed all 600,000 at %.0f ticks/s end to end. Without Redis, the consumer alone costs\n", l.Ceiling)
	p("%s per tick (`BenchmarkConsume`), a ceiling of about %.0f ticks/s on one core.\n\n",
		ns("BenchmarkConsume"), 1e9/max(b["BenchmarkConsume"].NsOp, 1))

	p("## Admin API (issue 6)\n\n")
	p("`GET /api/admin/websocket-status` on loopback (3 connections × 500 tickers, ~25 kB) while N viewers\n")
	p("stream `/admin-ws` (a status every 100 ms plus metrics each second). CPU is of the whole test\n")
	p("process (server, viewers and client) as %% of one core; *stream* is the push stream alone.\n\n")
	p("| viewers | status p50 | status p99 | CPU with requests back to back | CPU of the stream alone |\n| --- | --- | --- | --- | --- |\n")
	for _, v := range []string{"10", "100"} {
		m := b["BenchmarkStatusAPI/viewers="+v].Metrics
		p("| %s | %.3f ms | %.3f ms | %.0f%% | %.1f%% |\n", v, m["p50-ms"], m["p99-ms"], m["%cpu"], m["stream-%cpu"])
	}
	p("\nTarget: status API p99 < 5 ms with 10 viewers streaming.\n\n")

	p("The window's own figures (WebKit CPU and memory over 10 minutes, time to the first painted\n")
	p("status, PUBLISH → row on screen) are in [perf-window.md](perf-window.md).\n\n")

	p("## Go benchmarks\n\n| benchmark | per op |\n| --- | --- |\n")
	for _, name := range []string{
		"BenchmarkDecodePerEvent/AM", "BenchmarkDecodePerEvent/T", "BenchmarkDecodePerEvent/Q",
		"BenchmarkTickPath", "BenchmarkTickPathWithPublisher", "BenchmarkSnapshot",
		"BenchmarkDecode", "BenchmarkEncode", "BenchmarkConsume",
	} {
		p("| `%s` | %s |\n", name, ns(name))
	}
	p("\n`BenchmarkDecodePerEvent` is per provider event (frames of 20); `BenchmarkTickPath` is the\n")
	p("manager's own work per event after decoding; `BenchmarkSnapshot` is 3 connections × 500 tickers;\n")
	p("`BenchmarkDecode`/`BenchmarkEncode` are the Redis tick codec; `BenchmarkConsume` is the\n")
	p("monitor's decode + enrich + count + store per message.\n")
	return s.String()
}

func trim(f float64) string {
	if f >= 100 {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.1f", f)
}
