package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/frontend"
)

// runServe runs the manager, publishes to Redis and serves the admin API and
// the browser dashboard (with its own subscription to the tick channel) on
// ADMIN_LISTEN_ADDR until ctx ends.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	ttl := fs.Duration("session-ttl", 12*time.Hour, "how long a sign-in lasts")
	stall := stallFlag(fs)
	cfg, log, code := loadConfig(fs, args, stderr)
	if cfg == nil {
		return code
	}
	users, err := adminapi.LoadUsers(cfg.AdminUsersFile)
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest serve: %v\n", err)
		return 2
	}
	certFile, keyFile, err := cfg.AdminTLS()
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest serve: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", cfg.AdminListenAddr)
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest serve: ADMIN_LISTEN_ADDR=%q: %v\n", cfg.AdminListenAddr, err)
		return 1
	}
	mln, err := listenMetrics(cfg)
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "tickstock-ingest serve: %v\n", err)
		return 1
	}
	in, err := startIngest(ctx, cfg, log)
	if err != nil {
		ln.Close()
		closeListener(mln)
		fmt.Fprintf(stderr, "tickstock-ingest serve: %v\n", err)
		return 1
	}
	defer in.Close()
	judge := judgeOf(in, *stall)
	defer serveMetrics(mln, in, judge, log, time.Now())()
	api := adminapi.New(adminapi.Options{Users: users, Snapshots: in, Log: log, TLS: certFile != "", Health: in.Health, Verdict: judge, SessionTTL: *ttl,
		Dashboard: frontend.Dist(), Info: dashboardInfo(cfg, in), Lookup: dashboardLookup(in)})
	mon := startDashboardMonitor(ctx, cfg, in, api)
	defer mon.Close()
	apiCtx, stopAPI := context.WithCancel(ctx)
	apiDone := make(chan struct{})
	go func() { api.Run(apiCtx); close(apiDone) }()
	srv := adminapi.NewHTTPServer(api.Handler())
	scheme := "http"
	if certFile != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "admin API on %s://%s (%d users); dashboard at %s://%s%s/\n", scheme, ln.Addr(), users.Len(), scheme, ln.Addr(), adminapi.DashboardPath)
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(ln, certFile, keyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "tickstock-ingest serve: %v\n", err)
			stopAPI()
			<-apiDone
			return 1
		}
	}
	stopAPI()
	<-apiDone // closes the push-stream viewers (hijacked connections)
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	return 0
}
