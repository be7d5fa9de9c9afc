package adminapi

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// session is a signed-in user.
type session struct {
	email   string
	role    Role
	expires time.Time
}

// sessions maps 256-bit random tokens to sessions. A token that is not in
// the map (tampered, expired, from before a restart) is simply unknown.
type sessions struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]session
}

func newSessions(ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{ttl: ttl, now: now, m: map[string]session{}}
}

func (s *sessions) create(u User) (string, time.Time) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	exp := s.now().Add(s.ttl)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[token] = session{email: u.Email, role: u.Role, expires: exp}
	s.sweepLocked()
	return token, exp
}

func (s *sessions) get(token string) (session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.m[token]
	if ok && s.now().After(ss.expires) {
		delete(s.m, token)
		return session{}, false
	}
	return ss, ok
}

func (s *sessions) delete(token string) {
	s.mu.Lock()
	delete(s.m, token)
	s.mu.Unlock()
}

// sweepLocked drops expired sessions so the map stays bounded.
func (s *sessions) sweepLocked() {
	now := s.now()
	for t, ss := range s.m {
		if now.After(ss.expires) {
			delete(s.m, t)
		}
	}
}
