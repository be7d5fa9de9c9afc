package adminapi

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStatusAPI is GET /api/admin/websocket-status (3 connections ×
// 500 tickers) on loopback while N viewers stream /admin-ws (a status every
// 100 ms and metrics every second). It reports latency percentiles and the
// process CPU (server + viewers + client, all in this process) while
// requests run back to back, and for the push stream alone (stream-%cpu).
func BenchmarkStatusAPI(b *testing.B) {
	for _, viewers := range []int{10, 100} {
		b.Run(fmt.Sprintf("viewers=%d", viewers), func(b *testing.B) {
			f := start(b, Options{PushInterval: 100 * time.Millisecond})
			f.src.Update(func(s *wire.Snapshot) {
				for c := 1; c <= 3; c++ {
					cs := wire.Connection{Enabled: true, Status: wire.StatusConnected, AssignedTickers: 500}
					for i := 0; i < 500; i++ {
						cs.Tickers = append(cs.Tickers, fmt.Sprintf("C%dT%03d", c, i))
					}
					s.Connections[fmt.Sprintf("connection_%d", c)] = cs
				}
			})
			done := make(chan struct{})
			defer close(done)
			for i := 0; i < viewers; i++ {
				conn := f.viewerConn(b)
				go func() {
					for {
						select {
						case <-done:
							return
						default:
						}
						conn.SetReadDeadline(time.Now().Add(time.Second))
						if _, _, err := conn.ReadMessage(); err != nil {
							// A failed gorilla connection panics on the next
							// read (a 1 s deadline can pass on a busy machine).
							return
						}
					}
				}()
			}
			// CPU of the push stream alone (server writing, viewers reading).
			s0, sw0 := cpuTime(), time.Now()
			time.Sleep(2 * time.Second)
			streamCPU := float64(cpuTime()-s0) / float64(time.Since(sw0)) * 100
			c := f.client()
			f.login(b, c, "admin@x.io", passwords["admin@x.io"])
			lat := make([]time.Duration, 0, b.N)
			cpu0, wall0 := cpuTime(), time.Now()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				resp, err := c.Get(f.http.URL + "/api/admin/websocket-status")
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatal(err, resp)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			cpu := float64(cpuTime()-cpu0) / float64(time.Since(wall0)) * 100
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
			b.ReportMetric(cpu, "%cpu")
			b.ReportMetric(streamCPU, "stream-%cpu")
		})
	}
}
