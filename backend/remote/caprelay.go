package remote

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"time"
)

// capRelay is a loopback relay between the Socket.IO library and the
// server. The library reads every WebSocket message whole into memory, and
// then again as decoded values, with no limit (four 64 MiB tick_update
// events took the window to 974 MB). The relay reads the server's frames
// and skips any message over its limit in bytes before the library sees it,
// reporting its size to refused; everything else passes unchanged, so the
// link stays up. It dials the server itself (TLS for https), so the
// library speaks plain WebSocket to it on 127.0.0.1.
//
// Frames wait at a gate until Release: the library reads the server's
// Engine.IO OPEN on a goroutine it starts inside its dial, and emits "open"
// before its manager has put its listener on if that goroutine runs first (a
// busy machine showed the manager then waiting out its 10 s timeout).
// openSocketIO releases the gate once the manager listens.
type capRelay struct {
	ln      net.Listener
	target  string
	tls     *tls.Config // nil: plain TCP
	max     int64
	refused func(size int64)

	gate     chan struct{} // closed by Release
	gateOnce sync.Once
	done     chan struct{} // closed by Close

	mu     sync.Mutex
	conns  []net.Conn
	closed bool
	wg     sync.WaitGroup
}

func startCapRelay(base *url.URL, limit int64, refused func(int64)) (*capRelay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &capRelay{ln: ln, target: hostPort(base), max: limit, refused: refused, gate: make(chan struct{}), done: make(chan struct{})}
	if base.Scheme == "https" {
		r.tls = &tls.Config{ServerName: base.Hostname(), MinVersion: tls.VersionTLS12}
	}
	r.wg.Add(1)
	go r.accept()
	return r, nil
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// Addr is the loopback address the library dials.
func (r *capRelay) Addr() string { return r.ln.Addr().String() }

// Release lets the server's WebSocket frames through (see capRelay).
func (r *capRelay) Release() { r.gateOnce.Do(func() { close(r.gate) }) }

// Close ends the relay and every connection through it; its goroutines end
// before it returns.
func (r *capRelay) Close() {
	r.mu.Lock()
	if !r.closed {
		close(r.done)
	}
	r.closed = true
	conns := r.conns
	r.conns = nil
	r.mu.Unlock()
	_ = r.ln.Close()
	for _, c := range conns {
		_ = c.Close()
	}
	r.wg.Wait()
}

// track keeps c for Close; false when the relay is closed already.
func (r *capRelay) track(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		_ = c.Close()
		return false
	}
	r.conns = append(r.conns, c)
	return true
}

func (r *capRelay) accept() {
	defer r.wg.Done()
	for {
		client, err := r.ln.Accept()
		if err != nil {
			return
		}
		if !r.track(client) {
			return
		}
		r.wg.Add(1)
		go r.pipe(client)
	}
}

func (r *capRelay) pipe(client net.Conn) {
	defer r.wg.Done()
	defer client.Close()
	d := net.Dialer{Timeout: 10 * time.Second}
	var server net.Conn
	var err error
	if r.tls != nil {
		server, err = (&tls.Dialer{NetDialer: &d, Config: r.tls}).Dial("tcp", r.target)
	} else {
		server, err = d.Dial("tcp", r.target)
	}
	if err != nil || !r.track(server) {
		return
	}
	defer server.Close()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		_, _ = io.Copy(server, client) // the library's requests and frames, unchanged
		_ = server.Close()
	}()
	src := bufio.NewReaderSize(server, 64<<10)
	if copyHead(client, src) != nil {
		return
	}
	select {
	case <-r.gate:
	case <-r.done:
		return
	}
	_ = copyFrames(client, src, r.max, r.refused)
}

// maxHead bounds the HTTP answer to the WebSocket upgrade.
const maxHead = 64 << 10

// copyCapped copies the server's side: the HTTP head of the upgrade answer,
// then WebSocket frames (RFC 6455 §5.2), skipping every data message whose
// length is over limit. It returns when either side ends.
func copyCapped(dst io.Writer, src *bufio.Reader, limit int64, refused func(int64)) error {
	if err := copyHead(dst, src); err != nil {
		return err
	}
	return copyFrames(dst, src, limit, refused)
}

// copyFrames is copyCapped after the head.
func copyFrames(dst io.Writer, src *bufio.Reader, limit int64, refused func(int64)) error {
	var skipping bool
	var size int64
	for {
		head, length, err := readFrameHead(src)
		if err != nil {
			return err
		}
		opcode := head[0] & 0x0f
		fin := head[0]&0x80 != 0
		switch {
		case opcode >= 0x8: // control frames are small and never part of a message
		case opcode != 0x0: // the first frame of a message
			size, skipping = length, length > limit
		default: // a continuation
			size += length
			if !skipping && size > limit {
				// Its first frames are already through: the message
				// cannot be taken back, only the link ended.
				return fmt.Errorf("a fragmented push event grew over %d bytes", limit)
			}
		}
		if skipping && opcode < 0x8 {
			if _, err := io.CopyN(io.Discard, src, length); err != nil {
				return err
			}
			if fin {
				skipping = false
				refused(size)
			}
			continue
		}
		if _, err := dst.Write(head); err != nil {
			return err
		}
		if _, err := io.CopyN(dst, src, length); err != nil {
			return err
		}
	}
}

func copyHead(dst io.Writer, src *bufio.Reader) error {
	var head bytes.Buffer
	for !bytes.HasSuffix(head.Bytes(), []byte("\r\n\r\n")) {
		line, err := src.ReadSlice('\n')
		head.Write(line)
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
		if head.Len() > maxHead {
			return errors.New("the upgrade answer's head is too long")
		}
	}
	_, err := dst.Write(head.Bytes())
	return err
}

// readFrameHead reads a frame's header bytes (with any extended length and
// mask key) and its payload length.
func readFrameHead(src *bufio.Reader) ([]byte, int64, error) {
	head := make([]byte, 2, 14)
	if _, err := io.ReadFull(src, head); err != nil {
		return nil, 0, err
	}
	length := int64(head[1] & 0x7f)
	ext := map[int64]int{126: 2, 127: 8}[length]
	if ext > 0 {
		b := make([]byte, ext)
		if _, err := io.ReadFull(src, b); err != nil {
			return nil, 0, err
		}
		head = append(head, b...)
		if ext == 2 {
			length = int64(binary.BigEndian.Uint16(b))
		} else {
			length = int64(binary.BigEndian.Uint64(b) & (1<<63 - 1))
		}
	}
	if head[1]&0x80 != 0 { // masked (a server must not, but pass it on)
		key := make([]byte, 4)
		if _, err := io.ReadFull(src, key); err != nil {
			return nil, 0, err
		}
		head = append(head, key...)
	}
	return head, length, nil
}
