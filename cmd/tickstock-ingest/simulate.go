package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/tickstock/monitor/backend/simulator"
)

// runSimulator serves the provider protocol until ctx ends. With --control,
// fault commands are read from stdin, one per line:
//
//	drop SYMBOL|all · stall SYMBOL|all DURATION · garbage SYMBOL|all
//	refuse on|off · rate N · sessions
func runSimulator(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback)")
	keys := fs.String("keys", "", "comma-separated accepted API keys (required)")
	rate := fs.Float64("rate", 20, "events per second per connection")
	maxConns := fs.Int("max-connections", 3, "connections allowed per key")
	control := fs.Bool("control", false, "read fault commands from stdin")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *keys == "" {
		fmt.Fprintln(stderr, "tickstock-ingest simulate: --keys is required (e.g. --keys demo-key)")
		return 2
	}
	s, err := simulator.Start(*addr, simulator.Options{
		Keys: strings.Split(*keys, ","), Rate: *rate, MaxConnsPerKey: *maxConns,
		Log: slog.New(slog.NewTextHandler(stderr, nil)),
	})
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest simulate: %v\n", err)
		return 1
	}
	defer func() { _ = s.Close() }() // the process exits next; nothing to report a close error to
	fmt.Fprintf(stdout, "simulator listening on %s\n", s.URL())
	if *control {
		go controlLoop(s, stdin, stdout)
	}
	<-ctx.Done()
	return 0
}

func controlLoop(s *simulator.Server, in io.Reader, out io.Writer) {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		fmt.Fprintln(out, applyCommand(s, strings.Fields(sc.Text())))
	}
}

func applyCommand(s *simulator.Server, f []string) string {
	if len(f) == 0 {
		return ""
	}
	target := func() string {
		if len(f) < 2 || f[1] == "all" {
			return ""
		}
		return strings.ToUpper(f[1])
	}
	switch f[0] {
	case "drop":
		return fmt.Sprintf("dropped %d connection(s)", s.Drop(target()))
	case "garbage":
		return fmt.Sprintf("garbage queued on %d connection(s)", s.SendGarbage(target()))
	case "stall":
		d := 10 * time.Second
		if len(f) >= 3 {
			if v, err := time.ParseDuration(f[2]); err == nil {
				d = v
			}
		}
		return fmt.Sprintf("stalled %d connection(s) for %v", s.Stall(target(), d), d)
	case "refuse":
		on := len(f) >= 2 && f[1] == "on"
		s.SetRefuseAuth(on)
		return fmt.Sprintf("refuse auth: %v", on)
	case "rate":
		if len(f) >= 2 {
			if v, err := strconv.ParseFloat(f[1], 64); err == nil {
				s.SetRate(v)
			}
		}
		return fmt.Sprintf("rate: %v events/s per connection", s.Rate())
	case "sessions":
		var b strings.Builder
		for _, ss := range s.Sessions() {
			fmt.Fprintf(&b, "#%d authenticated=%v symbols=%d sent=%d\n", ss.ID, ss.Authenticated, len(ss.Symbols), ss.EventsSent)
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	return "unknown command; use drop|stall|garbage SYMBOL|all, refuse on|off, rate N, sessions"
}
