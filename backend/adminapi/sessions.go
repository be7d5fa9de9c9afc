package adminapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// session is a signed-in user.
type session struct {
	id      string // the token's random part: what a sign-out revokes
	email   string
	role    Role
	expires time.Time
}

// sessions are signed tokens, not a table in memory: a server started again
// with the same key accepts the sessions of the one before, so a wall screen
// comes back by itself after a deploy or a crash. A token is
// "<key id>.<payload>.<HMAC-SHA256 of both>"; the key id (a hash of the key,
// not the key) tells "signed with a key this server no longer has" from
// "forged". Sign-outs are kept in revoked (persisted when it has a file).
type sessions struct {
	key     []byte
	keyID   string
	ttl     time.Duration
	now     func() time.Time
	revoked *revocations
	// account is the user as the users file says now (nil: anyone): a
	// session of a removed or re-roled account ends, also across restarts.
	account func(email string) (User, bool)
}

// tokenPayload is what a token carries, in JSON before it is signed.
type tokenPayload struct {
	ID      string `json:"i"`
	Email   string `json:"e"`
	Role    Role   `json:"r"`
	Expires int64  `json:"x"` // Unix seconds
}

// Why a token is refused: the sentence of the 401.
const (
	whyUnknown    = "session unknown: sign in again"
	whyKeyChanged = "this server's session key changed since you signed in (a new ADMIN_SESSION_KEY_FILE, or its file was replaced): sign in again"
	whyExpired    = "session expired: sign in again"
	whySignedOut  = "this session was signed out: sign in again"
	whyAccount    = "your account changed in the server's users file since you signed in: sign in again"
)

func newSessions(key []byte, ttl time.Duration, now func() time.Time, revoked *revocations, account func(string) (User, bool)) *sessions {
	sum := sha256.Sum256(append([]byte("tickstock session key id\x00"), key...))
	return &sessions{key: key, keyID: hex.EncodeToString(sum[:6]), ttl: ttl, now: now, revoked: revoked, account: account}
}

func (s *sessions) create(u User) (string, time.Time) {
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	// Whole seconds: the token carries Unix seconds.
	exp := s.now().Add(s.ttl).Truncate(time.Second)
	p, _ := json.Marshal(tokenPayload{ID: base64.RawURLEncoding.EncodeToString(id), Email: u.Email, Role: u.Role, Expires: exp.Unix()})
	signed := s.keyID + "." + base64.RawURLEncoding.EncodeToString(p)
	return signed + "." + base64.RawURLEncoding.EncodeToString(s.sign(signed)), exp
}

func (s *sessions) sign(signed string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(signed))
	return m.Sum(nil)
}

func (s *sessions) get(token string) (session, bool) {
	ss, why := s.check(token)
	return ss, why == ""
}

// check returns the token's session, or why it is refused (a sentence).
func (s *sessions) check(token string) (session, string) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return session{}, whyUnknown
	}
	if parts[0] != s.keyID {
		return session{}, whyKeyChanged
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(mac, s.sign(parts[0]+"."+parts[1])) {
		return session{}, whyUnknown
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var p tokenPayload
	if err != nil || json.Unmarshal(raw, &p) != nil {
		return session{}, whyUnknown
	}
	ss := session{id: p.ID, email: p.Email, role: p.Role, expires: time.Unix(p.Expires, 0)}
	if s.now().After(ss.expires) {
		return session{}, whyExpired
	}
	if s.revoked.has(p.ID) {
		return session{}, whySignedOut
	}
	if s.account != nil {
		if u, ok := s.account(p.Email); !ok || u.Role != p.Role {
			return session{}, whyAccount
		}
	}
	return ss, ""
}

// delete revokes token (sign-out) until it would have expired anyway.
func (s *sessions) delete(token string) error {
	ss, ok := s.get(token)
	if !ok {
		return nil
	}
	return s.revoked.add(ss.id, ss.expires)
}
