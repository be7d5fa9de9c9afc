// Package testproc runs the server processes that tests start (redis-server,
// redis-sentinel, the TickStockAppV2 stand-in): each in its own process
// group, ready when a probe answers, frozen and thawed like a hung server,
// stopped once. The fixtures in internal/redistest and internal/tsv2test
// say what to run and how to probe it; this package owns the process.
package testproc

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Proc is one started process.
type Proc struct {
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// ErrExited says the process ended before its probe answered.
var ErrExited = errors.New("the process exited at start")

// Start runs cmd in its own process group and polls ready every interval
// until it returns nil. If the process exits first or within passes, it is
// killed and the error says which.
func Start(cmd *exec.Cmd, ready func() error, within, interval time.Duration) (*Proc, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Proc{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(within)
	for {
		select {
		case <-p.done:
			return nil, ErrExited
		default:
		}
		err := ready()
		if err == nil {
			return p, nil
		}
		if time.Now().After(deadline) {
			p.Stop(0)
			return nil, fmt.Errorf("no answer within %s (last: %w)", within, err)
		}
		time.Sleep(interval)
	}
}

// Signal sends sig to the process's whole group; an error when it has
// been stopped.
func (p *Proc) Signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return errors.New("the process is not running")
	}
	return syscall.Kill(-p.cmd.Process.Pid, sig)
}

// Freeze stops the process (SIGSTOP): it keeps its sockets open and answers
// nothing, as a hung server or a black-holed path does. Thaw resumes it.
func (p *Proc) Freeze() error { return p.Signal(syscall.SIGSTOP) }

// Thaw resumes a frozen process (SIGCONT).
func (p *Proc) Thaw() error { return p.Signal(syscall.SIGCONT) }

// Stop ends the process and waits for it: with grace 0 at once (SIGKILL, as
// a crash), otherwise with SIGINT first and SIGKILL after grace. Safe to
// call twice, and on a frozen process.
func (p *Proc) Stop(grace time.Duration) {
	p.mu.Lock()
	cmd := p.cmd
	p.cmd = nil
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	pg := -cmd.Process.Pid
	if grace > 0 {
		_ = syscall.Kill(pg, syscall.SIGCONT)
		_ = syscall.Kill(pg, syscall.SIGINT)
		select {
		case <-p.done:
		case <-time.After(grace):
		}
	}
	// Also after a clean exit: children the process left behind (which
	// may ignore SIGINT) must not outlive the test.
	_ = syscall.Kill(pg, syscall.SIGKILL)
	<-p.done
}
