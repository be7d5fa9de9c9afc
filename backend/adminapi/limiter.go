package adminapi

import (
	"sync"
	"time"
)

// loginLimiter allows a few failed logins per client address per window;
// past that, logins from the address get 429 until the window ends.
type loginLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time
	mu     sync.Mutex
	m      map[string]*attempts
}

type attempts struct {
	start    time.Time
	failures int
}

func newLoginLimiter(max int, window time.Duration, now func() time.Time) *loginLimiter {
	return &loginLimiter{max: max, window: window, now: now, m: map[string]*attempts{}}
}

// blocked returns how long addr must wait, or 0.
func (l *loginLimiter) blocked(addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.m[addr]
	if !ok {
		return 0
	}
	left := a.start.Add(l.window).Sub(l.now())
	if left <= 0 {
		delete(l.m, addr)
		return 0
	}
	if a.failures >= l.max {
		return left
	}
	return 0
}

func (l *loginLimiter) fail(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.m[addr]
	if !ok || l.now().After(a.start.Add(l.window)) {
		if len(l.m) > 100_000 { // a flood of addresses: start over rather than grow
			l.m = map[string]*attempts{}
		}
		a = &attempts{start: l.now()}
		l.m[addr] = a
	}
	a.failures++
}

func (l *loginLimiter) succeed(addr string) {
	l.mu.Lock()
	delete(l.m, addr)
	l.mu.Unlock()
}
