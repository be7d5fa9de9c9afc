package redisbus

import (
	"bufio"
	"net"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// DemoLabel is how the UI names the in-process Redis of the demo.
const DemoLabel = "built-in demo Redis"

// DemoRedis is an in-process Redis-protocol server on a free loopback port,
// so the packaged demo runs on a laptop without Redis. Ticks go through it
// over TCP exactly as through a real server.
type DemoRedis struct {
	srv *miniredis.Miniredis
}

// StartDemoRedis starts the in-process server.
func StartDemoRedis() (*DemoRedis, error) {
	s := miniredis.NewMiniRedis()
	if err := s.StartAddr("127.0.0.1:0"); err != nil {
		return nil, err
	}
	return &DemoRedis{srv: s}, nil
}

// URL is redis://127.0.0.1:PORT/0.
func (d *DemoRedis) URL() string { return "redis://" + d.srv.Addr() + "/0" }

// Close stops the server.
func (d *DemoRedis) Close() { d.srv.Close() }

// Answers reports whether a Redis server answers PING at addr within timeout.
func Answers(addr string, timeout time.Duration) bool {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && (line == "+PONG\r\n" || len(line) > 0 && line[0] == '-')
}
