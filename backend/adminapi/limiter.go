package adminapi

import (
	"strings"
	"sync"
	"time"
)

// loginLimiter throttles failed sign-ins so that guessing is slow and the
// owner of an account cannot be locked out (OWASP's authentication cheat
// sheet: throttle per account and address; a delay, not a lock, per
// account):
//
//   - per (account, address): max failures per window, then 429 until the
//     window ends. The guesser's own address is stopped; nobody else is.
//   - per address, over all accounts: addressFactor×max failures per window
//     (one address spraying many accounts).
//   - per account, over all addresses: after max failures, each further
//     attempt waits a delay that doubles with every failure (accountDelay up
//     to accountMaxDelay), forgotten accountMemory after the last failure.
//     A guesser spread over many addresses is slowed to a few hundred
//     guesses a day. An address that has signed in to the account before is
//     not subject to this delay: the owner signs in while the account is
//     being attacked.
//
// An attempt is counted when it starts, before the password is checked, so
// concurrent wrong passwords cannot all pass the check while the first ones
// are still being hashed; a correct password gives its attempt back. A
// success never clears any other failures: with an account of its own, an
// attacker could otherwise reset the address's count between guesses at an
// admin's password.
type loginLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time
	mu     sync.Mutex
	m      map[string]*attempts // "pair:<email> <addr>", "addr:<addr>", "acct:<email>"
	good   map[string]time.Time // "<email> <addr>" → last success
}

// The account's delay and the address-wide limit; see loginLimiter.
const (
	addressFactor   = 4
	accountDelay    = time.Second
	accountMaxDelay = 5 * time.Minute
	accountMemory   = time.Hour
	goodFor         = 30 * 24 * time.Hour // a successful address is trusted this long
	maxEntries      = 100_000             // a flood of addresses: start over rather than grow
)

type attempts struct {
	start    time.Time // of the window (pair, addr)
	last     time.Time // the last attempt (acct)
	failures int
}

func newLoginLimiter(limit int, window time.Duration, now func() time.Time) *loginLimiter {
	return &loginLimiter{max: limit, window: window, now: now, m: map[string]*attempts{}, good: map[string]time.Time{}}
}

// limiterKeys are the pair's, the address's and the account's keys.
func limiterKeys(addr, email string) (pair, address, account string) {
	email = strings.ToLower(strings.TrimSpace(email))
	return "pair:" + email + " " + addr, "addr:" + addr, "acct:" + email
}

func goodKey(addr, email string) string {
	return strings.ToLower(strings.TrimSpace(email)) + " " + addr
}

// begin counts an attempt for addr and email, or returns how long they must
// wait (nothing counted). The caller calls end with the outcome.
func (l *loginLimiter) begin(addr, email string) time.Duration {
	pair, address, account := limiterKeys(addr, email)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	wait := max(l.windowWait(pair, l.max, now), l.windowWait(address, addressFactor*l.max, now))
	if !l.trusted(addr, email, now) {
		wait = max(wait, l.accountWait(account, now))
	}
	if wait > 0 {
		return wait
	}
	if len(l.m) > maxEntries {
		l.m = map[string]*attempts{}
	}
	for _, k := range []string{pair, address} {
		a := l.windowEntry(k, now)
		if a == nil {
			a = &attempts{start: now}
			l.m[k] = a
		}
		a.failures++
	}
	a := l.accountEntry(account, now)
	if a == nil {
		a = &attempts{}
		l.m[account] = a
	}
	a.failures++
	a.last = now
	return 0
}

// end settles an attempt begun by begin: a success gives the attempt back
// (it was no failure) and trusts the address for the account; a failure
// stays counted.
func (l *loginLimiter) end(addr, email string, ok bool) {
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.giveBack(addr, email)
	if len(l.good) > maxEntries {
		l.good = map[string]time.Time{}
	}
	l.good[goodKey(addr, email)] = l.now()
}

// undo gives back an attempt that was never checked (the server was busy):
// no failure, and no success either.
func (l *loginLimiter) undo(addr, email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.giveBack(addr, email)
}

func (l *loginLimiter) giveBack(addr, email string) {
	pair, address, account := limiterKeys(addr, email)
	for _, k := range []string{pair, address, account} {
		if a := l.m[k]; a != nil && a.failures > 0 {
			a.failures--
		}
	}
}

// windowWait is how long k must wait under a limit of limit failures per window.
func (l *loginLimiter) windowWait(k string, limit int, now time.Time) time.Duration {
	if a := l.windowEntry(k, now); a != nil && a.failures >= limit {
		return a.start.Add(l.window).Sub(now)
	}
	return 0
}

// accountWait is how long the account's growing delay still runs.
func (l *loginLimiter) accountWait(k string, now time.Time) time.Duration {
	a := l.accountEntry(k, now)
	if a == nil || a.failures < l.max {
		return 0
	}
	return a.last.Add(delayAfter(a.failures - l.max)).Sub(now)
}

// delayAfter is the account's delay after n failures past the limit: 1 s,
// 2 s, 4 s, … up to accountMaxDelay.
func delayAfter(n int) time.Duration {
	if n >= 20 {
		return accountMaxDelay
	}
	return min(accountDelay<<n, accountMaxDelay)
}

func (l *loginLimiter) trusted(addr, email string, now time.Time) bool {
	at, ok := l.good[goodKey(addr, email)]
	return ok && now.Sub(at) < goodFor
}

// windowEntry returns the live entry of k, dropping an expired one.
func (l *loginLimiter) windowEntry(k string, now time.Time) *attempts {
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

// accountEntry returns the account's entry, dropping one whose last
// failure is accountMemory old.
func (l *loginLimiter) accountEntry(k string, now time.Time) *attempts {
	a, ok := l.m[k]
	if !ok {
		return nil
	}
	if now.Sub(a.last) >= accountMemory {
		delete(l.m, k)
		return nil
	}
	return a
}
