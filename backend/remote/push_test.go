package remote

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

type discardPush struct{}

func (discardPush) Health(wire.Snapshot) {}
func (discardPush) Metrics([]byte)       {}
func (discardPush) Tick([]byte, string)  {}
func (discardPush) ServerError(string)   {}
func (discardPush) Refused(int64)        {}

// silentServer accepts TCP connections and never answers, as a frozen
// (SIGSTOPped) or wedged server does.
func silentServer(t *testing.T) (addr string, release func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return ln.Addr().String(), func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	}
}

// The Socket.IO library dials with no handshake timeout: against a server
// that never answers, the stream must still end with its context, and a
// second attempt must not pile up another stuck dial.
func TestSocketIODialToASilentServerDoesNotHoldTheCaller(t *testing.T) {
	addr, release := silentServer(t)
	defer release()
	c, err := NewClient("http://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	c.kind = KindTSV2
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	ended := make(chan error, 1)
	go func() { ended <- c.Stream(ctx, discardPush{}) }()
	select {
	case err := <-ended:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("first stream ended with %v, want the context's end", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream is held by a dial that never gets an answer")
	}
	var unreachable *UnreachableError
	if err := c.Stream(context.Background(), discardPush{}); !errors.As(err, &unreachable) {
		t.Errorf("second stream while the first dial waits: %v, want an UnreachableError at once", err)
	}
	release() // the stuck dial fails now, and its goroutine ends (goleak checks)
	deadline := time.Now().Add(10 * time.Second)
	for c.dialing.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if c.dialing.Load() {
		t.Error("the dial goroutine did not end after the server closed the connection")
	}
}
