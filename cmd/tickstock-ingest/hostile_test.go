package main

import (
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/admintest"
	"github.com/tickstock/monitor/internal/keyringtest"
)

// Issue 25 item 9: a missing admin certificate was found by ServeTLS after
// "admin API on https://…" was printed; serve exited 1 (systemd restarts it
// in a loop) naming no variable. It is now a configuration error: exit 2,
// the variable named, nothing announced.
func TestServeRefusesAMissingAdminCertificate(t *testing.T) {
	dir := t.TempDir()
	usersFile := filepath.Join(dir, "users.json")
	os.WriteFile(usersFile, usersJSON(t), 0o600)
	missing := filepath.Join(dir, "cert.pem")
	for k, v := range map[string]string{"TICKSTOCK_MODE": "demo", "ADMIN_LISTEN_ADDR": "127.0.0.1:0", "ADMIN_USERS_FILE": usersFile,
		"ADMIN_TLS_CERT": missing, "ADMIN_TLS_KEY": filepath.Join(dir, "key.pem")} {
		t.Setenv(k, v)
	}
	var out, errb strings.Builder
	code := run(context.Background(), []string{"serve", "--env-dir", dir}, nil, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "configuration error: ADMIN_TLS_CERT=") || out.String() != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// TestMain lets a test run the real main (its signal handling included) in a
// child process: TICKSTOCK_INGEST_MAIN=1 and the command's arguments after
// "--" on the child's command line.
func TestMain(m *testing.M) {
	if os.Getenv("TICKSTOCK_INGEST_MAIN") == "1" {
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{"tickstock-ingest"}, os.Args[i+1:]...)
				break
			}
		}
		main()
		return
	}
	os.Exit(m.Run())
}

// mainProcess starts the real main with args in a child process.
func mainProcess(t *testing.T, env []string, args ...string) (*exec.Cmd, *syncBuffer, <-chan error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append([]string{"TICKSTOCK_INGEST_MAIN=1", "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, env...)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The first receive gets Wait's error; later ones (the cleanup) nil.
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			cmd.Process.Kill()
			<-done
		}
	})
	return cmd, &out, done
}

// silentServer accepts connections and never answers: a sign-in to it
// waits for the whole --timeout.
func silentServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return "http://" + ln.Addr().String()
}

// Issue 25 item 3: with a D-Bus session whose Secret Service never answers,
// status ignored --timeout, SIGINT and SIGTERM. The keyring is now asked
// under both.
func TestStatusDoesNotWaitForASilentKeyring(t *testing.T) {
	silent := keyringtest.Silent(t)
	env := []string{"DBUS_SESSION_BUS_ADDRESS=" + silent.Address, "TICKSTOCK_ADMIN_PASSWORD=pw"}
	t.Run("--timeout", func(t *testing.T) {
		_, out, done := mainProcess(t, env, "status", "--env-dir", t.TempDir(), "--url", silentServer(t), "--email", "a@x.io", "--timeout", "1s")
		select {
		case err := <-done:
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != verdict.ExitCritical {
				t.Fatalf("exit %v, want %d\n%s", err, verdict.ExitCritical, out.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("status --timeout 1s still running after 30 s\n%s", out.String())
		}
	})
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			// A minute of --timeout against a server that never answers:
			// only the signal can end it within the test's wait.
			for len(silent.Asked) > 0 {
				<-silent.Asked // calls of the subtests before
			}
			cmd, out, done := mainProcess(t, env, "status", "--env-dir", t.TempDir(), "--url", silentServer(t), "--email", "a@x.io", "--timeout", "60s")
			select {
			case <-silent.Asked:
			case <-time.After(30 * time.Second):
				t.Fatalf("status never asked the keyring\n%s", out.String())
			}
			cmd.Process.Signal(sig)
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("status still running 30 s after %v\n%s", sig, out.String())
			}
		})
	}
}

// Issue 25 item 2: SIGTERM during a start-up that blocks where no context
// reaches was swallowed by the signal context. The process now ends after
// the grace, or at once on a second signal, and says so.
func TestASignalEndsABlockedRun(t *testing.T) {
	blocked := func(context.Context) int { select {} }
	for _, tc := range []struct {
		name  string
		sigs  []os.Signal
		run   func(context.Context) int
		code  int
		words string
	}{
		{"grace runs out", []os.Signal{syscall.SIGTERM}, blocked, 128 + 15, "terminated: still not stopped after 200ms"},
		{"second signal", []os.Signal{syscall.SIGTERM, syscall.SIGINT}, blocked, 128 + 2, "interrupt again: stopping at once"},
		{"run honours the context", []os.Signal{syscall.SIGTERM}, func(ctx context.Context) int { <-ctx.Done(); return 0 }, 0, ""},
	} {
		sigs := make(chan os.Signal, len(tc.sigs))
		for _, s := range tc.sigs {
			sigs <- s
		}
		grace := 200 * time.Millisecond
		if len(tc.sigs) > 1 {
			grace = time.Hour // only the second signal can end it
		}
		var errb strings.Builder
		done := make(chan int, 1)
		go func() { done <- untilSignalled(sigs, &errb, grace, tc.run) }()
		select {
		case code := <-done:
			if code != tc.code || !strings.Contains(errb.String(), tc.words) {
				t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, code, errb.String(), tc.code, tc.words)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: still running after 30 s", tc.name)
		}
	}
}

// Issue 25 items 1 and 2, end to end: serve with a FIFO as the users file
// hung in open(2) and ignored SIGTERM. It now refuses the file at once.
func TestServeWithAFIFOAsUsersFileEndsAtOnce(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "users.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	_, out, done := mainProcess(t, []string{"TICKSTOCK_MODE=demo", "ADMIN_LISTEN_ADDR=127.0.0.1:0", "ADMIN_USERS_FILE=" + fifo}, "serve", "--env-dir", dir)
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(out.String(), "ADMIN_USERS_FILE=") || !strings.Contains(out.String(), "a named pipe") {
			t.Fatalf("exit %v\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve still starting after 30 s\n%s", out.String())
	}
}

// Issue 25 item 4: a hostile server set the terminal's title and rewrote
// status's lines through the texts of its snapshot.
func TestStatusPrintsNoControlCharacters(t *testing.T) {
	users, err := adminapi.ParseUsers(usersJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	src := admintest.NewHealth(wire.Snapshot{TotalConnections: 3, EnabledConnections: 1, ConnectedCount: 0,
		Connections: map[string]wire.Connection{"connection_1": {Name: "\x1b]0;pwned\x07primary", Enabled: true,
			Status: "down\x1b[2K\rconnected (all good)", LastError: "\u009b2J\x1b[1Aerased"}}})
	hs := httptest.NewServer(adminapi.New(adminapi.Options{Users: users, Snapshots: src}).Handler())
	t.Cleanup(hs.Close)
	_, out, errs := status(t, hs.URL, "admin@x.io", "pw-admin")
	if strings.ContainsAny(out+errs, "\x1b\x07\r\u009b") || !strings.Contains(out, "erased") {
		t.Fatalf("stdout %q\nstderr %q", out, errs)
	}
}
