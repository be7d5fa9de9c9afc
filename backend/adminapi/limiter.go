package adminapi

import (
	"strings"
	"sync"
	"time"
)

// loginLimiter allows a few failed sign-ins per client address and, apart
// from that, per account, per window; past that, sign-ins get 429 until the
// window ends.
//
// An attempt is counted when it starts, before the password is checked, so
// concurrent wrong passwords cannot all pass the check while the first ones
// are still being hashed; a correct password gives its attempt back. A
// success never clears any other failures: with an account of its own, an
// attacker could otherwise reset the address's count between guesses at an
// admin's password. The per-account count stops a guesser who spreads over
// many addresses.
type loginLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time
	mu     sync.Mutex
	m      map[string]*attempts // "addr:<ip>" and "acct:<email>"
}

type attempts struct {
	start    time.Time
	failures int
}

func newLoginLimiter(limit int, window time.Duration, now func() time.Time) *loginLimiter {
	return &loginLimiter{max: limit, window: window, now: now, m: map[string]*attempts{}}
}

func limiterKeys(addr, email string) [2]string {
	return [2]string{"addr:" + addr, "acct:" + strings.ToLower(strings.TrimSpace(email))}
}

// begin counts an attempt for addr and email, or returns how long they must
// wait (nothing counted). The caller calls end with the outcome.
func (l *loginLimiter) begin(addr, email string) time.Duration {
	keys := limiterKeys(addr, email)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		if a := l.current(k, now); a != nil && a.failures >= l.max {
			wait = max(wait, a.start.Add(l.window).Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	for _, k := range keys {
		a := l.current(k, now)
		if a == nil {
			if len(l.m) > 100_000 { // a flood of addresses: start over rather than grow
				l.m = map[string]*attempts{}
			}
			a = &attempts{start: now}
			l.m[k] = a
		}
		a.failures++
	}
	return 0
}

// end settles an attempt begun by begin: a success gives the attempt back
// (it was no failure); a failure stays counted.
func (l *loginLimiter) end(addr, email string, ok bool) {
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range limiterKeys(addr, email) {
		if a := l.m[k]; a != nil && a.failures > 0 {
			a.failures--
		}
	}
}

// current returns the live entry of k, dropping an expired one.
func (l *loginLimiter) current(k string, now time.Time) *attempts {
	a, ok := l.m[k]
	if !ok {
		return nil
	}
	if !now.Before(a.start.Add(l.window)) {
		delete(l.m, k)
		return nil
	}
	return a
}
