// Package redistest runs a private redis-server for tests: a free loopback
// port, a temporary directory, no persistence, stopped on cleanup. Tests can
// Kill and Restart it (same port) to prove reconnection.
//
// When REDIS_URL is set, Start returns that server instead (on DB 15) and the
// kill/restart helpers skip, since a shared server must not be killed.
// Under CI=true a missing redis-server is a failure, never a skip.
package redistest

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tickstock/monitor/internal/testproc"
)

// Server is one redis-server process (or an external server from REDIS_URL).
type Server struct {
	// Addr is host:port; URL is a redis:// URL to DB 15 of it.
	Addr string
	URL  string

	external bool
	dir      string
	port     int
	bin      string          // redis-server, or redis-sentinel
	args     func() []string // the whole command line after bin; nil = the plain server's
	tlsConf  *tls.Config     // the readiness PING goes over TLS when set

	mu   sync.Mutex
	proc *testproc.Proc
}

// Start returns a running server for tb, stopped when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return &Server{URL: u, external: true}
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "redis-server is not installed; run scripts/setup (Debian package redis-server)"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	s := &Server{dir: tb.TempDir()}
	if err := s.startFresh(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// Launch starts a private redis-server outside a test (load runs); the
// caller must Stop it. dir holds its files.
func Launch(dir string) (*Server, error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, errors.New("redis-server is not installed; run scripts/setup")
	}
	s := &Server{dir: dir}
	return s, s.startFresh()
}

func (s *Server) startFresh() error {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := testproc.FreePort()
		if err != nil {
			return err
		}
		s.port = port
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		s.URL = "redis://" + s.Addr + "/15"
		if s.tlsConf != nil {
			s.URL = "rediss://" + s.Addr + "/0"
		}
		if lastErr = s.launch(); lastErr == nil {
			return nil
		}
	}
	return lastErr
}

// launch starts redis-server on s.port and waits until it answers PING.
func (s *Server) launch() error {
	bin, args := "redis-server", s.plainArgs()
	if s.bin != "" {
		bin = s.bin
	}
	if s.args != nil {
		args = s.args()
	}
	proc, err := testproc.Start(exec.Command(bin, args...), func() error { return ping(s.Addr, s.tlsConf) }, 5*time.Second, 20*time.Millisecond)
	if err != nil {
		log, _ := os.ReadFile(s.dir + "/redis.log")
		return fmt.Errorf("%s on %s did not answer PING: %w; log:\n%s", bin, s.Addr, err, log)
	}
	s.mu.Lock()
	s.proc = proc
	s.mu.Unlock()
	return nil
}

// plainArgs is the command line of a private redis-server on s.port.
func (s *Server) plainArgs() []string {
	return []string{
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--dir", s.dir, "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--loglevel", "warning",
		"--logfile", s.dir + "/redis.log"}
}

// ping sends an inline PING and expects +PONG (over TLS with conf).
func ping(addr string, conf *tls.Config) error {
	c, err := dial(context.Background(), addr, conf)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return errors.New("unexpected reply " + strconv.Quote(line))
	}
	return nil
}

// Kill stops the server abruptly (SIGKILL), as a crash would.
func (s *Server) Kill(tb testing.TB) {
	tb.Helper()
	s.requireOwned(tb)
	s.stop(0)
}

// Restart starts the server again on the same port after Kill.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.requireOwned(tb)
	var err error
	for i := 0; i < 50; i++ { // the port may linger briefly after a kill
		if err = s.launch(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("restarting redis-server on %s: %v", s.Addr, err)
}

// Stop ends the server (thawed first if a test left it frozen); safe to
// call twice.
func (s *Server) Stop() { s.stop(3 * time.Second) }

func (s *Server) stop(grace time.Duration) {
	s.mu.Lock()
	proc := s.proc
	s.proc = nil
	s.mu.Unlock()
	if proc != nil {
		proc.Stop(grace)
	}
}

func (s *Server) requireOwned(tb testing.TB) {
	tb.Helper()
	if s.external {
		tb.Skip("REDIS_URL points at a shared server, which a test must not kill; unset it to run this test")
	}
}

// Do sends one command in RESP and returns the raw first reply line, for tests
// that need a command without a client (CONFIG SET, CLIENT KILL…).
func (s *Server) Do(ctx context.Context, args ...string) (string, error) {
	c, err := dial(ctx, s.Addr, s.tlsConf)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	msg := "*" + strconv.Itoa(len(args)) + "\r\n"
	for _, a := range args {
		msg += "$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n"
	}
	if _, err := c.Write([]byte(msg)); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}

func dial(ctx context.Context, addr string, conf *tls.Config) (net.Conn, error) {
	d := &net.Dialer{Timeout: 200 * time.Millisecond}
	if conf != nil {
		return (&tls.Dialer{NetDialer: d, Config: conf}).DialContext(ctx, "tcp", addr)
	}
	return d.DialContext(ctx, "tcp", addr)
}

// IgnoreRedial is the goleak option for go-redis's background redial: after
// a failed dial the pool retries once a second and ends that goroutine by
// itself within a second of Close.
var IgnoreRedial = goleak.IgnoreAnyFunction("github.com/redis/go-redis/v9/internal/pool.(*ConnPool).tryDial")

// Freeze stops the server process (SIGSTOP) without closing its sockets: the
// connection stays up but nothing answers, as with a hung server or a
// black-holed network path. Thaw resumes it.
func (s *Server) Freeze(tb testing.TB) { s.signal(tb, syscall.SIGSTOP) }

// Thaw resumes a frozen server (SIGCONT).
func (s *Server) Thaw(tb testing.TB) { s.signal(tb, syscall.SIGCONT) }

func (s *Server) signal(tb testing.TB, sig syscall.Signal) {
	tb.Helper()
	s.requireOwned(tb)
	s.mu.Lock()
	proc := s.proc
	s.mu.Unlock()
	if proc == nil {
		tb.Fatal("redis-server is not running")
	}
	if err := proc.Signal(sig); err != nil {
		tb.Fatal(err)
	}
}

var channelSeq atomic.Int64

// Channel is a channel name no other test uses, even on a shared server
// (REDIS_URL) or across test processes: the test's name, the time and a
// sequence number.
func Channel(t testing.TB) string {
	return fmt.Sprintf("tickstock:test:%s:%d:%d", t.Name(), time.Now().UnixNano(), channelSeq.Add(1))
}
