// Command tickstock-ingest is the headless side of TickStock: it runs the
// multi-connection manager without a window (no GTK, no WebKit, no cgo).
//
//	tickstock-ingest run                           # the manager, from the environment
//	tickstock-ingest serve                         # run + the admin API and the browser dashboard on ADMIN_LISTEN_ADDR
//	tickstock-ingest status --url URL --email E    # exit 0 ok, 1 degraded, 2 down
//	tickstock-ingest hash-password                 # a bcrypt hash for ADMIN_USERS_FILE
//	tickstock-ingest simulate --addr 127.0.0.1:PORT --keys K1[,K2]
//	tickstock-ingest --version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tickstock/monitor/backend/version"
)

func main() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	os.Exit(untilSignalled(sigs, os.Stderr, stopGrace, func(ctx context.Context) int {
		return run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	}))
}

// stopGrace bounds a stop after SIGTERM or SIGINT: the publish queue's drain
// (redisbus.DrainTimeout) and the HTTP shutdown (5 s) fit in it.
const stopGrace = 12 * time.Second

// untilSignalled runs run until it returns. The first signal cancels its
// context; a second one, or run not returning within grace (something in
// start-up or shutdown that no context reaches), ends the process anyway,
// saying so: a stop must never wait for systemd's SIGKILL.
func untilSignalled(sigs <-chan os.Signal, stderr io.Writer, grace time.Duration, run func(context.Context) int) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx) }()
	var sig os.Signal
	select {
	case code := <-done:
		return code
	case sig = <-sigs:
	}
	cancel()
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case code := <-done:
		return code
	case again := <-sigs:
		fmt.Fprintf(stderr, "tickstock-ingest: %v again: stopping at once\n", again)
		return signalExit(again)
	case <-timer.C:
		fmt.Fprintf(stderr, "tickstock-ingest: %v: still not stopped after %v (blocked in start-up or shutdown); exiting\n", sig, grace)
		return signalExit(sig)
	}
}

// signalExit is the shell's exit code for a process ended by sig: 128+n.
func signalExit(sig os.Signal) int {
	if n, ok := sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 1
}

const usage = `usage: tickstock-ingest <command> [flags]

commands:
  run            run the connections from the environment (TickStockAppV2 variables, .env)
                 and publish every tick to REDIS_URL
  serve          run, plus the admin API and the browser dashboard (/admin/websockets/)
                 on ADMIN_LISTEN_ADDR (users in ADMIN_USERS_FILE)
  status         sign in to a server and print its connections; exit 0 all connected,
                 1 degraded, 2 down/unreachable/unauthorised/forbidden (see status -h)
  hash-password  read a password without echo and print its bcrypt hash
  simulate       run the provider protocol simulator (see simulate -h)
  version        print the version (also --version)
  help           this text
`

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "--version", "-version", "version":
		fmt.Fprintf(stdout, "tickstock-ingest %s\n", version.Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "run":
		return runIngest(ctx, args[1:], stderr)
	case "simulate":
		return runSimulator(ctx, args[1:], stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "status":
		return runStatus(ctx, args[1:], stdin, stdout, stderr)
	case "hash-password":
		return runHashPassword(stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "tickstock-ingest: unknown command %q\n\n%s", args[0], usage)
	return 2
}
